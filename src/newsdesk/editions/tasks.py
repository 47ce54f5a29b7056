"""The editions' worker hooks (the translation task lives beside its function in workflow)."""

from __future__ import annotations

import logging

from newsdesk.core.hooks import on_worker_startup, on_worker_sweep
from newsdesk.editions.workflow import (
    requeue_abandoned,
    requeue_for_cpu_workers,
    start_waiting_editions,
    translate_edition,
)

logger = logging.getLogger(__name__)

# Tasks queued before the task moved to workflow name this module; they still find it here.
__all__ = ["translate_edition"]


@on_worker_startup
def take_over_abandoned_editions() -> None:
    """A worker that starts picks up editions a killed worker had claimed."""
    found = requeue_abandoned(unclaimed_too=True)
    if found:
        logger.info("re-queued %d abandoned edition(s)", len(found))


@on_worker_sweep
def take_over_expired_claims() -> None:
    """A running worker picks up editions whose claim expired while it ran (their worker was
    killed, and the task re-queued meanwhile found the claim still valid and did nothing)."""
    found = requeue_abandoned()
    if found:
        logger.info("re-queued %d edition(s) whose claim expired", len(found))


@on_worker_startup
@on_worker_sweep
def start_editions_whose_model_arrived() -> None:
    """A worker that finds a model the waiting editions lack (installed while it ran, or
    before it started) queues them at once instead of at their next retry."""
    started = start_waiting_editions()
    if started:
        logger.info("a model arrived: queued %d waiting edition(s)", len(started))


@on_worker_sweep
def hand_gpu_work_to_cpu_workers() -> None:
    """The last GPU translation worker stopped: its queued editions go to the CPU workers."""
    moved = requeue_for_cpu_workers()
    if moved:
        logger.warning("no GPU worker runs: %d edition(s) queued for the CPU workers", len(moved))
