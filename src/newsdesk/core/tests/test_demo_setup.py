"""`newsdesk demo --setup-only` on a fresh data directory, as a real process: the database,
the demo content and an empty model store are there, so the demo is ready (/health/ready)
while its editions wait for a model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.timeout(600)
def test_demo_setup_leaves_a_ready_site(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECRET_KEY_FILE")
    }
    env["NEWSDESK_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk", "demo", "--setup-only"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Demo content is in place." in done.stdout
    assert (data_dir / "newsdesk.sqlite3").stat().st_size > 0
    assert (data_dir / "models").is_dir()
    ready = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.test import Client; "
            "r = Client().get('/health/ready'); print(r.status_code, r.json()['failing'])",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "1"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ready.stdout.strip() == "200 []", ready.stderr[-2000:]
