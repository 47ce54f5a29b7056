"""Whatever way the publication time changes (an ordinary save, the schedule button, the
importer), the article goes out at that time through do_schedule_article and the worker."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.core.models import AuditEvent
from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.testing import make_article, make_section

TASK = "newsdesk.newsroom.actions.publish_due_articles"


@pytest.fixture(autouse=True)
def english_back_office(settings):
    settings.LANGUAGE_CODE = "en"


def change_form(article: Article, when: dt.datetime | None, **extra: str) -> dict:
    """POST data of the article's change form as it stands, with `when` in "Publish at"."""
    local = timezone.localtime(when) if when else None
    data = {
        "section": article.section_id,
        "language": article.language,
        "kicker": article.kicker,
        "headline": article.headline,
        "lead": article.lead,
        "byline": "",
        "slug": article.slug,
        "publish_at_0": local.strftime("%Y-%m-%d") if local else "",
        "publish_at_1": local.strftime("%H:%M:%S") if local else "",
        "canonical_url": "",
        "external_id": "",
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
        "_continue": "1",
    }
    data.update(extra)
    return data


def queued_times() -> list[dt.datetime]:
    return sorted(
        DBTaskResult.objects.filter(task_path=TASK, status="READY").values_list(
            "run_after", flat=True
        )
    )


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0)


@pytest.mark.django_db(transaction=True)
def test_an_earlier_time_saved_with_continue_publishes_at_that_time(client_for):
    article = make_article(publish=False, blocks=[])
    actions.do_schedule_article(
        article, when=timezone.now() + dt.timedelta(hours=1), acting_user=None
    )
    sooner = whole_seconds(timezone.now() + dt.timedelta(seconds=3))
    url = f"/admin/newsroom/article/{article.pk}/change/"
    response = client_for("editor").post(url, change_form(article, sooner))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, sooner)
    assert sooner in queued_times()
    assert AuditEvent.objects.filter(event_type="article.scheduled").count() == 2
    call_command("worker", "--batch")
    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED  # not yet
    time.sleep((sooner - timezone.now()).total_seconds() + 0.3)
    call_command("worker", "--batch")
    assert Article.objects.get(pk=article.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_a_later_time_saved_with_continue_moves_the_publication(client_for):
    article = make_article(publish=False, blocks=[])
    first = timezone.now() + dt.timedelta(seconds=2)
    actions.do_schedule_article(article, when=first, acting_user=None)
    later = whole_seconds(timezone.now() + dt.timedelta(minutes=1))
    url = f"/admin/newsroom/article/{article.pk}/change/"
    assert client_for("editor").post(url, change_form(article, later)).status_code == 302
    assert later in queued_times()
    time.sleep(2.2)
    call_command("worker", "--batch")  # the first time's task finds nothing due
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, later)


@pytest.mark.django_db(transaction=True)
def test_a_time_set_on_a_draft_with_plain_save_schedules_it(client_for):
    article = make_article(publish=False)
    when = whole_seconds(timezone.now() + dt.timedelta(days=1))
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = change_form(article, when, _save="1")
    del data["_continue"]
    assert client_for("editor").post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, when)
    assert when in queued_times()


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_time_queues_nothing_again(client_for):
    article = make_article(publish=False)
    when = whole_seconds(timezone.now() + dt.timedelta(days=1))
    actions.do_schedule_article(article, when=when, acting_user=None)
    before = (len(queued_times()), AuditEvent.objects.filter(event_type="article.scheduled"))
    assert before[0] == 1
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = change_form(article, when, headline="Neue Schlagzeile")
    assert client_for("editor").post(url, data).status_code == 302
    assert len(queued_times()) == before[0]
    assert before[1].count() == 1


@pytest.mark.django_db
def test_a_past_time_is_refused_with_a_clear_message_and_nothing_changes(client_for):
    article = make_article(publish=False)
    when = whole_seconds(timezone.now() + dt.timedelta(days=1))
    actions.do_schedule_article(article, when=when, acting_user=None)
    past = whole_seconds(timezone.now() - dt.timedelta(minutes=5))
    url = f"/admin/newsroom/article/{article.pk}/change/"
    for extra in ({}, {"_schedule": "1"}):
        html = client_for("editor").post(url, change_form(article, past, **extra)).content
        assert "The publication time must be in the future." in html.decode()
        article.refresh_from_db()
        assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, when)


@pytest.mark.django_db
def test_an_overdue_schedule_does_not_block_other_edits(client_for):
    article = make_article(publish=False)
    overdue = whole_seconds(timezone.now() - dt.timedelta(minutes=5))
    Article.objects.filter(pk=article.pk).update(status="scheduled", publish_at=overdue)
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = change_form(article, overdue, headline="Korrigiert")
    assert client_for("editor").post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Korrigiert"


@pytest.mark.django_db
def test_emptying_the_time_takes_the_article_off_the_schedule(client_for):
    article = make_article(publish=False)
    actions.do_schedule_article(
        article, when=timezone.now() + dt.timedelta(days=1), acting_user=None
    )
    url = f"/admin/newsroom/article/{article.pk}/change/"
    response = client_for("editor").post(url, change_form(article, None), follow=True)
    assert "The article is no longer scheduled." in response.content.decode()
    article.refresh_from_db()
    assert article.status != Article.Status.SCHEDULED and article.publish_at is None


@pytest.mark.django_db
def test_a_published_article_cannot_get_a_time(client_for):
    article = make_article()
    when = timezone.now() + dt.timedelta(days=1)
    url = f"/admin/newsroom/article/{article.pk}/change/"
    html = client_for("editor").post(url, change_form(article, when)).content.decode()
    assert "already published; unpublish it before scheduling it" in html
    assert Article.objects.get(pk=article.pk).publish_at is None


@pytest.mark.django_db(transaction=True)
def test_the_importer_schedules_a_future_time_and_reschedules_on_update(tmp_path):
    make_section("politik", "Politik")
    soon = whole_seconds(timezone.now() + dt.timedelta(seconds=2))
    record = {"id": "z-1", "headline": "Zukunft", "section": "politik", "lead": "Kommt."}
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{**record, "published_at": soon.isoformat()}]))
    call_command("import", str(path), stdout=open(tmp_path / "o", "w"))  # noqa: SIM115
    article = Article.objects.get(external_id="z-1")
    assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, soon)
    later = whole_seconds(timezone.now() + dt.timedelta(hours=2))
    path.write_text(json.dumps([{**record, "published_at": later.isoformat()}]))
    call_command("import", str(path), "--update", stdout=open(tmp_path / "o", "w"))  # noqa: SIM115
    article.refresh_from_db()
    assert article.publish_at == later and later in queued_times()
    # Back to a time two seconds ahead: the worker publishes it then.
    sooner = whole_seconds(timezone.now() + dt.timedelta(seconds=2))
    path.write_text(json.dumps([{**record, "published_at": sooner.isoformat()}]))
    call_command("import", str(path), "--update", stdout=open(tmp_path / "o", "w"))  # noqa: SIM115
    time.sleep((sooner - timezone.now()).total_seconds() + 0.3)
    call_command("worker", "--batch")
    assert Article.objects.get(pk=article.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_a_task_that_runs_before_the_articles_time_comes_again_after_it():
    """RQ's scheduler may run the task up to a second early (whole-second times): the task
    finds the article not yet due and queues itself again for just after its time."""
    article = make_article(headline="Gleich", publish=False)
    when = timezone.now() + dt.timedelta(seconds=2, microseconds=500_000)
    actions.do_schedule_article(article, when=when, acting_user=None)
    DBTaskResult.objects.all().delete()
    assert actions.publish_due_articles.call() == []  # early: nothing due yet
    again = queued_times()
    assert len(again) == 1 and when < again[0] <= when + dt.timedelta(seconds=1)
    # Nothing scheduled soon: it does not queue itself.
    DBTaskResult.objects.all().delete()
    actions.do_unpublish_article(Article.objects.get(pk=article.pk), acting_user=None)
    actions.publish_due_articles.call()
    assert queued_times() == []
