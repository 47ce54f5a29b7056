"""Background tasks of the newsroom, run by `newsdesk worker`."""

from __future__ import annotations

import logging

from django_tasks import task

from newsdesk.core.hooks import on_worker_startup

logger = logging.getLogger(__name__)


@task()
def publish_due_articles() -> list[int]:
    from newsdesk.newsroom.actions import publish_due

    published = publish_due()
    for article in published:
        logger.info("published scheduled article %s: %s", article.pk, article.headline)
    return [article.pk for article in published]


@on_worker_startup
def catch_up_on_schedule() -> None:
    """A worker that was down at an article's time publishes it as soon as it starts."""
    publish_due_articles.call()
