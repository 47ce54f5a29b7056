"""A LibreTranslate-compatible HTTP API: /translate, /languages, /detect, /health, /spec,
/frontend/settings, plus its OpenAPI.

Same parameters (from a JSON body, a form or the query string), JSON and error shapes as
LibreTranslate, so its clients (libretranslatepy, deep-translator, wagtail-localize's
LibreTranslate backend) work unchanged. Language codes may carry a region or script (BCP 47:
``de-AT``, ``pt_BR``): the language subtag picks the engine's language. Requests carry an API
key (``api_key``) made in the back office or with ``newsdesk mt keys``; each key has its own
rate limit and size limit. docs/translation.md lists the LibreTranslate behaviours adopted.
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
from newsdesk.translation.checks import detect_source
from newsdesk.translation.engines import (
    EngineError,
    TranslationEngine,
    UnsupportedLanguagePair,
    get_engine,
)
from newsdesk.translation.languages import language_name, resolve_language
from newsdesk.translation.models import ApiKey
from newsdesk.translation.pipeline import SourceField, translate_document

logger = logging.getLogger(__name__)


# Characters per request without a key (where keys are not required).
ANONYMOUS_MAX_CHARACTERS = 5000
# How long a client should wait before asking again for a pair whose model is not installed.
NO_MODEL_RETRY_SECONDS = 600


class ApiError(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


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
    """The request's parameters as LibreTranslate reads them: from a JSON body or a form, and
    from the query string (deep-translator sends them there, on a POST) for what the body
    does not name. Texts (``q``) may not hold NUL; every other parameter no control
    character at all."""
    params = _body_params(request)
    for key in request.GET:
        if key not in params:
            values = request.GET.getlist(key)
            params[key] = values if key == "q" and len(values) > 1 else values[-1]
    for name, value in params.items():
        texts = value if name == "q" and isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str):
                refuse_control_characters(text, str(name), lines=name == "q")
    return params


def _body_params(request: HttpRequest) -> dict[str, Any]:
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
        return data
    params: dict[str, Any] = {key: request.POST.get(key) for key in request.POST}
    if len(request.POST.getlist("q")) > 1:
        params["q"] = request.POST.getlist("q")
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
        bucket = f"ip:{client_ip(request) or 'unknown'}"
        max_characters = ANONYMOUS_MAX_CHARACTERS
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
                return answer_error(exc)
            except ActionRefused as refused:
                return _error(refused.status, refused.message)
            except UnsupportedLanguagePair as exc:  # a model removed while we worked
                return answer_error(_no_model(exc.source, exc.target))
            except EngineError:
                # The engine's message may name internal addresses: log it, answer plainly.
                logger.exception("translation API: the engine failed")
                return _error(500, _("Translation failed; the engine is not available right now."))

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return view

    return decorate


def answer_error(error: ApiError) -> JsonResponse:
    response = _error(error.status, error.message)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _languages(engine: TranslationEngine) -> set[str]:
    """Every language the engine translates from or to, and the site's languages."""
    found = {code for pair in engine.language_pairs() for code in pair}
    return found | {code for code, _name in settings.LANGUAGES}


def _language_parameter(value: Any, name: str, known: set[str]) -> tuple[str, str]:
    """(as the client wrote it, the engine's language) for ``source`` or ``target``."""
    if not value or not isinstance(value, str):
        raise ApiError(400, _("Invalid request: missing %(name)s parameter") % {"name": name})
    written = value.strip()
    if name == "source" and written.lower() == "auto":
        return written, "auto"
    language = resolve_language(written, known)
    if language is None:
        raise ApiError(400, _("%(lang)s is not supported") % {"lang": written})
    return written, language


def _no_model(source: str, target: str) -> ApiError:
    return ApiError(
        503,
        _(
            "No translation model for %(source)s to %(target)s is installed yet. The site's "
            "operator can install one (newsdesk models install %(pair)s); try again later."
        )
        % {
            "source": language_name(source),
            "target": language_name(target),
            "pair": f"{source}-{target}",
        },
        retry_after=NO_MODEL_RETRY_SECONDS,
    )


def _check_pair(engine: TranslationEngine, source: str, target: str) -> None:
    """LibreTranslate's refusal for a pair the engine cannot translate; a pair of the site's
    own languages only lacks its model: 503, try again later."""
    if source == target or engine.can_translate(source, target):
        return
    site = {code for code, _name in settings.LANGUAGES}
    if source in site and target in site:
        raise _no_model(source, target)
    raise ApiError(
        400,
        _("%(tname)s (%(tcode)s) is not available as a target language from %(sname)s (%(scode)s)")
        % {
            "tname": language_name(target),
            "tcode": target,
            "sname": language_name(source),
            "scode": source,
        },
    )


def _detect_sources(
    engine: TranslationEngine, texts: list[str], target: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Each text's language among those the engine can translate into ``target`` (and the
    target itself: such a text comes back as it is), one decision per text."""
    candidates = {s for s, t in engine.language_pairs() if t == target} | {target}
    prefer = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in candidates else None
    sources, detected = [], []
    for text in texts:
        found = detect_source(text, candidates, prefer) if text.strip() else None
        language, confidence = found or (prefer or target, 0.0)
        sources.append(language)
        detected.append({"confidence": round(confidence * 100, 1), "language": language})
    return sources, detected


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
    engine = get_engine()
    known = _languages(engine)
    _written_source, source = _language_parameter(params.get("source"), "source", known)
    _written_target, target = _language_parameter(params.get("target"), "target", known)
    text_format = params.get("format") or "text"
    if text_format not in ("text", "html"):
        raise ApiError(400, _("%(format)s format is not supported") % {"format": text_format})
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
    detected: list[dict[str, Any]] = []
    if source == "auto":
        sources, detected = _detect_sources(engine, texts, target)
    else:
        _check_pair(engine, source, target)
        sources = [source] * len(texts)
    # One pipeline call per source language (usually one in all).
    translated = list(texts)
    others: list[list[str]] = [[] for _text in texts]
    for language in dict.fromkeys(sources):
        indexes = [i for i, s in enumerate(sources) if s == language and s != target]
        if not indexes:
            continue
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
    """Every source language with the targets it can be translated to, each named in one
    language (the answer's: English unless Accept-Language asks for another)."""
    pairs = get_engine().language_pairs()
    targets: dict[str, set[str]] = {}
    for source, target in pairs:
        targets.setdefault(source, set()).add(target)
        targets.setdefault(target, set())
    listing = [
        {"code": code, "name": language_name(code), "targets": sorted(targets[code])}
        for code in sorted(targets)
    ]
    return JsonResponse(listing, safe=False)


@_api_view("POST")
def detect_view(request: HttpRequest) -> JsonResponse:
    """The likeliest languages of ``q`` among those the engine translates from."""
    params = _params(request)
    _authorise(request, params)
    q = params.get("q")
    if not q or not isinstance(q, str):
        raise ApiError(400, _("Invalid request: missing q parameter"))
    engine = get_engine()
    candidates = {source for source, _target in engine.language_pairs()}
    prefer = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in candidates else None
    found = detect_source(q, candidates, prefer)
    return JsonResponse(
        [{"confidence": round(found[1] * 100, 1), "language": found[0]}] if found else [],
        safe=False,
    )


@_api_view("GET")
def health(request: HttpRequest) -> JsonResponse:
    """LibreTranslate's health check: the API answers."""
    return JsonResponse({"status": "ok"})


@_api_view("GET")
def frontend_settings(request: HttpRequest) -> JsonResponse:
    """LibreTranslate's /frontend/settings, which its clients read for limits and defaults
    (no suggestions, no file translation here)."""
    targets = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    target = targets[0] if targets else settings.LANGUAGE_CODE
    return JsonResponse(
        {
            "charLimit": ANONYMOUS_MAX_CHARACTERS,
            "frontendTimeout": 500,
            "apiKeys": True,
            "keyRequired": settings.NEWSDESK_MT_API_KEYS_REQUIRED,
            "suggestions": False,
            "filesTranslation": False,
            "supportedFilesFormat": [],
            "language": {
                "source": {"code": "auto", "name": _("Auto Detect")},
                "target": {"code": target, "name": language_name(target)},
            },
        }
    )


@json_api.allow_methods("GET", "HEAD")
def openapi(request: HttpRequest) -> HttpResponse:
    """The API's OpenAPI document (also at /spec, where LibreTranslate serves its own)."""
    from newsdesk.translation.openapi import schema

    return JsonResponse(schema(request.build_absolute_uri("/mt/")))
