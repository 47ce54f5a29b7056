"""NEWSDESK_TASKS_BACKEND=rq: tasks on Redis through django-tasks-rq, in their named queues,
run by real ``newsdesk worker`` processes; sweeps and scheduled publishing once across them.

The tests use Redis database 14 or 15 (core.tests.processes.redis_test_url) and flush only it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from newsdesk.core.tests.processes import (
    needs_postgres,
    needs_redis,
    redis_test_url,
    start_worker,
    stop,
    wait_for,
)
from newsdesk.core.tests.test_worker_queues import run_two_workers_and_count_sweeps

pytestmark = needs_redis

RQ_ENV = {"NEWSDESK_TASKS_BACKEND": "rq"}


@pytest.fixture
def rq(settings) -> Iterator[object]:
    """This process enqueues to RQ on the tests' Redis database, emptied before and after."""
    import django_rq

    url = redis_test_url()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "translation"]}
    }
    settings.RQ_QUEUES = {name: {"URL": url} for name in ("default", "translation")}
    connection = django_rq.get_connection("default")
    connection.flushdb()
    yield django_rq
    connection.flushdb()


def test_the_setting_switches_the_backend(monkeypatch):
    """One variable: NEWSDESK_TASKS_BACKEND=rq (the former NEWSDESK_TASK_BACKEND still read)."""
    import subprocess
    import sys

    script = (
        "import django\ndjango.setup()\nfrom django.conf import settings\n"
        "print(settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS,"
        " settings.RQ_QUEUES['translation']['URL'])"
    )
    for name in ("NEWSDESK_TASKS_BACKEND", "NEWSDESK_TASK_BACKEND"):
        env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            name: "rq",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
        }
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout.split() == [
            "newsdesk.core.outbox.OutboxRQBackend",
            "True",
            "redis://127.0.0.1:6379/9",
        ]


def test_tasks_go_to_their_named_queues(rq):
    from newsdesk.editions.workflow import translate_edition
    from newsdesk.newsroom.actions import publish_due_articles

    translation = translate_edition.enqueue(42)
    other = publish_due_articles.enqueue()
    assert rq.get_queue("translation").job_ids == [translation.id]
    assert rq.get_queue("default").job_ids == [other.id]
    later = publish_due_articles.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue()
    from rq.registry import ScheduledJobRegistry

    assert ScheduledJobRegistry(queue=rq.get_queue("default")).get_job_ids() == [later.id]


@needs_postgres
@pytest.mark.timeout(420)
@pytest.mark.django_db(transaction=True)
def test_rq_workers_run_each_queue_and_publish_a_scheduled_article_once(rq, tmp_path):
    """A translation worker translates the edition; a default worker publishes the scheduled
    article at its time, exactly once although two workers with schedulers run."""
    from newsdesk.core.models import AuditEvent, EventType
    from newsdesk.editions.models import Edition
    from newsdesk.editions.tests.conftest import CLEAN
    from newsdesk.newsroom import actions
    from newsdesk.newsroom.testing import make_article

    env = {**RQ_ENV, "REDIS_URL": redis_test_url(), "NEWSDESK_MT_ENGINE": "dummy"}
    article = make_article(headline="Die Stadt hat ein Haus", publish=False, **CLEAN)
    actions.do_schedule_article(
        article, when=timezone.now() + dt.timedelta(seconds=8), acting_user=None
    )
    assert rq.get_queue("default").count == 0  # scheduled, not queued yet
    workers = [
        start_worker(tmp_path / "default1.log", "--queue", "default", **env),
        start_worker(tmp_path / "default2.log", "--queue", "default", **env),
        start_worker(tmp_path / "translation.log", "--queue", "translation", **env),
    ]
    try:
        wait_for(
            lambda: Edition.objects.filter(article=article, state=Edition.State.PUBLISHED).exists(),
            300,  # three worker processes start on a machine the whole suite shares
        )
    finally:
        for worker in workers:
            stop(worker)
    article.refresh_from_db()
    assert article.is_published
    published = AuditEvent.objects.filter(
        event_type=EventType.ARTICLE_PUBLISHED, target_id=str(article.pk)
    )
    assert published.count() == 1
    edition = Edition.objects.get(article=article)
    assert edition.content["headline"] == "The City has a House"
    logs = {log.name: log.read_text() for log in tmp_path.glob("*.log")}
    assert "translate_edition" in logs["translation.log"]
    assert "translate_edition" not in logs["default1.log"] + logs["default2.log"]


@needs_postgres
@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_two_rq_workers_sweep_once_per_period(rq, tmp_path):
    run_two_workers_and_count_sweeps(tmp_path, 6, REDIS_URL=redis_test_url(), **RQ_ENV)


def _abandon(rq, queue_name: str, job_id: str) -> None:
    """Mark a job as started by a worker that then stopped sending heartbeats: its entry in
    the started registry expired ten seconds ago."""
    import time

    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    queue = rq.get_queue(queue_name, job_class=Job)
    queue.remove(job_id)
    started = StartedJobRegistry(queue=queue, job_class=Job)
    rq.get_connection(queue_name).zadd(started.key, {f"{job_id}:gone": time.time() - 10})


def test_the_sweep_requeues_abandoned_jobs_and_reads_only_the_last_hours_failures(rq, monkeypatch):
    import time

    import rq as rq_library
    from django_tasks_rq.backend import Job
    from rq.defaults import DEFAULT_FAILURE_TTL
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from newsdesk.core.management.commands import worker
    from newsdesk.newsroom.actions import publish_due_articles

    queue = rq.get_queue("default", job_class=Job)
    failed = FailedJobRegistry(queue=queue, job_class=Job)

    def fail(ago: float) -> str:
        """A job that failed with a real error ``ago`` seconds ago (RQ's default TTL)."""
        job_id = publish_due_articles.enqueue().id
        queue.remove(job_id)
        failed.add(queue.fetch_job(job_id), exc_string="ValueError: a real error")
        score = time.time() + DEFAULT_FAILURE_TTL - ago
        queue.connection.zadd(failed.key, {job_id: score})
        return job_id

    old = {fail(ago=7200) for _ in range(30)}  # two hours ago: never read again
    # Abandoned a while ago and already moved by a worker's own maintenance; many real
    # failures came after it, within the hour.
    theirs = publish_due_articles.enqueue().id
    _abandon(rq, "default", theirs)
    StartedJobRegistry(queue=queue, job_class=Job).cleanup()
    assert theirs in failed
    recent = {fail(ago=60) for _ in range(250)}
    # Abandoned just now: the sweep moves it itself.
    mine = publish_due_articles.enqueue().id
    _abandon(rq, "default", mine)

    fetched = []
    real_fetch = rq_library.Queue.fetch_job
    monkeypatch.setattr(
        rq_library.Queue,
        "fetch_job",
        lambda self, job_id: fetched.append(job_id) or real_fetch(self, job_id),
    )
    assert worker.requeue_interrupted(stale_after=60) == 2
    assert set(queue.job_ids) == {mine, theirs}
    assert len(failed) == len(old) + len(recent)  # the real errors stay
    assert not old & set(fetched)  # the old failures were not read
    # Nothing abandoned since: the next sweep queues nothing again.
    assert worker.requeue_interrupted(stale_after=60) == 0


def test_the_sweep_requeues_a_job_a_worker_took_but_never_started(rq):
    """A worker took the job off the queue (RQ's intermediate list) and lost Redis before
    starting it: after a minute there the sweep puts it back, once; a job its worker runs is
    left alone."""
    import time

    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    from newsdesk.core.management.commands import worker
    from newsdesk.newsroom.actions import publish_due_articles

    queue = rq.get_queue("default", job_class=Job)
    connection = queue.connection
    intermediate = queue.intermediate_queue
    lost, running = publish_due_articles.enqueue().id, publish_due_articles.enqueue().id
    for _ in range(2):  # what a worker's dequeue does: queue -> intermediate list
        connection.lmove(queue.key, intermediate.key, "LEFT", "RIGHT")
    assert queue.job_ids == [] and set(intermediate.get_job_ids()) == {lost, running}
    started = StartedJobRegistry(queue=queue, job_class=Job)
    connection.zadd(started.key, {f"{running}:execution": time.time() + 600})

    assert worker.requeue_interrupted(stale_after=60) == 0  # first sighting: marked only
    assert queue.job_ids == []
    # Seen over a minute ago: back on the queue, off the intermediate list, exactly once.
    connection.set(intermediate.get_first_seen_key(lost), time.time() - 90)
    assert worker.requeue_interrupted(stale_after=60) == 1
    assert queue.job_ids == [lost]
    assert intermediate.get_job_ids() == [running]
    assert worker.requeue_interrupted(stale_after=60) == 0
    assert queue.job_ids == [lost]


def test_the_sweep_requeues_abandoned_jobs_from_the_housekeeping_thread(rq):
    """The worker sweeps in a thread of its own, where RQ's signal-based time limit for the
    failure callback cannot run: the sweep must still move and re-queue the job."""
    import threading

    from django_tasks_rq.backend import Job

    from newsdesk.core.management.commands import worker
    from newsdesk.newsroom.actions import publish_due_articles

    queue = rq.get_queue("default", job_class=Job)
    job_id = publish_due_articles.enqueue().id
    _abandon(rq, "default", job_id)
    outcome: list[object] = []

    def sweep() -> None:
        try:
            outcome.append(worker.requeue_interrupted(stale_after=60))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome.append(exc)

    thread = threading.Thread(target=sweep)
    thread.start()
    thread.join(30)
    assert outcome == [1]
    assert queue.job_ids == [job_id]
