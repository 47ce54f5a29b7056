"""Placeholder for views another part of the legal channels builds (removed when merged)."""

from typing import Any

from django.http import HttpRequest, HttpResponse


def not_built(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse("not built yet", status=501, content_type="text/plain")
