"""Fault suite (e), small: the translation engine unavailable while articles are published
(the model store gone, then the engine raising), two real translation workers, tiny model."""

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
def test_originals_published_editions_wait_then_complete_exactly_once():
    done = subprocess.run(
        [sys.executable, "bench/load_mt_outage.py", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for outage in ("A model store unavailable", "B engine raising 3 s"):
        assert f"{outage}: 3 originals published at once: True" in done.stdout
    assert done.stdout.count("3 editions waiting, none visible: True") == 2
    assert done.stdout.count("3/3 translated by tiny-de-en@1") == 2
    assert done.stdout.count("exactly once: True, failed 0") == 2
    assert "RESULT ok" in done.stdout
