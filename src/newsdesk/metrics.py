"""The Prometheus endpoint ``/metrics`` (answered by :class:`MetricsMiddleware`): the
processes' counters (newsdesk.core.observability) and gauges read from the database at each
scrape (task queues, editions waiting, moderation backlog, legal notices past their deadline),
so every web process answers the same.

It reads every app, so it sits at the top layer beside ``urls.py``; the queries are read-only
counts on indexed columns.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from newsdesk.core import clock
from newsdesk.core.health import DATABASE_TASK_BACKEND, REDIS_TIMEOUT_SECONDS, redis_queue_urls
from newsdesk.core.net import client_ip
from newsdesk.editions.models import Edition
from newsdesk.legal.models import Notice
from newsdesk.moderation.models import Case

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"

# Moderation queues that wait for a moderator (the others are decided).
OPEN_MODERATION_QUEUES = (Case.Queue.PENDING, Case.Queue.SYSTEM, Case.Queue.REPORTED)
# Editions that wait: for the engine (pending) or for an editor (held).
WAITING_EDITION_STATES = (Edition.State.PENDING, Edition.State.HELD)


def task_queue_metrics() -> Iterator[Metric]:
    """Tasks waiting (READY) and running per queue: the database backend's table, and the
    length of each RQ queue's Redis list where RQ is configured."""
    waiting = GaugeMetricFamily(
        "newsdesk_task_queue_ready",
        "Tasks waiting for a worker, by queue.",
        labels=["queue"],
    )
    running = GaugeMetricFamily(
        "newsdesk_task_queue_running",
        "Tasks a worker is running, by queue (database backend).",
        labels=["queue"],
    )
    counts: dict[tuple[str, str], int] = {}
    if settings.TASKS["default"]["BACKEND"] == DATABASE_TASK_BACKEND:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        rows = (
            DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            )
            .values_list("queue_name", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = {(queue, status): n for queue, status, n in rows}
        configured = settings.TASKS["default"].get("QUEUES") or ["default"]
        queues = sorted({*configured, *(queue for queue, _ in counts)})
        for queue in queues:
            waiting.add_metric([queue], counts.get((queue, TaskResultStatus.READY), 0))
            running.add_metric([queue], counts.get((queue, TaskResultStatus.RUNNING), 0))
    for queue, url in sorted(redis_queue_urls().items()):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS)
        try:
            waiting.add_metric([queue], client.llen(f"rq:queue:{queue}"))
        except redis.RedisError:
            logger.warning("metrics: RQ queue %s cannot be read", queue, exc_info=True)
        finally:
            client.close()
    yield waiting
    yield running


def edition_metrics() -> Iterator[Metric]:
    waiting = GaugeMetricFamily(
        "newsdesk_editions_waiting",
        "Translated editions waiting: for the engine (pending) or an editor (held).",
        labels=["state"],
    )
    rows = dict(
        Edition.objects.filter(state__in=WAITING_EDITION_STATES)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for state in WAITING_EDITION_STATES:
        waiting.add_metric([state.value], rows.get(state, 0))
    yield waiting


def moderation_metrics() -> Iterator[Metric]:
    backlog = GaugeMetricFamily(
        "newsdesk_moderation_backlog",
        "Comments waiting for a moderator, by queue (pending, system, reported).",
        labels=["queue"],
    )
    oldest = GaugeMetricFamily(
        "newsdesk_moderation_oldest_seconds",
        "Age of the oldest waiting case, by queue (0 when none waits).",
        labels=["queue"],
    )
    now = clock.now()
    rows = {
        queue: (n, first)
        for queue, n, first in Case.objects.filter(queue__in=OPEN_MODERATION_QUEUES)
        .values_list("queue")
        .annotate(n=Count("id"), first=Min("created_at"))
        .order_by()
    }
    for queue in OPEN_MODERATION_QUEUES:
        n, first = rows.get(queue, (0, None))
        backlog.add_metric([queue.value], n)
        oldest.add_metric([queue.value], (now - first).total_seconds() if first else 0)
    yield backlog
    yield oldest


def legal_metrics() -> Iterator[Metric]:
    hours = settings.NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS
    open_notices = Notice.objects.filter(status=Notice.Status.OPEN)
    yield GaugeMetricFamily(
        "newsdesk_legal_notices_open",
        "Notices of illegal content not yet decided.",
        value=open_notices.count(),
    )
    yield GaugeMetricFamily(
        "newsdesk_legal_notices_overdue",
        f"Open notices received more than NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS "
        f"({hours}) hours ago.",
        value=open_notices.filter(received_at__lt=clock.now() - timedelta(hours=hours)).count(),
    )


class DatabaseCollector(Collector):
    """The gauges above, read at each scrape (one query each)."""

    def collect(self) -> Iterator[Metric]:
        yield from task_queue_metrics()
        yield from edition_metrics()
        yield from moderation_metrics()
        yield from legal_metrics()


def process_counters() -> bytes:
    """The counters and histograms in Prometheus' text format: of all processes of the host
    that share PROMETHEUS_MULTIPROC_DIR where it is set, else of this process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        return generate_latest(processes)
    return generate_latest(REGISTRY)


def exposition() -> bytes:
    """:func:`process_counters`, then the database gauges."""
    counters = process_counters()
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return counters + generate_latest(database)


def allowed(request: HttpRequest) -> bool:
    """Raises Http404 when metrics are not configured; True for the configured token
    (``Authorization: Bearer TOKEN``) or a client in NEWSDESK_METRICS_ALLOWED_IPS."""
    token = settings.NEWSDESK_METRICS_TOKEN
    networks = settings.NEWSDESK_METRICS_ALLOWED_IPS
    if not token and not networks:
        raise Http404
    if token:
        scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            offered.strip().encode(), token.encode()
        ):
            return True
    address = client_ip(request)
    if address and networks:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(network) for network in networks)
    return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics: 200 with the exposition; 404 (JSON) when not configured; 403 without the
    token or an allowed address."""
    try:
        permitted = allowed(request)
    except Http404:
        return JsonResponse({"error": "not_found", "message": "Not found."}, status=404)
    if not permitted:
        return JsonResponse({"error": "forbidden", "message": "Forbidden."}, status=403)
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class MetricsMiddleware:
    """Answers ``/metrics`` early in MIDDLEWARE (after the request id), before the host check
    and sessions: Prometheus scrapes each process by its internal address, which is not one
    of ALLOWED_HOSTS, and needs no session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == METRICS_PATH:
            return metrics_view(request)
        return self.get_response(request)
