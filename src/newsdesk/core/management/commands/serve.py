"""Serve newsdesk over HTTP with gunicorn (static files through WhiteNoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def gunicorn_argv(bind: str, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "newsdesk.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "--timeout",
        "60",
    ]


class Command(BaseCommand):
    help = "Serve the site with gunicorn (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("NEWSDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        argv = gunicorn_argv(options["bind"], options["workers"], options["threads"])
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process by gunicorn
