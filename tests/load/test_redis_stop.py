"""Fault suite (d), small: Redis (the suite's own) stopped while readers read, a writer posts
replies and articles are published; tasks on RQ, the page cache in Redis."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load_support import postgres_bin

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(postgres_bin() is None, reason="no PostgreSQL server binaries"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server"),
]


@pytest.mark.timeout(300)
def test_readers_served_posts_and_publications_kept_and_every_task_runs_once_when_back():
    """About 60 s; up to 90 s more when a job was running at the moment Redis stopped (RQ
    finds it abandoned when its heartbeat expires, then the sweep queues it again)."""
    done = subprocess.run(
        [sys.executable, "bench/load_redis_stop.py", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=290,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "failed 0 []" in done.stdout
    assert "outbox 0 " in done.stdout and "e-mails missing 0  sent twice 0" in done.stdout
    assert "RESULT ok" in done.stdout
