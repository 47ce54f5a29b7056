"""Listeners to the newsroom's signals (publishing or changing an article asks for editions)
and to the translation app's (an installed model starts the editions that waited for it)."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.newsroom.models import Article
from newsdesk.newsroom.signals import article_published, article_unpublished, article_updated
from newsdesk.translation.signals import model_installed

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


def on_model_installed(sender: Any, pair: str, **kwargs: Any) -> str:
    """A model was installed: the editions waiting for it start now, not at their next retry."""
    from django.utils.translation import ngettext

    from newsdesk.editions.workflow import start_waiting_editions

    started = start_waiting_editions()
    if not started:
        return ""
    return ngettext(
        "%(count)d edition that waited for a model is queued for translation.",
        "%(count)d editions that waited for a model are queued for translation.",
        len(started),
    ) % {"count": len(started)}


def connect() -> None:
    model_installed.connect(on_model_installed, dispatch_uid="editions-model-installed")
    article_published.connect(on_published_or_updated, dispatch_uid="editions-published")
    article_updated.connect(on_published_or_updated, dispatch_uid="editions-updated")
    article_unpublished.connect(on_unpublished, dispatch_uid="editions-unpublished")
