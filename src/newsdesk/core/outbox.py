"""Tasks that Redis could not take wait in the database until it answers again (RQ backend).

Every ``.enqueue()`` runs in ``transaction.on_commit``, after the comment, the article or the
notice is stored: with Django's RQ backend a stopped Redis would turn that request into a 500
although its change is committed, and the task (a reply e-mail, an edition, a notice's
confirmation) would be lost. :class:`OutboxRQBackend` (``NEWSDESK_TASKS_BACKEND=rq``) catches
the Redis error and stores the task as a row of django-tasks-db's table (installed with every
backend) under the backend name :data:`OUTBOX`, which no database worker serves;
:func:`flush_outbox` hands those rows to RQ, oldest first, and deletes each one that Redis
took. ``newsdesk worker`` flushes at its start and in every periodic sweep (once a period
across all workers, claimed in the shared cache, so only once Redis answers again).

A row is handed over and deleted in one transaction per batch, rows locked with SKIP LOCKED
(two sweeping workers never send the same row). Should Redis fail between accepting a job
and the commit that deletes its row, the task is queued twice; the tasks are written for
that (an edition is claimed before it is translated, a deadline task checks its state).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_rq import RQBackend
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# backend_name of the rows that wait for Redis (a configured backend is never called this)
OUTBOX = "newsdesk-outbox"
BATCH = 100


class OutboxRQBackend(RQBackend):
    """django-tasks-rq's backend; a task Redis refuses (``redis.RedisError``: down,
    unreachable, timed out) is kept in the database instead of raising into the caller.
    Returns a TaskResult with status READY either way (``id``: RQ's job id, or the
    outbox row's id)."""

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        try:
            return super().enqueue(task, args, kwargs)
        except RedisError as error:
            row = DBTaskResult.objects.create(
                args_kwargs=normalize_json({"args": list(args), "kwargs": dict(kwargs)}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after or get_date_max(),
                backend_name=OUTBOX,
            )
            logger.warning(
                "Redis did not take task %s (%s); kept in the database as %s until it answers",
                task.module_path,
                error,
                row.pk,
            )
            return TaskResult(
                task=task,
                id=str(row.pk) if row.pk else get_random_id(),
                status=TaskResultStatus.READY,
                enqueued_at=None,
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=list(args),
                kwargs=dict(kwargs),
                backend=self.alias,
                errors=[],
                worker_ids=[],
            )


def waiting() -> int:
    """How many tasks wait in the database for Redis."""
    return DBTaskResult.objects.filter(backend_name=OUTBOX).count()


def flush_outbox() -> int:
    """Hand the waiting tasks to RQ, oldest first; returns how many Redis took. Stops at the
    first Redis error (the rest wait for the next sweep). Does nothing (0) unless the
    configured backend is :class:`OutboxRQBackend`."""
    backend = task_backends["default"]
    if not isinstance(backend, OutboxRQBackend):
        return 0
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(backend_name=OUTBOX)
                .order_by("enqueued_at", "id")[:BATCH]
            )
            if not rows:
                break
            for row in rows:
                task: Task = import_string(row.task_path)
                task = task.using(
                    priority=row.priority,
                    queue_name=row.queue_name,
                    run_after=None if row.run_after == get_date_max() else row.run_after,
                )
                try:
                    RQBackend.enqueue(
                        backend, task, row.args_kwargs["args"], row.args_kwargs["kwargs"]
                    )
                except RedisError as error:
                    logger.warning("outbox: Redis still unavailable (%s); %d sent", error, sent)
                    return sent
                row.delete()
                sent += 1
    if sent:
        logger.info("outbox: %d task(s) handed to Redis", sent)
    return sent
