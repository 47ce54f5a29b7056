"""Scaling benchmark, small: 1 and 2 web processes reading a 200-comment thread and posting,
and a publishing burst of 4 articles with one and two translation workers (tiny model)."""

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
        reason="the benchmark needs PostgreSQL (the PostgreSQL run)",
    ),
]


@pytest.mark.timeout(240)
def test_the_scaling_benchmark_prints_both_tables_without_errors():
    done = subprocess.run(
        [sys.executable, "bench/scale.py", "--quick", "--server", SERVER],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=230,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    rows = [line for line in lines if line.startswith(("| read thread |", "| post comment |"))]
    assert [row.split("|")[1:3] for row in rows] == [
        [" read thread ", " 1 "],
        [" read thread ", " 2 "],
        [" post comment ", " 1 "],
        [" post comment ", " 2 "],
    ]
    assert all(row.split("|")[7].strip() == "0" for row in rows)  # errors
    burst = [line for line in lines if line.startswith(("| 1 | 4 |", "| 2 | 4 |"))]
    assert len(burst) == 2 and all(row.split("|")[3].strip() == "4" for row in burst)
    assert "RESULT ok" in done.stdout
