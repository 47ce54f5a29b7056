"""The task queues and the one rule that assigns every background task to one of them.

Rule: a task that runs a translation engine goes to ``TRANSLATION``; every other task
(scheduled publishing, moderation, notices and their deadlines, e-mail, retention) goes to
``DEFAULT``. Translation is slow and bursty (a breaking story queues one task per language);
on its own queue it runs on its own workers (``newsdesk worker --queue translation``) and
never delays a reply e-mail or a notice's deadline behind it. ``newsdesk worker`` without
``--queue`` works on both, the default queue first.

GPU translation workers (``NEWSDESK_MT_DEVICE=cuda newsdesk worker --queue translation-gpu``)
serve ``TRANSLATION_GPU`` and say so with a heartbeat in the shared cache. Translation goes
there while a heartbeat is fresh (:func:`translation_queue`), else to ``TRANSLATION``; work
left on the GPU queue when the last GPU worker stops is queued again for the CPU workers by
the editions' sweep (``newsdesk.editions.tasks``), within the heartbeat's lifetime plus one
sweep period.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT = "default"
TRANSLATION = "translation"
TRANSLATION_GPU = "translation-gpu"

# In the order a worker on several queues looks at them (RQ takes the first non-empty one).
# A worker without --queue serves DEFAULT and TRANSLATION (not the GPU queue: see above).
ALL = (DEFAULT, TRANSLATION, TRANSLATION_GPU)
WITHOUT_QUEUE = (DEFAULT, TRANSLATION)

_ALIVE = "newsdesk:alive:translation-gpu"
_SEEN = "newsdesk:seen:translation-gpu"
SEEN_SECONDS = 24 * 3600


def heartbeat_seconds() -> int:
    """How long a GPU worker's heartbeat lasts (NEWSDESK_MT_GPU_HEARTBEAT_SECONDS); it
    writes one every quarter of that."""
    return int(getattr(settings, "NEWSDESK_MT_GPU_HEARTBEAT_SECONDS", 60))


def record_gpu_worker_alive() -> None:
    """A GPU worker says it runs (in the cache every process shares)."""
    from newsdesk.core.periodic import shared_cache, worker_name

    cache = shared_cache()
    cache.set(_ALIVE, worker_name(), heartbeat_seconds())
    cache.set(_SEEN, worker_name(), SEEN_SECONDS)


def gpu_worker_alive() -> bool:
    """Whether a GPU worker sent a heartbeat within heartbeat_seconds()."""
    from newsdesk.core.periodic import shared_cache

    return shared_cache().get(_ALIVE) is not None


def gpu_worker_seen() -> bool:
    """Whether a GPU worker ran in the last day (then the GPU queue may hold work)."""
    from newsdesk.core.periodic import shared_cache

    return shared_cache().get(_SEEN) is not None


def translation_queue() -> str:
    """The queue for a translation task now: the GPU's while a GPU worker runs."""
    return TRANSLATION_GPU if gpu_worker_alive() else TRANSLATION


# The TASKS backends that put tasks on Redis (``NEWSDESK_TASKS_BACKEND=rq`` is the second:
# RQ, with the tasks Redis could not take kept in the database, newsdesk.core.outbox).
RQ_BACKENDS = ("django_tasks_rq.RQBackend", "newsdesk.core.outbox.OutboxRQBackend")


def uses_rq() -> bool:
    """Whether the tasks go through RQ on Redis (NEWSDESK_TASKS_BACKEND=rq, or django-tasks-rq's
    backend named directly)."""
    return settings.TASKS["default"]["BACKEND"] in RQ_BACKENDS
