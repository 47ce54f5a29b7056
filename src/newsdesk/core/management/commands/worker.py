"""Run the background worker: scheduled publishing, translations and other tasks."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsdesk.core.hooks import run_worker_startup_hooks


class Command(BaseCommand):
    help = "Process background tasks until stopped (wraps django-tasks' db_worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_worker_startup_hooks()
        worker_args = ["--interval", str(options["interval"]), "--queue-name", "*"]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args, "--no-startup-delay")
