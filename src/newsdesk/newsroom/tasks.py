"""The newsroom's worker hooks (its task, publishing what is due, lives beside its action)."""

from __future__ import annotations

from newsdesk.core.hooks import on_worker_startup
from newsdesk.newsroom.actions import publish_due_articles

__all__ = ["publish_due_articles"]


@on_worker_startup
def catch_up_on_schedule() -> None:
    """A worker that was down at an article's time publishes it as soon as it starts."""
    publish_due_articles.call()
