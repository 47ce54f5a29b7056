"""Named task queues, ``newsdesk worker --queue``, and periodic sweeps once across workers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from newsdesk.core import periodic, queues
from newsdesk.core.management.commands.worker import queue_names
from newsdesk.core.tests.processes import needs_postgres, start_worker, stop, wait_for

SRC = Path(__file__).resolve().parents[2]


def declared_tasks() -> list[tuple[str, str, str]]:
    """(module, function, queue argument) of every ``@task`` in the apps' code."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        pattern = r"^@task\((.*?)\)\n(?:async )?def (\w+)"
        for arguments, name in re.findall(pattern, text, re.M):
            found.append((str(path.relative_to(SRC)), name, arguments))
    return found


def test_every_task_names_its_queue_by_the_one_rule():
    """Translation tasks on the translation queue, everything else on the default queue."""
    tasks = declared_tasks()
    assert len(tasks) >= 12
    for module, name, arguments in tasks:
        expected = "TRANSLATION" if module.startswith("editions/") and "translat" in name else None
        assert arguments == f"queue_name=queues.{expected or 'DEFAULT'}", (module, name)
    assert ("editions/workflow.py", "translate_edition", "queue_name=queues.TRANSLATION") in tasks


def test_the_task_objects_carry_their_queue():
    from newsdesk.community.tasks import notify_reply
    from newsdesk.editions.workflow import translate_edition
    from newsdesk.legal.tasks import enforce_retention
    from newsdesk.newsroom.actions import publish_due_articles

    assert translate_edition.queue_name == "translation"
    for task in (notify_reply, enforce_retention, publish_due_articles):
        assert task.queue_name == "default"
    assert settings.TASKS["default"]["QUEUES"] == list(queues.ALL)


def test_queue_names_default_to_all_and_refuse_unknown_ones():
    assert queue_names(None) == ["default", "translation"]
    assert queue_names(["translation", "translation"]) == ["translation"]
    assert queue_names(["translation", "default"]) == ["translation", "default"]
    with pytest.raises(CommandError, match="no such queue: gpu"):
        queue_names(["gpu"])


@pytest.mark.django_db
def test_worker_refuses_an_unknown_queue():
    with pytest.raises(CommandError, match="no such queue"):
        call_command("worker", "--batch", "--queue", "urgent")


@pytest.mark.django_db(transaction=True)
def test_a_translation_worker_leaves_the_default_queue_alone_and_vice_versa():
    from newsdesk.editions.workflow import translate_edition
    from newsdesk.newsroom.actions import publish_due_articles

    DBTaskResult.objects.all().delete()
    other = publish_due_articles.enqueue()
    translation = translate_edition.enqueue(0)  # no such edition: the task does nothing
    call_command("worker", "--batch", "--queue", "translation")
    assert DBTaskResult.objects.get(pk=translation.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=other.id).status == "READY"
    call_command("worker", "--batch", "--queue", "default")
    assert DBTaskResult.objects.get(pk=other.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_period_is_claimed_once():
    assert periodic.claim_period("job", 60, now=600.0) == 10
    assert periodic.claim_period("job", 60, now=659.0) is None  # same period, taken
    assert periodic.claim_period("other", 60, now=659.0) == 10  # another job
    assert periodic.claim_period("job", 60, now=660.0) == 11  # the next period
    with pytest.raises(ValueError, match="positive"):
        periodic.claim_period("job", 0)


@pytest.mark.django_db(transaction=True)
def test_a_period_is_claimed_once_among_threads():
    import threading

    from django.db import connection

    wins: list[int | None] = []
    now = time.time()

    def claim() -> None:
        try:
            wins.append(periodic.claim_period("race", 3600, now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(wins) == 6
    assert len([win for win in wins if win is not None]) == 1


SWEEP = re.compile(rb"worker sweep: period (\d+) by (\S+)")


def sweeps(*logs: Path) -> list[tuple[int, str]]:
    return [
        (int(number), who.decode())
        for log in logs
        for number, who in SWEEP.findall(log.read_bytes())
    ]


def run_two_workers_and_count_sweeps(tmp_path: Path, seconds: float, **env: str) -> None:
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    workers = [start_worker(log, "--sweep-every", "1", **env) for log in logs]
    try:
        # Both running (each has swept or lost a claim); then count over a fixed window.
        wait_for(lambda: len(sweeps(*logs)) >= 2, 90, pause=0.2)
        time.sleep(2)
        before = {number for number, _ in sweeps(*logs)}
        time.sleep(seconds)
        # The window ends here: sweeps while the workers are being stopped (slow on a busy
        # machine) count for "never twice" below, not for the window's length.
        after = {number for number, _ in sweeps(*logs)}
        assert all(worker.poll() is None for worker in workers)
    finally:
        for worker in workers:
            stop(worker)
    done = sweeps(*logs)
    numbers = [number for number, _ in done]
    assert len(numbers) == len(set(numbers)), f"a period swept twice: {sorted(numbers)}"
    window = after - before
    # One sweep per one-second period across both workers: about `seconds`, never twice that.
    assert seconds - 2 <= len(window) <= seconds + 2, sorted(window)


@needs_postgres
@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_two_database_workers_sweep_once_per_period(tmp_path):
    run_two_workers_and_count_sweeps(tmp_path, 6)
