"""Run the background worker: scheduled publishing, translations and other tasks."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from newsdesk.core.hooks import run_worker_startup_hooks

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


class Command(BaseCommand):
    help = "Process background tasks until stopped (wraps django-tasks' db_worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=settings.NEWSDESK_TASK_STALE_SECONDS,
            help="Queue again tasks left running for longer than this many seconds by a "
            "worker that was killed (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = requeue_interrupted(options["stale_after"])
        if requeued:
            self.stdout.write(f"Queued again {requeued} task(s) a stopped worker had left running.")
        run_worker_startup_hooks()
        worker_args = ["--interval", str(options["interval"]), "--queue-name", "*"]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args, "--no-startup-delay")
