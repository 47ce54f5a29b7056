"""The editions benchmark (bench/editions_workflow.py): a quick real run and its figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]


@pytest.mark.timeout(120)
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the benchmark builds its own SQLite site; the SQLite run covers it",
)
def test_quick_run_measures_publish_to_edition_and_memory_savings() -> None:
    completed = subprocess.run(
        [sys.executable, "bench/editions_workflow.py", "--quick", "--engine", "dummy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    complete = re.search(r"edition complete .*?\| (\d+) ms \(min (\d+), max (\d+)\)", out)
    assert complete, out
    median, low, high = (int(value) for value in complete.groups())
    assert 0 < low <= median <= high
    # 6 paragraphs of 3 sentences, headline and lead: rewriting one paragraph sends its 3.
    saved = re.search(
        r"after 1 of 6 paragraphs changed \| (\d+) of (\d+) \((\d+) from the memory\) \| (\d+)",
        out,
    )
    assert saved, out
    sent, total, reused, full = (int(value) for value in saved.groups())
    assert sent == 3 and reused == total - sent and full == total


def test_bad_options_are_refused_with_a_message() -> None:
    completed = subprocess.run(
        [sys.executable, "bench/editions_workflow.py", "--runs", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 2
    assert "--runs must be at least 1" in completed.stderr
