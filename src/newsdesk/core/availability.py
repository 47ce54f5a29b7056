"""When the database cannot be reached: a 503 with Retry-After instead of a generic 500, and
the ``/health`` endpoint that load balancers and monitoring ask (with ``/health/live`` and
``/health/ready`` from :mod:`newsdesk.core.health`)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from newsdesk.core import health
from newsdesk.core.json_api import shape_for

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again (a restarting database server).
RETRY_AFTER_SECONDS = health.RETRY_AFTER_SECONDS
HEALTH_PATHS = ("/health", "/health/")
# Errors that mean "the database is not there" (refused, gone, timed out), not a bad query.
UNAVAILABLE = (OperationalError, InterfaceError)
_FLAG = "_newsdesk_database_unavailable"


def _remember_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception receiver: Django turns an exception into a 500 at the layer that
    raised it (view or any middleware); note on the request that it was a lost database."""
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, UNAVAILABLE) and _is_connection_failure():
        setattr(request, _FLAG, True)


def connect() -> None:
    """Called from CoreConfig.ready()."""
    got_request_exception.connect(
        _remember_unavailable, dispatch_uid="newsdesk-database-unavailable"
    )


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the house JSON error shape on the APIs, a plain page elsewhere.
    Rendered without context processors, which may need the database."""
    message = _("The site is briefly unavailable. Please try again in a moment.")
    shape = shape_for(request)
    if shape is not None:
        response: HttpResponse = shape(request, 503, "unavailable", message)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def check_database() -> None:
    health.check_database()


def check_cache() -> None:
    health.check_cache()


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "cache": check_cache}


def health_view(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"|"unavailable", "checks": {part: "ok"|"failing"}, "failing": [...]}``
    with 200 when every part answers, 503 (and Retry-After) naming the parts that do not."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure of a part is what health reports
            logger.warning("health check %s failed", name, exc_info=True)
            checks[name] = "failing"
        else:
            checks[name] = "ok"
    failing = [name for name, state in checks.items() if state != "ok"]
    response = JsonResponse(
        {"status": "unavailable" if failing else "ok", "checks": checks, "failing": failing},
        status=503 if failing else 200,
    )
    response["Cache-Control"] = "no-store"
    if failing:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answers ``/health``, ``/health/live`` and ``/health/ready`` itself (before sessions or
    anything that needs the database) and turns a request that failed because the database
    could not be reached, at any layer below it, into :func:`unavailable_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info in HEALTH_PATHS:
            return health_view(request)
        if request.path_info in health.LIVE_PATHS:
            return health.live(request)
        if request.path_info in health.READY_PATHS:
            return health.ready(request)
        response = self.get_response(request)
        if getattr(request, _FLAG, False) and response.status_code >= 500:
            return unavailable_response(request)
        return response


def _is_connection_failure() -> bool:
    """A view's OperationalError may also be a lock timeout or a bad query; only when the
    connection itself is unusable is it the database being unreachable."""
    for alias in connections:
        connection = connections[alias]
        if connection.connection is None or not connection.is_usable():
            return True
    return False
