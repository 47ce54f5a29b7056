"""kill -9 of a worker in the middle of a translation: another worker finishes, one edition."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.editions.models import Edition
from newsdesk.editions.tests.conftest import CLEAN
from newsdesk.newsroom.testing import make_article

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="worker processes need a database they can share (the PostgreSQL run)",
    ),
]
LEASE = 10


def worker(engine_sleep: float, *args: str) -> subprocess.Popen[bytes]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": (
                f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
                f"{settings_dict['PORT']}/{settings_dict['NAME']}"
            ),
            "NEWSDESK_MT_ENGINE": "newsdesk.editions.tests.engines.SlowEngine",
            "NEWSDESK_TEST_ENGINE_SLEEP": str(engine_sleep),
            "NEWSDESK_EDITIONS_LEASE_SECONDS": str(LEASE),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "worker", "--interval", "0.1", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def kill_mid_translation(edition: Edition) -> None:
    """Start a worker, let it claim the edition and enter the engine call, then kill -9 it."""
    first = worker(60)
    try:
        wait_for(lambda: Edition.objects.get(pk=edition.pk).claimed_until is not None, 60)
        time.sleep(0.5)  # inside the engine call now
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()


@pytest.mark.timeout(120)
def test_kill_9_mid_translation_then_another_worker_takes_over():
    article = make_article(headline="Die Stadt hat ein Haus", **CLEAN)
    edition = Edition.objects.get(article=article)

    kill_mid_translation(edition)
    edition.refresh_from_db()
    assert edition.queued and not edition.is_visible and not edition.segments.exists()
    assert DBTaskResult.objects.get().status == "RUNNING"  # the dead worker's task, forever

    # Once the dead worker's claim has expired, a starting worker takes the edition over.
    wait_for(lambda: timezone.now() > Edition.objects.get(pk=edition.pk).claimed_until, LEASE + 5)
    second = worker(0, "--batch")
    assert second.wait(timeout=60) == 0
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and not edition.queued
    assert edition.content["headline"] == "The City has a House"
    assert edition.engine == "slow-dummy"
    assert Edition.objects.filter(article=article).count() == 1
    assert edition.segments.filter(field="headline").count() == 1


@pytest.mark.timeout(150)
def test_kill_9_then_restart_at_once_the_running_worker_takes_over_when_the_claim_ends():
    """The worker restarted at once finds the dead worker's claim still valid; its sweep
    (every stale_after / 2 seconds) takes the edition over once the claim has expired, with
    no further restart, and the edition is translated exactly once."""
    article = make_article(headline="Die Stadt hat ein Haus", **CLEAN)
    edition = Edition.objects.get(article=article)

    kill_mid_translation(edition)
    second = worker(0, "--stale-after", "30")  # sweeps every 15 seconds
    try:
        wait_for(lambda: Edition.objects.get(pk=edition.pk).is_visible, LEASE + 60)
        time.sleep(1)
    finally:
        second.terminate()
        second.wait(timeout=20)
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and not edition.queued
    assert edition.content["headline"] == "The City has a House"
    assert edition.segments.filter(field="headline").count() == 1
    outcomes = [r.return_value for r in DBTaskResult.objects.all() if r.status == "SUCCESSFUL"]
    assert outcomes.count("published") == 1
