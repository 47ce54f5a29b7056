"""Puts the live comment section into article pages, cached or not (see slots.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from newsdesk.community.slots import MARKER_PREFIX, MARKER_SUFFIX


class CommentSectionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or response.status_code != 200
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        content = response.content
        start = content.find(MARKER_PREFIX)
        if start < 0:
            return response
        end = content.find(MARKER_SUFFIX, start)
        number = content[start + len(MARKER_PREFIX) : end]
        if end < 0 or not number.isdigit():
            return response
        from newsdesk.community.views import article_section_html

        html = article_section_html(request, int(number))
        response.content = content[:start] + html.encode() + content[end + len(MARKER_SUFFIX) :]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


class PublicThreadReadMiddleware:
    """Reading a thread through the API is the hottest path of the site and the same for
    every reader: it skips the middleware that only matters for pages and writes (session,
    CSRF, authentication, messages, URL resolving) and goes straight to the view, under the
    reader's language as LocaleMiddleware would choose it. The security headers of the
    middleware above this one still apply; what the skipped ones add to such an answer
    (Content-Language, Vary, X-Frame-Options, Content-Length) is added here, so the answer
    is the same byte for byte (tested). A third of the read's CPU time goes this way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.urls import reverse

        self.get_response = get_response
        self.path = reverse("community_api:threads")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != self.path or request.method not in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        from newsdesk.community.api import thread

        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = thread(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response
