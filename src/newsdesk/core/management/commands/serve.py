"""Serve newsdesk over HTTP with Granian (static files through WhiteNoise).

Granian is a WSGI server written in Rust: HTTP parsing, keep-alive and the sockets are off the
Python interpreter, so each worker process spends its share of the GIL on the site itself.
On the comment-reading benchmark it answered about twice the requests of gunicorn's threaded
workers on the same two cores (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.env import ConfigError, env_bool, env_int

# One thread per process: the site's requests are CPU-bound Python, and with one thread a
# process never waits for the GIL (threads measured 10-25% slower on the comment benchmark).
# Raise NEWSDESK_WEB_THREADS where views wait on slow services (e.g. an HTTP translation engine).
DEFAULT_THREADS = 1


def parse_bind(bind: str) -> tuple[str, int]:
    """'HOST:PORT' (IPv6 as '[::1]:8000') → (host, port), with a clear error."""
    host, separator, port = bind.rpartition(":")
    host = host.strip("[]")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind must be HOST:PORT, e.g. 127.0.0.1:8000 (got {bind!r})")
    return host, int(port)


def server_argv(bind: str, workers: int, threads: int, *, access_log: bool = False) -> list[str]:
    host, port = parse_bind(bind)
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "10",
        "--access-log" if access_log else "--no-access-log",
        "newsdesk.wsgi:application",
    ]
    return argv


class Command(BaseCommand):
    help = "Serve the site with Granian (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("NEWSDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=None, help="processes (NEWSDESK_WEB_WORKERS)"
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="threads per process (NEWSDESK_WEB_THREADS)"
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            default=None,
            help="log every request to standard output (NEWSDESK_WEB_ACCESS_LOG=1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if any(options[name] is not None and options[name] < 1 for name in ("workers", "threads")):
            raise CommandError("--workers and --threads must be at least 1")
        try:  # the settings' own helpers: the same messages as every other variable
            workers = options["workers"] or env_int("NEWSDESK_WEB_WORKERS", 2, minimum=1)
            threads = options["threads"] or env_int(
                "NEWSDESK_WEB_THREADS", DEFAULT_THREADS, minimum=1
            )
            access_log = options["access_log"] or env_bool("NEWSDESK_WEB_ACCESS_LOG", False)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        argv = server_argv(options["bind"], workers, threads, access_log=access_log)
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process by the server
