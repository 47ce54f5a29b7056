"""Request ids on every log record of a request, and the Prometheus metrics the processes count.

A request's id comes from the proxy's ``X-Request-ID`` header when it is a plausible id, or is
made here; it goes back on the response and, through :class:`RequestIdFilter` (a
``contextvars`` value, so threads and async tasks keep their own), onto every log record the
request writes. The counters and histograms below are prometheus-client's; with
``PROMETHEUS_MULTIPROC_DIR`` set they are kept in files that every process of the host
shares, and :mod:`newsdesk.metrics` adds up all processes at each scrape.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from prometheus_client import Counter, Histogram

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like (UUIDs, nginx's $request_id, AWS trace ids...): anything else
# could smuggle text into the logs, and is replaced by an id of our own.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,199}$")

_request_id: ContextVar[str | None] = ContextVar("newsdesk_request_id", default=None)
request_logger = logging.getLogger("newsdesk.request")


def current_request_id() -> str | None:
    """The id of the request this code runs for; None outside a request (worker, commands)."""
    return _request_id.get()


def request_id_from(request: HttpRequest) -> str:
    """The proxy's ``X-Request-ID`` when it matches :data:`VALID_REQUEST_ID`, else a new one
    (32 hex digits)."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if VALID_REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request); lets every record pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


REQUESTS = Counter(
    "newsdesk_http_requests",
    "HTTP requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "newsdesk_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TRANSLATION_SECONDS = Histogram(
    "newsdesk_translation_duration_seconds",
    "Time of one engine call of the document pipeline (all segments the memory did not know).",
    ["engine"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
TRANSLATION_SEGMENTS = Counter(
    "newsdesk_translation_segments",
    "Segments sent to the translation engine.",
    ["engine"],
)
TRANSLATION_ENGINE_SECONDS = Counter(
    "newsdesk_translation_engine_seconds",
    "Seconds spent in engine calls (segments / seconds = segments per second).",
    ["engine"],
)
TRANSLATION_SEGMENTS_PER_SECOND = Histogram(
    "newsdesk_translation_segments_per_second",
    "Segments per second of each engine call.",
    ["engine"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)


def record_translation(engine: str, segments: int, seconds: float) -> None:
    """Count one engine call: ``segments`` sent, taking ``seconds``."""
    TRANSLATION_SECONDS.labels(engine).observe(seconds)
    TRANSLATION_SEGMENTS.labels(engine).inc(segments)
    TRANSLATION_ENGINE_SECONDS.labels(engine).inc(seconds)
    if seconds > 0:
        TRANSLATION_SEGMENTS_PER_SECOND.labels(engine).observe(segments / seconds)


def view_label(request: HttpRequest) -> str:
    """The URL name of the view that answered (bounded, unlike paths); what middleware answered
    itself (health) or no URL matched gets a fixed name."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name or match._func_path)
    if request.path_info.startswith("/health"):
        return "health"
    if request.path_info == "/metrics":
        return "metrics"
    return "unmatched"


class RequestIdMiddleware:
    """First in MIDDLEWARE: the request's id (see :func:`request_id_from`) on the response's
    ``X-Request-ID`` and every log record of the request; one ``newsdesk.request`` log line
    per request when ``NEWSDESK_LOG_REQUESTS`` is on; the request counted in the metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request)
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            view = view_label(request)
            REQUESTS.labels(view, request.method or "", str(response.status_code)).inc()
            REQUEST_SECONDS.labels(view).observe(elapsed)
            response[REQUEST_ID_HEADER] = request_id
            if settings.NEWSDESK_LOG_REQUESTS:
                request_logger.info(
                    "%s %s %s %.1fms",
                    request.method,
                    request.path,
                    response.status_code,
                    elapsed * 1000,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "view": view,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
            return response
        finally:
            _request_id.reset(token)
