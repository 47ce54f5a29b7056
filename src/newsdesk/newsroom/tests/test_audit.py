"""Every newsroom action leaves its row in the audit trail (and a refused one leaves none)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.core.audit import EventType, trail_of
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent
from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db


def kinds(article: Article) -> list[str]:
    return list(trail_of(article).order_by("id").values_list("event_type", flat=True))


def test_publish_records_who_and_the_change_of_status(users):
    article = make_article(publish=False)
    actions.do_publish_article(article, acting_user=users["editor"])
    event = trail_of(article).get(event_type=EventType.ARTICLE_PUBLISHED)
    assert event.actor == users["editor"]
    assert event.old_value["status"] == Article.Status.DRAFT
    assert event.new_value["status"] == Article.Status.PUBLISHED
    assert event.new_value["first_published_at"]
    assert event.target_label == article.headline


def test_schedule_and_unpublish_are_recorded_with_the_time(users):
    article = make_article(publish=False)
    when = timezone.now() + dt.timedelta(hours=2)
    actions.do_schedule_article(article, when=when, acting_user=users["editor"])
    actions.do_unpublish_article(article, acting_user=users["admin"])
    scheduled = trail_of(article).get(event_type=EventType.ARTICLE_SCHEDULED)
    assert scheduled.new_value == {"status": "scheduled", "publish_at": when.isoformat()}
    unpublished = trail_of(article).get(event_type=EventType.ARTICLE_UNPUBLISHED)
    assert unpublished.actor == users["admin"]
    assert unpublished.old_value["status"] == "scheduled"
    assert unpublished.new_value == {"status": "unpublished", "publish_at": None}


def test_saving_records_the_changed_parts_and_nothing_when_nothing_changed(users):
    article = make_article(publish=False)
    actions.do_save_article(article, acting_user=users["editor"])
    article.headline = "Eine neue Schlagzeile"
    article.save()
    actions.do_save_article(article, acting_user=users["editor"])
    assert actions.do_save_article(article, acting_user=users["editor"]) is None
    saved = trail_of(article).filter(event_type=EventType.ARTICLE_SAVED).order_by("id")
    assert saved.count() == 2
    assert saved.last().new_value["changed"] == ["headline"]


def test_a_refused_action_records_nothing():
    article = make_article(publish=False, blocks=[("paragraph", "x")])
    article.blocks.all().delete()
    Article.objects.filter(pk=article.pk).update(lead="")
    article.refresh_from_db()
    with pytest.raises(ActionRefused) as refused:
        actions.do_publish_article(article, acting_user=None)
    assert refused.value.code == "empty_article"
    with pytest.raises(ActionRefused) as refused:
        actions.do_schedule_article(
            article, when=timezone.now() - dt.timedelta(minutes=1), acting_user=None
        )
    assert refused.value.code == "time_in_past"
    assert not AuditEvent.objects.exists()


def test_the_worker_publishing_a_due_article_is_recorded_as_the_system():
    article = make_article(publish=False)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() - dt.timedelta(seconds=1)
    )
    actions.publish_due()
    event = trail_of(article).get(event_type=EventType.ARTICLE_PUBLISHED)
    assert event.actor is None


def test_the_importer_and_the_demo_publish_through_the_actions(tmp_path):
    from django.core.management import call_command

    source = tmp_path / "one.json"
    source.write_text(
        '[{"id": "a-1", "headline": "Importiert", "lead": "Ein Vorspann.",'
        ' "section": "politik", "body_html": "<p>Text.</p>"}]',
        encoding="utf-8",
    )
    call_command("import", str(source), "--create-sections", verbosity=0)
    imported = Article.objects.get(headline="Importiert")
    assert kinds(imported) == [EventType.ARTICLE_SAVED, EventType.ARTICLE_PUBLISHED]
    call_command("load_demo_content", verbosity=0)
    demo = Article.objects.exclude(pk=imported.pk).filter(status="published").first()
    assert demo is not None and EventType.ARTICLE_PUBLISHED in kinds(demo)


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator"])
def test_the_trail_page_of_an_article_is_for_staff_who_may_see_it(client_for, role):
    article = make_article()
    response = client_for(role).get(f"/admin/newsroom/article/{article.pk}/history/")
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_see_an_articles_trail(client_for, users, role):
    article = make_article(publish=False)
    actions.do_publish_article(article, acting_user=users["editor"])
    response = client_for(role).get(f"/admin/newsroom/article/{article.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="audit-trail"' in page
    assert "Artikel veröffentlicht" in page and "editor" in page  # the back office is German
