"""A stopped Redis: tasks wait in the database (core.outbox) and the Redis cache falls
through to a miss (core.cache_backends.RedisCacheFallingThrough) instead of raising.

Redis here is one of the test's own (``redis-server`` on a free port), never the shared one;
"down" is a port nothing listens on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bench.load_support import OwnRedis, SuiteError, free_port
from newsdesk.core import outbox
from newsdesk.core.cache_backends import RedisCacheFallingThrough

pytestmark = pytest.mark.django_db

OUTBOX_BACKEND = "newsdesk.core.outbox.OutboxRQBackend"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    try:
        server = OwnRedis(tmp_path / "redis")
        server.start()
    except SuiteError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


def point_rq_at(settings, url: str) -> None:
    settings.TASKS = {"default": {"BACKEND": OUTBOX_BACKEND, "QUEUES": ["default", "translation"]}}
    settings.RQ_QUEUES = {name: {"URL": url} for name in ("default", "translation")}


def down_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_the_rq_setting_names_the_outbox_backend():
    from newsdesk.core import queues

    assert OUTBOX_BACKEND in queues.RQ_BACKENDS


def test_redis_down_the_task_waits_in_the_database_and_enqueue_does_not_raise(settings):
    from newsdesk.editions.workflow import translate_edition

    point_rq_at(settings, down_url())
    result = translate_edition.enqueue(42)
    assert result.status == "READY"
    row = DBTaskResult.objects.get()
    assert row.backend_name == outbox.OUTBOX
    assert row.task_path == translate_edition.module_path
    assert row.queue_name == "translation"
    assert row.args_kwargs == {"args": [42], "kwargs": {}}
    assert str(row.pk) == result.id
    assert outbox.waiting() == 1


@pytest.mark.django_db(transaction=True)
def test_an_on_commit_enqueue_does_not_raise_into_the_committing_code(settings):
    """The shape of every call site: the change commits, the task waits for Redis."""
    from newsdesk.community.tasks import notify_reply

    point_rq_at(settings, down_url())
    with transaction.atomic():
        transaction.on_commit(lambda: notify_reply.enqueue(7))
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        (notify_reply.module_path, {"args": [7], "kwargs": {}})
    ]


def test_flush_hands_the_tasks_to_redis_once_it_answers(settings, own_redis):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    from newsdesk.editions.workflow import translate_edition
    from newsdesk.newsroom.actions import publish_due_articles

    point_rq_at(settings, down_url())
    translate_edition.enqueue(42)
    later = timezone.now() + dt.timedelta(hours=1)
    publish_due_articles.using(run_after=later).enqueue()
    assert outbox.flush_outbox() == 0  # still down: the rows stay
    assert outbox.waiting() == 2

    point_rq_at(settings, own_redis.url())
    assert outbox.flush_outbox() == 2
    assert outbox.waiting() == 0 and not DBTaskResult.objects.exists()
    translation = django_rq.get_queue("translation")
    assert translation.count == 1
    job = translation.jobs[0]
    assert job.func_name == translate_edition.module_path and job.args == [42]
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue("default")).get_job_ids()
    assert len(scheduled) == 1
    assert outbox.flush_outbox() == 0  # nothing is sent twice


def test_flush_does_nothing_with_another_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="newsdesk.newsroom.actions.publish_due_articles",
        queue_name="default",
        run_after=timezone.now(),
        backend_name=outbox.OUTBOX,
    )
    assert outbox.flush_outbox() == 0
    assert outbox.waiting() == 1


def cache(url: str) -> RedisCacheFallingThrough:
    return RedisCacheFallingThrough(url, {"OPTIONS": {"socket_connect_timeout": 1}})


def test_the_redis_cache_falls_through_while_redis_is_down():
    down = cache(down_url())
    assert down.get("key") is None
    assert down.get("key", "default") == "default"
    down.set("key", "value")  # nothing raised
    assert down.add("key", "value") is False  # a claim is not granted
    assert down.get_many(["a", "b"]) == {}
    assert down.delete("key") is False
    assert down.has_key("key") is False
    down.set_many({"a": 1})
    down.delete_many(["a"])
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        down.incr("counter")


def test_the_redis_cache_works_as_django_s_while_redis_answers(own_redis):
    live = cache(own_redis.url(3))
    live.set("key", "value", 30)
    assert live.get("key") == "value"
    assert live.add("key", "other") is False and live.add("new", 1) is True
    assert live.get_many(["key", "new"]) == {"key": "value", "new": 1}
    own_redis.stop()
    assert live.get("key") is None  # a miss while it is down
    own_redis.start()  # started again, empty (nothing saved)
    live.set("key", "again", 30)
    assert live.get("key") == "again"


def test_the_rq_worker_waits_for_redis_and_starts_again_instead_of_exiting(settings, monkeypatch):
    """django-rq's rqworker exits with 1 when RQ loses Redis; newsdesk worker waits for
    Redis and starts it again. Other exits, and --batch, end the worker as before."""
    from newsdesk.core.management.commands import worker

    settings.TASKS = {"default": {"BACKEND": OUTBOX_BACKEND, "QUEUES": ["default"]}}
    exits = [SystemExit(1), None]
    calls: list[str] = []

    def rqworker(name: str, *args: str) -> None:
        calls.append(name)
        outcome = exits.pop(0)
        if outcome is not None:
            raise outcome

    monkeypatch.setattr(worker, "call_command", rqworker)
    monkeypatch.setattr(worker, "wait_for_redis", lambda: calls.append("waited"))
    command = worker.Command()
    command._work(["default"], {}, batch=False)
    assert calls == ["rqworker", "waited", "rqworker"]

    exits[:] = [SystemExit(1)]
    with pytest.raises(SystemExit):
        command._work(["default"], {}, batch=True)
    exits[:] = [SystemExit(2)]
    with pytest.raises(SystemExit):
        command._work(["default"], {}, batch=False)


def test_wait_for_redis_returns_once_redis_answers(settings, own_redis, monkeypatch):
    from newsdesk.core.management.commands import worker

    settings.RQ_QUEUES = {"default": {"URL": own_redis.url()}}
    own_redis.stop()
    pauses: list[float] = []

    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if seconds < 1:  # own_redis.start() polling for its port
            real_sleep(seconds)
            return
        pauses.append(seconds)
        if len(pauses) == 3:
            own_redis.start()

    monkeypatch.setattr(time, "sleep", sleep)
    worker.wait_for_redis()
    assert len(pauses) == 3
