"""Helpers for tests that start real worker and server processes on the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="processes need a database they can share (the PostgreSQL run)"
)


def redis_test_url() -> str:
    """A Redis database of the tests' own (14 or 15, one per xdist worker): flushed by the
    tests, never the site's database 0."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = 14 + (int(worker[2:] or 0) % 2 if worker.startswith("gw") else 0)
    return f"redis://127.0.0.1:6379/{number}"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")


def database_url() -> str:
    """The test database as a URL a child process can use."""
    settings_dict = connection.settings_dict
    return (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
        f"{settings_dict['PORT']}/{settings_dict['NAME']}"
    )


def process_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
        }
    )
    env.update(extra)
    return env


def start_worker(log: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    """``newsdesk worker ARGS`` on the test database, its output in ``log``."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "worker", "--interval", "0.1", *args],
            env=process_env(**env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for(condition: Callable[[], object], seconds: float, pause: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(pause)
    raise AssertionError(f"timed out after {seconds} s")
