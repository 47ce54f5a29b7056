"""Publishing actions, revisions, signals and scheduled publishing through the real worker."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.signals import article_published, article_unpublished, article_updated
from newsdesk.newsroom.testing import make_article


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def received():
    events: list[tuple[str, int]] = []

    def listener(name):
        return lambda sender, article, **kw: events.append((name, article.pk))

    handlers = {
        "published": listener("published"),
        "updated": listener("updated"),
        "unpublished": listener("unpublished"),
    }
    article_published.connect(handlers["published"])
    article_updated.connect(handlers["updated"])
    article_unpublished.connect(handlers["unpublished"])
    yield events
    article_published.disconnect(handlers["published"])
    article_updated.disconnect(handlers["updated"])
    article_unpublished.disconnect(handlers["unpublished"])


@pytest.mark.django_db(transaction=True)
def test_signals_follow_the_article_life(received):
    article = make_article(publish=False)
    actions.do_publish_article(article, acting_user=None)
    article.headline = "Neu"
    article.save()
    actions.do_save_article(article, acting_user=None)
    actions.do_save_article(article, acting_user=None)  # nothing changed: no second update
    actions.do_unpublish_article(article, acting_user=None)
    assert received == [
        ("published", article.pk),
        ("updated", article.pk),
        ("unpublished", article.pk),
    ]


@pytest.mark.django_db
def test_republishing_keeps_first_publication_time():
    article = make_article()
    first = article.first_published_at
    actions.do_unpublish_article(article, acting_user=None)
    actions.do_publish_article(article, acting_user=None)
    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.last_updated_at > first


@pytest.mark.django_db
def test_revision_records_only_real_changes():
    article = make_article(publish=False)
    assert actions.do_save_article(article, acting_user=None) is not None  # first revision
    assert actions.do_save_article(article, acting_user=None) is None
    article.lead = "Neuer Vorspann"
    article.save()
    revision = actions.do_save_article(article, acting_user=None)
    assert revision is not None and revision.changed == ["lead"]


@pytest.mark.django_db
def test_schedule_refuses_past_naive_and_published(english):
    article = make_article(publish=False)
    with pytest.raises(ValidationError, match="must be in the future"):
        actions.do_schedule_article(
            article, when=timezone.now() - dt.timedelta(minutes=1), acting_user=None
        )
    with pytest.raises(ValidationError, match="needs a time zone"):
        actions.do_schedule_article(article, when=dt.datetime(2030, 1, 1, 8, 0), acting_user=None)
    published = make_article()
    with pytest.raises(ValidationError, match="already published"):
        actions.do_schedule_article(
            published, when=timezone.now() + dt.timedelta(hours=1), acting_user=None
        )


@pytest.mark.django_db
def test_publish_due_publishes_each_article_once():
    article = make_article(publish=False)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert [a.pk for a in actions.publish_due()] == [article.pk]
    assert actions.publish_due() == []
    assert Article.objects.get(pk=article.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_worker_publishes_a_scheduled_article_at_its_time(client):
    article = make_article(publish=False)
    actions.do_schedule_article(
        article, when=timezone.now() + dt.timedelta(seconds=2), acting_user=None
    )
    call_command("worker", "--batch")
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED  # not yet: the task waits for its time
    assert client.get(article.get_absolute_url()).status_code == 404
    time.sleep(2.2)
    call_command("worker", "--batch")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_worker_start_catches_up_on_overdue_articles():
    article = make_article(publish=False)
    # As if the worker had been down when the article was due (and its task was lost).
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() - dt.timedelta(hours=1)
    )
    call_command("worker", "--batch")
    assert Article.objects.get(pk=article.pk).is_published


@pytest.mark.django_db
def test_refusals_are_translated_to_german(english):
    translation.activate("de")  # undone by the english fixture's override
    with pytest.raises(ValidationError, match="muss in der Zukunft liegen"):
        actions.do_schedule_article(
            make_article(publish=False),
            when=timezone.now() - dt.timedelta(minutes=1),
            acting_user=None,
        )
