"""What every JSON API of the site shares: JSON error answers (400 to 500, CSRF, wrong method),
and reading a JSON body without letting its nesting exhaust the stack.

An API registers its URL prefix with :func:`serves_json` (the root URLconf does it); from
then on Django's error views (``handler400`` ... ``handler500`` and ``CSRF_FAILURE_VIEW``,
all pointing here) answer requests under that prefix with JSON in the API's error shape,
and every other request with Django's pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults

# Deep enough for every request these APIs take (objects of strings and lists of strings),
# far below what would exhaust the stack in json.loads or in anything that walks the result.
MAX_JSON_DEPTH = 32

ErrorShape = Callable[[HttpRequest, int, str, "str | Promise"], HttpResponse]


def error_response(
    request: HttpRequest | None, status: int, code: str, message: str | Promise
) -> JsonResponse:
    """The house error shape: ``{"error": code, "message": text}`` with the status."""
    return JsonResponse({"error": code, "message": str(message)}, status=status)


_apis: list[tuple[str, ErrorShape]] = []


def serves_json(prefix: str, shape: ErrorShape = error_response) -> None:
    """Declare that every answer under ``prefix`` (a path such as ``"/api/"``) is JSON; its
    errors come in ``shape`` (the house shape unless the API follows another one)."""
    _apis[:] = [entry for entry in _apis if entry[0] != prefix]
    _apis.append((prefix, shape))
    _apis.sort(key=lambda entry: -len(entry[0]))


def shape_for(request: HttpRequest) -> ErrorShape | None:
    """The error shape of the JSON API this request is for, or None for a page."""
    for prefix, shape in _apis:
        if request.path_info.startswith(prefix):
            return shape
    return None


# Django's error views (set as handler400... in the root URLconf, and CSRF_FAILURE_VIEW).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    shape = shape_for(request)
    if shape is None:
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return shape(request, 413, "too_large", _("The request is too large."))
    return shape(request, 400, "bad_request", _("The request could not be read."))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    shape = shape_for(request)
    if shape is None:
        return defaults.permission_denied(request, exception)
    return shape(request, 403, "forbidden", _("You may not do this."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    shape = shape_for(request)
    if shape is None:
        return defaults.page_not_found(request, exception)
    return shape(request, 404, "not_found", _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    shape = shape_for(request)
    if shape is None:
        return defaults.server_error(request)
    return shape(request, 500, "server_error", _("Something went wrong on our side."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A write without a valid CSRF token. In an API every write needs a logged-in reader, so
    without one the answer is ``login_required`` (401), as documented; with one it is
    ``csrf_failed`` (403)."""
    shape = shape_for(request)
    if shape is None:
        return csrf.csrf_failure(request, reason)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return shape(request, 401, "login_required", _("Please log in to take part."))
    return shape(
        request,
        403,
        "csrf_failed",
        _("The CSRF check failed: send this site's token in the X-CSRFToken header."),
    )


def allow_methods(
    *methods: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Like Django's ``require_http_methods``, but the 405 is JSON in the API's shape and
    names the allowed methods in ``Allow``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                shape = shape_for(request) or error_response
                response = shape(
                    request,
                    405,
                    "method_not_allowed",
                    _("Use %(methods)s for this address.") % {"methods": ", ".join(methods)},
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# Reading JSON bodies.


class JsonTooDeep(ValueError):
    """The JSON nests deeper than allowed (raised before it is parsed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects deeper than ``limit`` (brackets inside
    strings do not count). Linear, with no recursion, on any input, valid or not."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    if len(brackets) <= limit:
        return False
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string (key or value) with a lone surrogate: an
    escape such as ``"\\ud800"`` without its pair, which no UTF-8 text can hold. Recursion
    is bounded by the nesting limit checked before parsing."""
    if isinstance(value, str):
        return bool(_LONE_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def loads(body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses to parse what nests deeper than ``max_depth``: raises
    :class:`JsonTooDeep` for that and ``ValueError`` for anything that is not JSON, bytes
    that are not valid in their encoding, and strings with a lone surrogate escape
    (``"\\ud800"``: the parser accepts it, but it can be neither stored nor encoded)."""
    text = body.decode(json.detect_encoding(body)) if isinstance(body, bytes) else body
    if nesting_depth_exceeds(text, max_depth):
        raise JsonTooDeep(max_depth)
    data = json.loads(text)
    if _has_lone_surrogate(data):
        raise ValueError("a string holds a lone surrogate (\\ud800-\\udfff)")
    return data
