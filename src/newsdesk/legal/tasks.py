"""The legal channels' background tasks: the daily retention run."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from newsdesk.core import queues
from newsdesk.core.hooks import on_worker_sweep

logger = logging.getLogger(__name__)


@task(queue_name=queues.DEFAULT)
def enforce_retention() -> dict[str, int]:
    """Run retention (``legal.retention.enforce_retention``) unless a run was recorded in
    the last day or the ``data_rights`` part is off; returns the counts ({} when skipped)."""
    from newsdesk.legal import parts
    from newsdesk.legal.retention import enforce_retention as run
    from newsdesk.legal.retention import retention_due

    if not parts.enabled("data_rights") or not retention_due():
        return {}
    counts = run()
    logger.info("retention: %s", counts)
    return counts


@on_worker_sweep
def sweep() -> None:
    """The worker's sweep: queue a retention run when one is due (at most once a day)."""
    from newsdesk.core.periodic import claim_period
    from newsdesk.legal import parts
    from newsdesk.legal.retention import retention_due

    # Due once a day; while due, one process of all queues it at most once an hour.
    if (
        parts.enabled("data_rights")
        and retention_due()
        and claim_period("legal-retention", 3600) is not None
    ):
        transaction.on_commit(enforce_retention.enqueue)
