"""Security headers every response carries; language middleware kept off the APIs' 404s."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers

from newsdesk.core.json_api import shape_for

# No inline scripts or styles anywhere: JSON-LD is a data block, which CSP does not execute.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = CONTENT_SECURITY_POLICY
        if settings.NEWSDESK_CSP_UPGRADE_INSECURE_REQUESTS:
            policy += "; upgrade-insecure-requests"
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except that a 404 of a JSON API (core.json_api) stays a 404: Django would
    redirect ``/api/nothing`` to ``/de/api/nothing/`` whenever a reader page could match it."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.status_code == 404 and shape_for(request) is not None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
