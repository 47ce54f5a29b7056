"""Liveness and readiness for load balancers, orchestrators and monitoring.

``/health/live``: the process answers (nothing else is asked). ``/health/ready``: every part a
request may need answers: the database, the cache, the task queue (the django-tasks backend:
the database backend's table, or Redis where RQ is configured) and the translation model
store, plus the parts named in ``settings.NEWSDESK_READINESS_CHECKS`` ({name: dotted path},
how a higher app adds its own without core importing it). Both are answered by
:class:`newsdesk.core.availability.DatabaseUnavailableMiddleware` before sessions, hosts or
languages are looked at.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.dummy import DummyCache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string

from newsdesk.core import queues

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again (a restarting database server).
RETRY_AFTER_SECONDS = 30
LIVE_PATHS = ("/health/live", "/health/live/")
READY_PATHS = ("/health/ready", "/health/ready/")
# Seconds a Redis queue server may take to answer a ping.
REDIS_TIMEOUT_SECONDS = 2.0
DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"


Details = dict[str, Any]


def check_database() -> Details:
    """``SELECT 1`` on every configured database. {"vendors": {alias: vendor}}."""
    vendors = {}
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        vendors[alias] = connections[alias].vendor
    return {"vendors": vendors}


def check_cache() -> Details:
    """Writes, reads and deletes a value in every cache that keeps values in memory or Redis
    (a database cache is the database, checked as such). {"caches": [alias, ...]}."""
    checked = []
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, (DummyCache, DatabaseCache)):
            continue
        key, value = f"newsdesk-health-{secrets.token_hex(8)}", secrets.token_hex(8)
        cache.set(key, value, 30)
        if cache.get(key) != value:
            raise RuntimeError(f"cache {alias!r} did not keep a value")
        cache.delete(key)
        checked.append(alias)
    return {"caches": checked}


def redis_queue_urls() -> dict[str, str]:
    """{queue name: redis URL} of the RQ backend's queues (django-rq's ``RQ_QUEUES``: ``URL``,
    or ``HOST``, ``PORT``, ``DB``); {} when the tasks do not go through RQ."""
    urls: dict[str, str] = {}
    if not queues.uses_rq():
        return urls
    for name, options in (getattr(settings, "RQ_QUEUES", None) or {}).items():
        if options.get("URL"):
            urls[name] = options["URL"]
        else:
            host = options.get("HOST", "localhost")
            urls[name] = f"redis://{host}:{options.get('PORT', 6379)}/{options.get('DB', 0)}"
    return urls


def check_tasks() -> Details:
    """The task backend can take work: the database backend's table answers (and how many
    tasks wait), or, with the RQ backend, every Redis server of its queues answers a ping.
    {"backend": dotted path, "ready": n} or {"backend", "queues": [...]}."""
    backend = settings.TASKS["default"]["BACKEND"]
    details: Details = {"backend": backend}
    if backend == DATABASE_TASK_BACKEND:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        details["ready"] = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    urls = redis_queue_urls()
    if urls:
        import redis

        for url in sorted(set(urls.values())):
            client = redis.Redis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            try:
                client.ping()
            finally:
                client.close()
        details["queues"] = sorted(urls)
    return details


CORE_CHECKS: dict[str, Callable[[], Details]] = {
    "database": check_database,
    "cache": check_cache,
    "tasks": check_tasks,
}


def readiness_checks() -> dict[str, Callable[[], Details]]:
    """Core's checks, then those of ``settings.NEWSDESK_READINESS_CHECKS`` in order."""
    checks = dict(CORE_CHECKS)
    for name, path in getattr(settings, "NEWSDESK_READINESS_CHECKS", {}).items():
        checks[name] = import_string(path)
    return checks


def run_checks(checks: dict[str, Callable[[], Details]]) -> dict[str, Details]:
    """{part: {"status": "ok", "ms": elapsed, **details}} or {"status": "failing", "error":
    the exception's class name} (the full error goes to the log, not to the public answer)."""
    results: dict[str, Details] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a part is what readiness reports
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = {"status": "failing", "error": type(exc).__name__}
        else:
            results[name] = {"status": "ok", **details}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


def live(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` whenever the process can answer at all."""
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def ready(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"|"unavailable", "checks": {part: {...}}, "failing": [part, ...]}``: 200
    when every part answers, else 503 with Retry-After naming the failing parts."""
    checks = run_checks(readiness_checks())
    failing = [name for name, result in checks.items() if result["status"] != "ok"]
    response = JsonResponse(
        {"status": "unavailable" if failing else "ok", "checks": checks, "failing": failing},
        status=503 if failing else 200,
    )
    response["Cache-Control"] = "no-store"
    if failing:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
