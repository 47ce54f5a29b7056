"""Domain actions on articles: every publication change goes through one of these functions.

Each ``do_<verb>_article(article, *, ..., acting_user)`` changes the article in one
transaction, keeps a revision, writes one audit event (``newsdesk.core.audit``) and sends the
newsroom's signals only after the commit. Refusals are ``ActionRefused`` with the codes each
docstring lists. ``acting_user`` is None when the system acts (the worker, the importer run
from the command line, the demo content).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.core import clock, queues
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.newsroom.models import Article, Revision
from newsdesk.newsroom.signals import article_published, article_unpublished, article_updated

logger = logging.getLogger(__name__)

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
    """The article's content as plain data, as stored in a revision: its fields, status,
    author names (sorted) and blocks (a list of dicts, in order)."""
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
    """The names of the snapshot's parts that differ between two snapshots (all for a first)."""
    if old is None:
        return sorted(new)
    return [name for name in new if old.get(name) != new[name]]


def record_revision(article: Article, acting_user: Actor = None, note: str = "") -> Revision | None:
    """Keep the article's current state as a revision, unless nothing changed since the last
    (and no ``note`` asks for one). Returns the new revision or None."""
    current = snapshot(article)
    previous = article.revisions.order_by("-created_at", "-id").first()
    changed = changed_parts(previous.snapshot if previous else None, current)
    if previous is not None and not changed and not note:
        return None
    return Revision.objects.create(
        article=article, user=person(acting_user), note=note, changed=changed, snapshot=current
    )


def content_changed(revision: Revision | None) -> bool:
    """Whether the revision changed what readers read (not only status or slug)."""
    return revision is not None and any(part in CONTENT_PARTS for part in revision.changed)


def _on_commit_send(signal: Any, article: Article, acting_user: Actor) -> None:
    transaction.on_commit(
        lambda: signal.send(sender=Article, article=article, acting_user=acting_user)
    )


def _status(article: Article) -> dict[str, Any]:
    return {"status": article.status, "publish_at": article.publish_at}


def _set_status(
    article: Article,
    status: str,
    publish_at: dt.datetime | None,
    note: str,
    event: EventType,
    acting_user: Actor,
) -> None:
    """Store the new status and publication time with a revision and an audit row (inside
    the caller's transaction)."""
    old = _status(article)
    article.status = status
    article.publish_at = publish_at
    article.save(update_fields=["status", "publish_at", "modified_at"])
    record_revision(article, acting_user, note=note)
    record_event(event, actor=acting_user, target=article, old=old, new=_status(article))


def do_save_article(article: Article, *, acting_user: Actor, note: str = "") -> Revision | None:
    """After an editor saved the article and its blocks: keep a revision; a published article
    whose content changed gets a new "last updated" time and tells listeners.

    Returns the revision, or None when nothing changed (then nothing is recorded).
    Refuses nothing."""
    with transaction.atomic():
        revision = record_revision(article, acting_user, note)
        if revision is None:
            return None
        if article.is_published and content_changed(revision):
            article.last_updated_at = clock.now()
            article.save(update_fields=["last_updated_at", "modified_at"])
            _on_commit_send(article_updated, article, acting_user)
        record_event(
            EventType.ARTICLE_SAVED,
            actor=acting_user,
            target=article,
            new={"changed": revision.changed, "revision": revision.pk, "note": note},
        )
    return revision


def do_publish_article(article: Article, *, acting_user: Actor) -> Article:
    """Publish the article now (again, if it was published before: then it counts as updated).

    Refusals: ``empty_article`` (no lead and no block)."""
    if not article.blocks.exists() and not article.lead.strip():
        raise ActionRefused(
            "empty_article",
            _("An article needs a lead or at least one block before publishing."),
        )
    with transaction.atomic():
        old = _status(article)
        now = clock.now()
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
        record_event(
            EventType.ARTICLE_PUBLISHED,
            actor=acting_user,
            target=article,
            old=old,
            new={**_status(article), "first_published_at": article.first_published_at},
        )
        _on_commit_send(article_published, article, acting_user)
    return article


def do_schedule_article(article: Article, *, when: dt.datetime, acting_user: Actor) -> Article:
    """Publish the article at ``when`` (timezone-aware, in the future); the worker does it.

    Every change of an article's publication time goes through here (the back office's
    buttons and ordinary saves, the importer), so each time gets its task. Nothing changes
    when the article is already scheduled for ``when``. A time in the past is refused, not
    taken as "now": publishing now is ``do_publish_article``.

    Refusals: ``naive_time``, ``time_in_past``, ``already_published``."""
    if timezone.is_naive(when):
        raise ActionRefused("naive_time", _("The publication time needs a time zone."))
    if article.status == Article.Status.SCHEDULED and article.publish_at == when:
        return article
    if when <= clock.now():
        raise ActionRefused("time_in_past", _("The publication time must be in the future."))
    if article.is_published:
        raise ActionRefused("already_published", _("This article is already published."))
    with transaction.atomic():
        _set_status(
            article,
            Article.Status.SCHEDULED,
            when,
            _("scheduled"),
            EventType.ARTICLE_SCHEDULED,
            acting_user,
        )
        # The worker runs the task at that time; a task left over from an earlier schedule
        # finds nothing due and does nothing.
        transaction.on_commit(lambda: publish_due_articles.using(run_after=when).enqueue())
    return article


def do_unpublish_article(article: Article, *, acting_user: Actor) -> Article:
    """Take the article off the site (a scheduled one is no longer scheduled). Refuses nothing."""
    with transaction.atomic():
        was_published = article.is_published
        _set_status(
            article,
            Article.Status.UNPUBLISHED,
            None,
            _("unpublished"),
            EventType.ARTICLE_UNPUBLISHED,
            acting_user,
        )
        if was_published:
            _on_commit_send(article_unpublished, article, acting_user)
    return article


def publish_due(now: dt.datetime | None = None) -> list[Article]:
    """Publish every scheduled article whose time has come (the worker calls this)."""
    now = now or clock.now()
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
            published.append(do_publish_article(article, acting_user=None))
    return published


# RQ's scheduler keeps a task's time in whole seconds, so the task may run up to a second
# before the time it was given (a CI run: the article stayed scheduled). A task that finds an
# article due within this margin queues itself again for just after that article's time.
EARLY_RUN_MARGIN = dt.timedelta(seconds=5)


@task(queue_name=queues.DEFAULT)
def publish_due_articles() -> list[int]:
    """The worker's task: publish what is due; returns the published articles' ids."""
    published = publish_due()
    for article in published:
        logger.info("published scheduled article %s: %s", article.pk, article.headline)
    now = clock.now()
    upcoming = (
        Article.objects.filter(
            status=Article.Status.SCHEDULED,
            publish_at__gt=now,
            publish_at__lte=now + EARLY_RUN_MARGIN,
        )
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    if upcoming is not None and publish_due_articles.get_backend().supports_defer:
        again = upcoming.replace(microsecond=0) + dt.timedelta(seconds=1)
        publish_due_articles.using(run_after=again).enqueue()
    return [article.pk for article in published]
