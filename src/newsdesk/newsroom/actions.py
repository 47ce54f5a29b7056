"""Domain actions on articles: every publication change goes through one of these functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.newsroom.models import Article, Revision
from newsdesk.newsroom.signals import article_published, article_unpublished, article_updated

ARTICLE_FIELDS = (
    "language",
    "section",
    "kicker",
    "headline",
    "lead",
    "byline",
    "slug",
    "canonical_url",
)
BLOCK_FIELDS = ("kind", "text", "title", "attribution", "image", "caption", "credit")
CONTENT_PARTS = ("kicker", "headline", "lead", "byline", "authors", "blocks")


def snapshot(article: Article) -> dict[str, Any]:
    """The article's content as plain data, as stored in a revision."""
    data: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        value = getattr(article, f"{name}_id" if name == "section" else name)
        data[name] = value
    data["status"] = article.status
    data["authors"] = sorted(article.authors.values_list("name", flat=True))
    data["blocks"] = [
        {
            "key": str(block.key),
            **{
                name: getattr(block, f"{name}_id" if name == "image" else name)
                for name in BLOCK_FIELDS
            },
        }
        for block in article.blocks.all()
    ]
    return data


def changed_parts(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    if old is None:
        return sorted(new)
    return [name for name in new if old.get(name) != new[name]]


def record_revision(article: Article, acting_user: Any = None, note: str = "") -> Revision | None:
    """Keep the article's current state as a revision, unless nothing changed since the last."""
    current = snapshot(article)
    previous = article.revisions.order_by("-created_at", "-id").first()
    changed = changed_parts(previous.snapshot if previous else None, current)
    if previous is not None and not changed and not note:
        return None
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return Revision.objects.create(
        article=article, user=user, note=note, changed=changed, snapshot=current
    )


def content_changed(revision: Revision | None) -> bool:
    return revision is not None and any(part in CONTENT_PARTS for part in revision.changed)


def _on_commit_send(signal: Any, article: Article, acting_user: Any) -> None:
    transaction.on_commit(
        lambda: signal.send(sender=Article, article=article, acting_user=acting_user)
    )


@transaction.atomic
def save_article(article: Article, acting_user: Any = None, note: str = "") -> Revision | None:
    """After an editor saved the article and its blocks: keep a revision; a published article
    whose content changed gets a new "last updated" time and tells listeners."""
    revision = record_revision(article, acting_user, note)
    if article.is_published and content_changed(revision):
        article.last_updated_at = timezone.now()
        article.save(update_fields=["last_updated_at", "modified_at"])
        _on_commit_send(article_updated, article, acting_user)
    return revision


@transaction.atomic
def publish_article(article: Article, acting_user: Any = None) -> Article:
    if not article.blocks.exists() and not article.lead.strip():
        raise ValidationError(_("An article needs a lead or at least one block before publishing."))
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    article.publish_at = None
    if article.first_published_at is None:
        article.first_published_at = now
    else:
        article.last_updated_at = now
    article.save(
        update_fields=[
            "status",
            "publish_at",
            "first_published_at",
            "last_updated_at",
            "modified_at",
        ]
    )
    record_revision(article, acting_user, note=_("published"))
    _on_commit_send(article_published, article, acting_user)
    return article


@transaction.atomic
def schedule_article(article: Article, when: dt.datetime, acting_user: Any = None) -> Article:
    from newsdesk.newsroom.tasks import publish_due_articles

    if timezone.is_naive(when):
        raise ValidationError(_("The publication time needs a time zone."))
    if when <= timezone.now():
        raise ValidationError(_("The publication time must be in the future."))
    if article.is_published:
        raise ValidationError(_("This article is already published."))
    article.status = Article.Status.SCHEDULED
    article.publish_at = when
    article.save(update_fields=["status", "publish_at", "modified_at"])
    record_revision(article, acting_user, note=_("scheduled"))
    # The worker runs the task at that time; a task left over from an earlier schedule
    # finds nothing due and does nothing.
    transaction.on_commit(lambda: publish_due_articles.using(run_after=when).enqueue())
    return article


@transaction.atomic
def unpublish_article(article: Article, acting_user: Any = None) -> Article:
    was_published = article.is_published
    article.status = Article.Status.UNPUBLISHED
    article.publish_at = None
    article.save(update_fields=["status", "publish_at", "modified_at"])
    record_revision(article, acting_user, note=_("unpublished"))
    if was_published:
        _on_commit_send(article_unpublished, article, acting_user)
    return article


def publish_due(now: dt.datetime | None = None) -> list[Article]:
    """Publish every scheduled article whose time has come (the worker calls this)."""
    now = now or timezone.now()
    published = []
    for article_id in Article.objects.filter(
        status=Article.Status.SCHEDULED, publish_at__lte=now
    ).values_list("id", flat=True):
        with transaction.atomic():
            # Claim the row: another worker may be publishing it at the same moment.
            claimed = Article.objects.filter(
                id=article_id, status=Article.Status.SCHEDULED, publish_at__lte=now
            ).update(status=Article.Status.DRAFT)
            if not claimed:
                continue
            article = Article.objects.get(id=article_id)
            published.append(publish_article(article))
    return published
