"""A LibreTranslate-compatible HTTP API: /translate, /languages, /detect, plus its OpenAPI.

Same parameters, JSON and error shapes as LibreTranslate, so its clients (and
wagtail-localize's LibreTranslate backend) work unchanged. Requests carry an API key
(``api_key``) made in the back office; each key has its own rate limit and size limit.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from newsdesk.core import clock, counters, json_api
from newsdesk.core.errors import ActionRefused
from newsdesk.core.net import client_ip
from newsdesk.core.text_input import refuse_control_characters
from newsdesk.translation.checks import detect
from newsdesk.translation.engines import EngineError, UnsupportedLanguagePair, get_engine
from newsdesk.translation.models import ApiKey
from newsdesk.translation.pipeline import SourceField, translate_document

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _error_language(request: HttpRequest) -> str:
    """Errors in the client's Accept-Language, else in English (as LibreTranslate's)."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return translation.get_language_from_request(request)
    return "en"


def error_shape(
    request: HttpRequest, status: int, code: str, message: str | Promise
) -> HttpResponse:
    """LibreTranslate's error shape, ``{"error": text}``, for the errors Django answers under
    /mt/ (no such address, wrong method, too large, server error: core.json_api)."""
    with translation.override(_error_language(request)):
        return _error(status, str(message))


def _params(request: HttpRequest) -> dict[str, Any]:
    """The request's parameters, from a JSON body or a form, as LibreTranslate reads them.
    Texts (``q``) may not hold NUL; every other parameter no control character at all."""
    if request.content_type == "application/json":
        try:
            data = json_api.loads(request.body or b"{}")
        except json_api.JsonTooDeep as deep:
            raise ApiError(
                400,
                _("Invalid request: the JSON is nested too deeply (at most %(limit)d levels).")
                % {"limit": deep.limit},
            ) from None
        except ValueError:
            raise ApiError(400, _("Invalid request: the body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise ApiError(400, _("Invalid request: send a JSON object."))
        params = data
    else:
        params = {key: request.POST.get(key) for key in request.POST}
        if len(request.POST.getlist("q")) > 1:
            params["q"] = request.POST.getlist("q")
    for name, value in params.items():
        texts = value if name == "q" and isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str):
                refuse_control_characters(text, str(name), lines=name == "q")
    return params


@dataclass
class Caller:
    key: ApiKey | None
    max_characters: int


def _minute() -> int:
    """The current rate-limit window (fixed one-minute windows)."""
    return int(time.time() // 60)


def _authorise(request: HttpRequest, params: dict[str, Any]) -> Caller:
    """Find the API key and apply its rate limit (requests per minute)."""
    raw_key = params.get("api_key") or ""
    if not isinstance(raw_key, str):
        raise ApiError(400, _("Invalid request: api_key must be a string."))
    key = None
    if raw_key:
        key = ApiKey.objects.filter(key_hash=ApiKey.hash_key(raw_key), active=True).first()
        if key is None:
            raise ApiError(403, _("Invalid API key."))
        limit, bucket, max_characters = key.requests_per_minute, f"key:{key.pk}", key.max_characters
    elif settings.NEWSDESK_MT_API_KEYS_REQUIRED:
        raise ApiError(403, _("Visit the site's back office to get an API key (api_key)."))
    else:
        limit = settings.NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE
        bucket, max_characters = f"ip:{client_ip(request) or 'unknown'}", 5000
    # Counted in the database: every server process sees the same count (the cache would
    # count per process unless it is Redis).
    used = counters.count(f"mt-api:{bucket}", 60, now=_minute() * 60.0)
    if used > limit:
        raise ApiError(
            429, _("Slowdown: too many requests (limit %(limit)s per minute).") % {"limit": limit}
        )
    if key is not None:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now())
    return Caller(key, max_characters)


def _api_view(method: str):  # type: ignore[no-untyped-def]
    def decorate(func):  # type: ignore[no-untyped-def]
        @csrf_exempt
        def view(request: HttpRequest) -> JsonResponse:
            with translation.override(_error_language(request)):
                return _answer(request)

        def _answer(request: HttpRequest) -> JsonResponse:
            if request.method != method:
                response = _error(405, _("Use %(method)s for this endpoint.") % {"method": method})
                response["Allow"] = method
                return response
            try:
                return func(request)
            except ApiError as exc:
                return _error(exc.status, exc.message)
            except ActionRefused as refused:
                return _error(refused.status, refused.message)
            except UnsupportedLanguagePair as exc:
                return _error(400, str(exc))
            except EngineError:
                # The engine's message may name internal addresses: log it, answer plainly.
                logger.exception("translation API: the engine failed")
                return _error(500, _("Translation failed; the engine is not available right now."))

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return view

    return decorate


def _language_list(value: Any, name: str) -> str:
    if not value or not isinstance(value, str):
        raise ApiError(400, _("Invalid request: missing %(name)s parameter") % {"name": name})
    return value.strip().lower()


@_api_view("POST")
def translate(request: HttpRequest) -> JsonResponse:
    params = _params(request)
    caller = _authorise(request, params)
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise ApiError(400, _("Invalid request: missing q parameter"))
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(text, str) for text in texts):
        raise ApiError(400, _("Invalid request: q must be a string or a list of strings"))
    source = _language_list(params.get("source"), "source")
    target = _language_list(params.get("target"), "target")
    text_format = params.get("format") or "text"
    if text_format not in ("text", "html"):
        raise ApiError(400, _("Invalid request: format must be text or html"))
    alternatives = _alternatives(params.get("alternatives"))
    characters = sum(len(text) for text in texts)
    if characters > caller.max_characters:
        raise ApiError(
            400,
            _(
                "Invalid request: request (%(length)s characters) exceeds the limit of "
                "%(limit)s characters"
            )
            % {"length": characters, "limit": caller.max_characters},
        )
    engine = get_engine()
    detected: list[dict[str, Any]] = []
    sources = [source] * len(texts)
    if source == "auto":
        sources = []
        for text in texts:
            found = detect(text) if text.strip() else []
            language, confidence = found[0] if found else (settings.LANGUAGE_CODE, 0.0)
            sources.append(language)
            detected.append({"confidence": round(confidence * 100, 1), "language": language})
    if not engine.can_translate(sources[0], target) and sources[0] != target:
        raise ApiError(
            400,
            _("%(source)s to %(target)s is not supported")
            % {"source": sources[0], "target": target},
        )
    # One pipeline call per source language (usually one in all).
    translated = list(texts)
    others: list[list[str]] = [[] for _text in texts]
    for language in dict.fromkeys(sources):
        indexes = [i for i, s in enumerate(sources) if s == language and s != target]
        if not indexes:
            continue
        if not engine.can_translate(language, target):
            raise ApiError(
                400,
                _("%(source)s to %(target)s is not supported")
                % {"source": language, "target": target},
            )
        fields = [SourceField(str(i), texts[i], text_format == "html") for i in indexes]
        result = translate_document(
            fields,
            language,
            target,
            engine=engine,
            run_checks=False,
            alternatives=alternatives,
        )
        for i, field in zip(indexes, result.fields, strict=True):
            translated[i] = field.text
            others[i] = field.alternatives
    body: dict[str, Any] = {"translatedText": translated if batch else translated[0]}
    if source == "auto":
        body["detectedLanguage"] = detected if batch else detected[0]
    if alternatives:
        body["alternatives"] = others if batch else others[0]
    return JsonResponse(body)


MAX_ALTERNATIVES = 3


def _alternatives(value: Any) -> int:
    """LibreTranslate's ``alternatives``: how many other translations to give (0 to 3)."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        number = None
    else:
        try:
            number = int(value)
        except ValueError:
            number = None
    if number is None or not 0 <= number <= MAX_ALTERNATIVES:
        raise ApiError(
            400,
            _("Invalid request: alternatives must be a whole number from 0 to %(limit)s")
            % {"limit": MAX_ALTERNATIVES},
        )
    return number


@_api_view("GET")
def languages(request: HttpRequest) -> JsonResponse:
    """Every source language with the targets it can be translated to."""
    pairs = get_engine().language_pairs()
    targets: dict[str, set[str]] = {}
    for source, target in pairs:
        targets.setdefault(source, set()).add(target)
        targets.setdefault(target, set())
    names = settings.KNOWN_LANGUAGES
    listing = [
        {"code": code, "name": str(names.get(code, code)), "targets": sorted(targets[code])}
        for code in sorted(targets)
    ]
    return JsonResponse(listing, safe=False)


@_api_view("POST")
def detect_view(request: HttpRequest) -> JsonResponse:
    params = _params(request)
    _authorise(request, params)
    q = params.get("q")
    if not q or not isinstance(q, str):
        raise ApiError(400, _("Invalid request: missing q parameter"))
    found = detect(q)[:3]
    return JsonResponse(
        [
            {"confidence": round(confidence * 100, 1), "language": language}
            for language, confidence in found
        ],
        safe=False,
    )


@json_api.allow_methods("GET", "HEAD")
def openapi(request: HttpRequest) -> HttpResponse:
    from newsdesk.translation.openapi import schema

    return JsonResponse(schema(request.build_absolute_uri("/mt/")))
