"""Run the background worker: scheduled publishing, translations and other tasks."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from newsdesk.core.hooks import run_worker_startup_hooks, run_worker_sweep_hooks

logger = logging.getLogger(__name__)


def requeue_interrupted(stale_after: float) -> int:
    """Tasks marked running for longer than ``stale_after`` seconds belonged to a worker
    that was killed (django-tasks' database backend would leave them running forever): they
    are queued again. Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return 0
    cutoff = timezone.now() - dt.timedelta(seconds=stale_after)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    count = stale.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("re-queued %d task(s) a stopped worker had left running", count)
    return count


MINIMUM_STALE_SECONDS = 30


def _stale_seconds(value: str) -> float:
    seconds = float(value)
    if seconds < MINIMUM_STALE_SECONDS:
        raise argparse.ArgumentTypeError(
            f"at least {MINIMUM_STALE_SECONDS} seconds: a shorter wait would take tasks away "
            "from workers that are still running them"
        )
    return seconds


def purge_shared_cache() -> int:
    """Delete the expired entries of the database cache all processes share (login
    throttles: Django's database cache would otherwise keep them until it is full)."""
    shared: Any = settings.CACHES.get("shared") or {}
    location = shared.get("LOCATION")
    if not location:
        return 0
    table = connection.ops.quote_name(location)
    expires = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [expires])  # noqa: S608
        return cursor.rowcount


def housekeeping(stale_after: float, stop: threading.Event, pause: float | None = None) -> None:
    """While the worker runs: tasks a killed worker left running (a worker restarted at once
    finds them too young at its start), the apps' sweep hooks (e.g. editions whose killed
    worker's claim has expired since) and expired throttle entries, now and then."""
    pause = min(60.0, stale_after / 2) if pause is None else pause
    while not stop.wait(pause):
        try:
            requeue_interrupted(stale_after)
            run_worker_sweep_hooks()
            purge_shared_cache()
        except Exception:  # noqa: BLE001 - housekeeping must never stop the worker
            logger.exception("worker housekeeping failed")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Process background tasks until stopped (wraps django-tasks' db_worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--stale-after",
            type=_stale_seconds,
            default=settings.NEWSDESK_TASK_STALE_SECONDS,
            help="Queue again tasks left running for longer than this many seconds by a "
            "worker that was killed; checked at start and every minute (default: %(default)s, "
            f"at least {MINIMUM_STALE_SECONDS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = requeue_interrupted(options["stale_after"])
        if requeued:
            self.stdout.write(f"Queued again {requeued} task(s) a stopped worker had left running.")
        purge_shared_cache()
        run_worker_startup_hooks()
        worker_args = ["--interval", str(options["interval"]), "--queue-name", "*"]
        if options["batch"]:
            worker_args.append("--batch")
            call_command("db_worker", *worker_args, "--no-startup-delay")
            return
        stop = threading.Event()
        helper = threading.Thread(
            target=housekeeping, args=(options["stale_after"], stop), daemon=True
        )
        helper.start()
        try:
            call_command("db_worker", *worker_args, "--no-startup-delay")
        finally:
            stop.set()
