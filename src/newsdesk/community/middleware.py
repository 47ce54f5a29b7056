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
