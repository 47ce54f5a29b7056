"""Rate-limit counters in the database: shared by every process, whatever the cache is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.core import counters
from newsdesk.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_counts_per_key_in_fixed_windows():
    assert [counters.count("api:1", 60, now=600.0) for _ in range(3)] == [1, 2, 3]
    assert counters.count("api:2", 60, now=601.0) == 1  # another key
    assert counters.count("api:1", 60, now=659.9) == 4  # same window
    assert counters.count("api:1", 60, now=660.0) == 1  # the next window starts again
    assert RateCounter.objects.get(key=counters.stored_key("api:1"), window=11).count == 1


def test_addresses_are_not_stored_and_ended_windows_are_deleted():
    counters.count("ip:203.0.113.9", 60, now=0.0)
    (row,) = RateCounter.objects.all()
    # The table holds a keyed hash: the address cannot be read back out of it.
    assert "203.0.113.9" not in row.key and len(row.key) == 64
    assert row.key == counters.stored_key("ip:203.0.113.9")
    counters.count("ip:198.51.100.4", 60, now=10_000.0)  # a new window: the old one is gone
    assert list(RateCounter.objects.values_list("window", flat=True)) == [166]
    assert counters.count("ip:198.51.100.4", 60, now=10_010.0) == 2  # same window
    counters.count("other", 60, now=10_080.0)  # window 168: 166 has ended
    assert list(RateCounter.objects.values_list("window", flat=True)) == [168]


def test_bad_window_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        counters.count("x", 0)


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="one SQLite file shared by two processes"
)
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_count(tmp_path):
    """What the cache cannot do without Redis: another server process sees this one's
    events. Both processes use the same SQLite file, migrated by the first."""
    database = tmp_path / "site.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "NEWSDESK_DATA_DIR": str(tmp_path),
        "NEWSDESK_INSECURE_DEV_KEY": "1",
        "PYTHONPATH": str(Path(counters.__file__).resolve().parents[2]),
    }
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "if sys.argv[1] == 'migrate':\n"
        "    call_command('migrate', verbosity=0)\n"
        "from newsdesk.core.counters import count\n"
        "print([count('ip:203.0.113.9', 3600, now=7200.0) for _ in range(int(sys.argv[2]))])\n"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]

    assert run("migrate", "2") == "[1, 2]"
    assert run("count", "3") == "[3, 4, 5]"  # another process goes on counting
