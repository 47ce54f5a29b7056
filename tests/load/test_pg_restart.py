"""Fault suite (c), small: PostgreSQL (the suite's own) restarted while clients post."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.load_support import postgres_bin

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(postgres_bin() is None, reason="no PostgreSQL server binaries"),
]


@pytest.mark.timeout(180)
def test_restart_gives_503_with_retry_after_then_recovers_and_nothing_is_half_written():
    done = subprocess.run(
        [sys.executable, "bench/load_pg_restart.py", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "503 without Retry-After 0  other 5xx 0  broken 0" in done.stdout
    assert "stored twice 0  accepted but missing 0" in done.stdout
    assert "held without a case 0  conversations miscounted 0" in done.stdout
    assert "RESULT ok" in done.stdout
