"""Listeners to the newsroom's signals: publishing or changing an article asks for editions."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.newsroom.models import Article
from newsdesk.newsroom.signals import article_published, article_unpublished, article_updated

logger = logging.getLogger(__name__)


def on_published_or_updated(sender: Any, article: Article, **kwargs: Any) -> None:
    from newsdesk.editions.workflow import request_editions

    # The original is published already (this runs after the commit); a failure here must
    # not turn the editor's successful publication into an error page.
    try:
        request_editions(article)
    except Exception:
        logger.exception("could not queue the editions of article %s", article.pk)


def on_unpublished(sender: Any, article: Article, **kwargs: Any) -> None:
    from newsdesk.editions.workflow import withdraw_editions

    withdraw_editions(article)


def connect() -> None:
    article_published.connect(on_published_or_updated, dispatch_uid="editions-published")
    article_updated.connect(on_published_or_updated, dispatch_uid="editions-updated")
    article_unpublished.connect(on_unpublished, dispatch_uid="editions-unpublished")
