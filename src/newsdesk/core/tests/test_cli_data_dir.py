"""A fresh install whose secret comes from the environment still gets its data directory:
`newsdesk migrate` creates the embedded database there (issue 11's report of "unable to open
database file")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_migrate_creates_the_data_directory_with_a_secret_from_the_environment(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "not" / "yet" / "there"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY_FILE")
    }
    env.update(NEWSDESK_DATA_DIR=str(data_dir), SECRET_KEY="a-secret-from-the-environment-0123")
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (data_dir / "newsdesk.sqlite3").stat().st_size > 0
    # The key came from the environment: none was generated.
    assert not (data_dir / "secret_key").exists()
