"""A running worker takes over an edition whose claim expires while it runs (its worker was
killed): the sweep that re-queues stale tasks also re-queues it, once, with no restart."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.core import hooks
from newsdesk.core.management.commands.worker import housekeeping
from newsdesk.editions.models import Edition
from newsdesk.editions.tasks import take_over_expired_claims
from newsdesk.editions.tests.conftest import CLEAN
from newsdesk.newsroom.testing import make_article

# The sweep runs in its own thread with its own connection: it needs committed data.
pytestmark = pytest.mark.django_db(transaction=True)

TASK_NAME = "translate_edition"


def edition_tasks() -> list[DBTaskResult]:
    return [r for r in DBTaskResult.objects.all() if r.task_path.endswith(TASK_NAME)]


def wait_for(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def abandoned_edition(claim_left: dt.timedelta) -> Edition:
    """An edition a killed worker had claimed, whose task is gone (it ran, found the claim
    still valid and did nothing): only the expiry of the claim can bring it back."""
    article = make_article(headline="Die Stadt hat ein Haus", **CLEAN)
    DBTaskResult.objects.all().delete()
    edition = Edition.objects.get(article=article)
    Edition.objects.filter(pk=edition.pk).update(
        queued=True, claimed_until=timezone.now() + claim_left, claim_token="dead-worker"
    )
    return edition


def test_the_editions_register_a_sweep_hook():
    assert take_over_expired_claims in hooks._worker_sweep


def test_a_claim_that_expires_while_the_worker_runs_is_translated_once(engine):
    edition = abandoned_edition(dt.timedelta(seconds=1))
    stop = threading.Event()
    sweep = threading.Thread(target=housekeeping, args=(600, stop, 0.05), daemon=True)
    sweep.start()
    try:
        # Still claimed: the sweeps leave it alone.
        time.sleep(0.3)
        assert edition_tasks() == []
        wait_for(lambda: len(edition_tasks()) == 1, 10)
        time.sleep(0.3)  # several more sweeps: it is released once, queued once
        assert len(edition_tasks()) == 1
    finally:
        stop.set()
        sweep.join(5)
    engine.calls.clear()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and not edition.queued
    assert edition.claimed_until is None and edition.claim_token == ""
    assert edition.content["headline"] == "The City has a House"
    assert len(engine.calls) == 1
    assert edition.segments.filter(field="headline").count() == 1
    assert [r.return_value for r in edition_tasks()] == ["published"]


def test_a_claim_still_valid_is_left_to_its_worker(engine):
    edition = abandoned_edition(dt.timedelta(minutes=10))
    hooks.run_worker_sweep_hooks()
    assert edition_tasks() == []
    edition.refresh_from_db()
    assert edition.claim_token == "dead-worker"


def test_a_failing_sweep_hook_does_not_stop_the_others(engine, monkeypatch):
    edition = abandoned_edition(dt.timedelta(seconds=-1))

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(hooks, "_worker_sweep", [broken, *hooks._worker_sweep])
    hooks.run_worker_sweep_hooks()
    assert len(edition_tasks()) == 1
    edition.refresh_from_db()
    assert edition.claim_token == ""
