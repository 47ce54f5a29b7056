"""Background tasks of the editions workflow, run by `newsdesk worker`."""

from __future__ import annotations

import logging

from django_tasks import task

from newsdesk.core.hooks import on_worker_startup

logger = logging.getLogger(__name__)


@task()
def translate_edition(edition_id: int) -> str:
    from newsdesk.editions.workflow import requeue_abandoned, run_translation

    outcome = run_translation(edition_id)
    logger.info("edition %s: %s", edition_id, outcome)
    # Each run also looks for work a killed worker left behind (its claim has expired).
    requeue_abandoned()
    return outcome


@on_worker_startup
def take_over_abandoned_editions() -> None:
    """A worker that starts picks up editions a killed worker had claimed."""
    from newsdesk.editions.workflow import requeue_abandoned

    found = requeue_abandoned(unclaimed_too=True)
    if found:
        logger.info("re-queued %d abandoned edition(s)", len(found))
