"""Load suite (a), small: 300 comments by 8 clients to two web processes on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("TEST_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the suite needs PostgreSQL (the PostgreSQL run)",
    ),
]


@pytest.mark.timeout(300)
def test_every_accepted_comment_is_stored_once_without_5xx():
    done = subprocess.run(
        [sys.executable, "bench/load_comments.py", "--quick", "--server", SERVER],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=290,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "accepted 300 " in done.stdout and "stored 300 " in done.stdout
    assert "errors 0 " in done.stdout and "p99 " in done.stdout
