"""Run the background worker: scheduled publishing, translations and other tasks."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from newsdesk.core import queues
from newsdesk.core.hooks import run_worker_startup_hooks, run_worker_sweep_hooks
from newsdesk.core.periodic import claim_period, worker_name

logger = logging.getLogger(__name__)


def requeue_interrupted(stale_after: float) -> int:
    """Tasks whose worker was killed are queued again. Returns how many.

    Database backend: tasks marked running for longer than ``stale_after`` seconds
    (django-tasks' database backend would leave them running forever). RQ: jobs RQ found
    abandoned (their worker stopped sending heartbeats) and moved to the failed jobs."""
    if queues.uses_rq():
        return _requeue_abandoned_rq_jobs()
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return 0
    cutoff = timezone.now() - dt.timedelta(seconds=stale_after)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    count = stale.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("re-queued %d task(s) a stopped worker had left running", count)
    return count


# Failed jobs the sweep reads besides the ones it finds abandoned itself: those that failed in
# the last hour, where RQ's own maintenance (every worker's, every ten minutes) puts the
# abandoned jobs it moves. Older failures are real errors and stay for people to read (they
# are kept a year, RQ's DEFAULT_FAILURE_TTL, which the registry's scores count from).
RECENT_FAILURES_SECONDS = 3600


def _requeue_abandoned_rq_jobs() -> int:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.defaults import DEFAULT_FAILURE_TTL
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.registry import FailedJobRegistry, StartedJobRegistry
    from rq.timeouts import TimerDeathPenalty

    count = 0
    for name in settings.TASKS["default"].get("QUEUES", ["default"]):
        # django-tasks-rq's job class: its failure callback (run when RQ moves an abandoned
        # job to the failed ones) needs the job's task result, which plain RQ jobs lack.
        queue = django_rq.get_queue(name, job_class=Job)
        # The sweep runs in the worker's housekeeping thread: the failure callback RQ runs for
        # an abandoned job must be timed without signals (they work in the main thread only).
        started = StartedJobRegistry(
            queue=queue, job_class=Job, death_penalty_class=TimerDeathPenalty
        )
        abandoned = started.get_expired_job_ids()
        started.cleanup()  # moves the abandoned ones to the failed (or retries them)
        failed = FailedJobRegistry(queue=queue, job_class=Job)
        since = time.time() + DEFAULT_FAILURE_TTL - RECENT_FAILURES_SECONDS
        recent = [
            job_id.decode() if isinstance(job_id, bytes) else str(job_id)
            for job_id in queue.connection.zrangebyscore(failed.key, since, "+inf")
        ]
        for job_id in dict.fromkeys([*abandoned, *recent]):
            if job_id not in failed:
                continue
            job = queue.fetch_job(job_id)
            result = job.latest_result() if job is not None else None
            if result is None or "AbandonedJobError" not in (result.exc_string or ""):
                continue
            try:
                failed.requeue(job_id)
            except (InvalidJobOperation, NoSuchJobError):
                continue  # another worker's sweep re-queued it a moment ago
            count += 1
        count += _requeue_lost_in_transit(queue, started)
    if count:
        logger.warning("re-queued %d task(s) a stopped worker had left running", count)
    return count


def _requeue_lost_in_transit(queue: Any, started: Any) -> int:
    """Jobs a worker took off ``queue`` (RQ moves them to the queue's intermediate list) but
    never started: it lost Redis in between (RQ's heartbeat right after the move fails). RQ's
    own maintenance fails such a job after a minute, at its next pass (every ten minutes);
    the sweep puts it back on the queue instead, once it has sat there for over a minute
    (RQ's first-seen mark, set at the first sighting, here or by RQ). The job's removal from
    the intermediate list decides who re-queues it, so two sweeps never both do."""
    intermediate = queue.intermediate_queue
    count = 0
    for job_id in intermediate.get_job_ids():
        if job_id in started:
            continue  # its worker runs it
        if intermediate.set_first_seen(job_id) or not intermediate.should_be_cleaned_up(job_id):
            continue
        job = queue.fetch_job(job_id)
        if queue.connection.lrem(intermediate.key, 1, job_id) and job is not None:
            queue.enqueue_job(job)
            count += 1
    return count


def flush_outbox() -> int:
    """Hand RQ the tasks that waited in the database while Redis was down (RQ backend only;
    newsdesk.core.outbox). Returns how many Redis took."""
    if not queues.uses_rq():
        return 0
    from newsdesk.core.outbox import flush_outbox as flush

    return flush()


def wait_for_redis(pause: float = 1.0) -> None:
    """Until RQ's Redis answers a PING (logged once, then every minute)."""
    import django_rq
    from redis.exceptions import RedisError

    logger.warning("RQ worker stopped: Redis unavailable; starting again when it answers")
    waited = 0.0
    while True:
        try:
            django_rq.get_connection(queues.DEFAULT).ping()
        except RedisError:
            time.sleep(pause)
            waited += pause
            if waited % 60 < pause:
                logger.warning("still waiting for Redis (%.0f s)", waited)
            continue
        logger.warning("Redis answers again after %.0f s: RQ worker starting", waited)
        return


MINIMUM_STALE_SECONDS = 30


def _stale_seconds(value: str) -> float:
    seconds = float(value)
    if seconds < MINIMUM_STALE_SECONDS:
        raise argparse.ArgumentTypeError(
            f"at least {MINIMUM_STALE_SECONDS} seconds: a shorter wait would take tasks away "
            "from workers that are still running them"
        )
    return seconds


def purge_shared_cache() -> int:
    """Delete the expired entries of the database cache all processes share (login
    throttles: Django's database cache would otherwise keep them until it is full)."""
    shared: Any = settings.CACHES.get("shared") or {}
    location = shared.get("LOCATION")
    if not location:
        return 0
    table = connection.ops.quote_name(location)
    expires = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [expires])  # noqa: S608
        return cursor.rowcount


def sweep(stale_after: float) -> None:
    """One periodic sweep: tasks a killed worker left running, tasks that waited in the
    database for Redis (core.outbox), the apps' sweep hooks (e.g.
    editions whose killed worker's claim has expired, retention) and expired cache rows."""
    requeue_interrupted(stale_after)
    flush_outbox()
    run_worker_sweep_hooks()
    purge_shared_cache()


def housekeeping(stale_after: float, stop: threading.Event, pause: float | None = None) -> None:
    """While the worker runs: one sweep per period of ``pause`` seconds (default: a minute,
    at most half of ``stale_after``) across all workers. Every worker looks four times a
    period; the first to claim the period (``core.periodic.claim_period``) sweeps."""
    period = min(60.0, stale_after / 2) if pause is None else pause
    while not stop.wait(period / 4):
        try:
            number = claim_period("worker-sweep", period)
            if number is not None:
                logger.info("worker sweep: period %d by %s", number, worker_name())
                sweep(stale_after)
        except Exception:  # noqa: BLE001 - housekeeping must never stop the worker
            logger.exception("worker housekeeping failed")
        finally:
            connection.close()


def queue_names(requested: list[str] | None) -> list[str]:
    """The queues a worker serves: those asked for (``--queue``, repeatable), else all of
    them but the GPU queue (only a worker started for it serves it), the default queue
    first. Raises CommandError for a queue that does not exist."""
    known = list(settings.TASKS["default"].get("QUEUES", queues.ALL))
    unknown = sorted(set(requested or []) - set(known))
    if unknown:
        raise CommandError(f"no such queue: {', '.join(unknown)} (queues: {', '.join(known)})")
    if requested:
        return list(dict.fromkeys(requested))
    return [name for name in known if name != queues.TRANSLATION_GPU]


def gpu_heartbeat(stop: threading.Event) -> None:
    """While a worker serves the GPU queue: a heartbeat every quarter of its lifetime, so
    translation tasks are sent there (core.queues.translation_queue)."""
    while True:
        try:
            queues.record_gpu_worker_alive()
        except Exception:  # noqa: BLE001 - the heartbeat must never stop the worker
            logger.exception("cannot record the GPU worker's heartbeat")
        finally:
            connection.close()
        if stop.wait(max(queues.heartbeat_seconds() / 4, 0.5)):
            return


class Command(BaseCommand):
    help = (
        "Process background tasks until stopped (django-tasks' db_worker, or an RQ worker "
        "with NEWSDESK_TASKS_BACKEND=rq)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="Work on this queue only (repeatable: --queue default --queue translation); "
            f"default: {', '.join(queues.WITHOUT_QUEUE)}; GPU workers serve "
            f"{queues.TRANSLATION_GPU} (with NEWSDESK_MT_DEVICE=cuda).",
        )
        parser.add_argument(
            "--stale-after",
            type=_stale_seconds,
            default=settings.NEWSDESK_TASK_STALE_SECONDS,
            help="Queue again tasks left running for longer than this many seconds by a "
            "worker that was killed; checked at start and every minute (default: %(default)s, "
            f"at least {MINIMUM_STALE_SECONDS}).",
        )
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=None,
            help="Seconds between the periodic sweeps, one per period across all workers "
            "(default: a minute, at most half of --stale-after).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = queue_names(options["queues"])
        if options["sweep_every"] is not None and options["sweep_every"] <= 0:
            raise CommandError("--sweep-every must be positive")
        requeued = requeue_interrupted(options["stale_after"])
        if requeued:
            self.stdout.write(f"Queued again {requeued} task(s) a stopped worker had left running.")
        purge_shared_cache()
        flush_outbox()
        run_worker_startup_hooks()
        connection.close()  # RQ forks a process per job: no connection may cross the fork
        if options["batch"]:
            self._work(names, options, batch=True)
            return
        stop = threading.Event()
        if queues.TRANSLATION_GPU in names:
            threading.Thread(target=gpu_heartbeat, args=(stop,), daemon=True).start()
        helper = threading.Thread(
            target=housekeeping,
            args=(options["stale_after"], stop, options["sweep_every"]),
            daemon=True,
        )
        helper.start()
        try:
            self._work(names, options, batch=False)
        finally:
            stop.set()

    def _work(self, names: list[str], options: dict[str, Any], *, batch: bool) -> None:
        if queues.uses_rq():
            rq_args = [*names, "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
            while True:
                try:
                    call_command("rqworker", *rq_args, *(["--burst"] if batch else []))
                    return
                except SystemExit as exit_:
                    # django-rq exits with 1 when Redis went away (RQ quits when it loses
                    # Redis during a job): wait for Redis and work on, as long as we run.
                    if batch or exit_.code != 1:
                        raise
                wait_for_redis()
        worker_args = ["--interval", str(options["interval"]), "--no-startup-delay"]
        worker_args += ["--queue-name", ",".join(names)]
        call_command("db_worker", *worker_args, *(["--batch"] if batch else []))
