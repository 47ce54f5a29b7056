"""GPU workers' queue and the fallback to CPU workers. The "GPU" worker here is a worker
process serving the GPU queue on the CPU (no GPU on this machine): the queue routing, the
heartbeat and the fallback are exercised; the CUDA path itself is not (bench/gpu_check.py)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from newsdesk.core import queues
from newsdesk.core.periodic import shared_cache
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition
from newsdesk.editions.tests.conftest import CLEAN
from newsdesk.newsroom.testing import make_article

TASK = "newsdesk.editions.workflow.translate_edition"


def queued_on(edition: Edition) -> list[str]:
    return [
        r.queue_name
        for r in DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")
        if r.args_kwargs["args"] == [edition.pk]
    ]


@pytest.fixture
def no_heartbeat():  # type: ignore[no-untyped-def]
    shared_cache().delete_many(["newsdesk:alive:translation-gpu", "newsdesk:seen:translation-gpu"])
    yield
    shared_cache().delete_many(["newsdesk:alive:translation-gpu", "newsdesk:seen:translation-gpu"])


@pytest.mark.django_db
def test_translation_goes_to_the_gpu_queue_only_while_a_gpu_worker_runs(
    engine, publish, no_heartbeat
):
    first = Edition.objects.get(article=publish(headline="Die Stadt"), language="en")
    assert queued_on(first) == [queues.TRANSLATION]
    queues.record_gpu_worker_alive()
    second = Edition.objects.get(article=publish(headline="Das Haus"), language="en")
    assert queued_on(second) == [queues.TRANSLATION_GPU]


@pytest.mark.django_db
def test_work_left_on_the_gpu_queue_goes_to_the_cpu_workers(
    engine, publish, no_heartbeat, django_capture_on_commit_callbacks
):
    queues.record_gpu_worker_alive()
    edition = Edition.objects.get(article=publish(headline="Die Stadt"), language="en")
    assert workflow.requeue_for_cpu_workers() == []  # the GPU worker is alive
    shared_cache().delete("newsdesk:alive:translation-gpu")  # its heartbeat expired
    assert workflow.requeue_for_cpu_workers() == []  # not waiting for a heartbeat yet
    old = edition.updated_at - dt.timedelta(seconds=queues.heartbeat_seconds() + 1)
    Edition.objects.filter(pk=edition.pk).update(updated_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.requeue_for_cpu_workers() == [edition.pk]
        assert workflow.requeue_for_cpu_workers() == []  # once, whoever sweeps
    assert queued_on(edition) == [queues.TRANSLATION_GPU, queues.TRANSLATION]


@pytest.mark.django_db
def test_a_worker_without_queue_does_not_serve_the_gpu_queue():
    from newsdesk.core.management.commands.worker import queue_names

    assert queue_names(None) == [queues.DEFAULT, queues.TRANSLATION]
    assert queue_names([queues.TRANSLATION_GPU]) == [queues.TRANSLATION_GPU]


def worker(*args: str, heartbeat: int = 2) -> subprocess.Popen[bytes]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": (
                f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
                f"{settings_dict['PORT']}/{settings_dict['NAME']}"
            ),
            "NEWSDESK_MT_ENGINE": "newsdesk.translation.engines.dummy.DummyEngine",
            "NEWSDESK_MT_GPU_HEARTBEAT_SECONDS": str(heartbeat),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "worker", "--interval", "0.1", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while time.monotonic() < started + seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError("timed out")


def published(edition: Edition) -> bool:
    return Edition.objects.get(pk=edition.pk).state == Edition.State.PUBLISHED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="worker processes need a database they can share (the PostgreSQL run)",
)
@pytest.mark.timeout(120)
def test_cpu_workers_take_over_when_the_gpu_worker_stops(settings, no_heartbeat):
    settings.NEWSDESK_MT_GPU_HEARTBEAT_SECONDS = 2
    gpu = worker("--queue", queues.TRANSLATION_GPU)
    cpu = worker("--queue", queues.TRANSLATION, "--sweep-every", "1")
    try:
        wait_for(queues.gpu_worker_alive, 30)
        first = make_article(headline="Die Stadt", **CLEAN)
        edition = Edition.objects.get(article=first, language="en")
        wait_for(lambda: published(edition), 30)
        assert queued_on(edition) == [queues.TRANSLATION_GPU]  # the GPU worker did it
        os.kill(gpu.pid, signal.SIGKILL)
        gpu.wait(timeout=10)
        # Queued just before the heartbeat expired: the task sits on the GPU queue.
        second = make_article(headline="Das Haus", **CLEAN)
        late = Edition.objects.get(article=second, language="en")
        assert queued_on(late) == [queues.TRANSLATION_GPU]
        waited = wait_for(lambda: published(late), 30)
        # bounded: heartbeat (2 s) + untouched for a heartbeat (2 s) + a sweep (1 s) + work
        assert waited < 15
        assert queued_on(late)[-1] == queues.TRANSLATION
    finally:
        for process in (gpu, cpu):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
