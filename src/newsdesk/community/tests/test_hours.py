"""Opening hours: weekly schedule in Vienna time, exception dates, overrides, DST, messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from newsdesk.community import actions, hours
from newsdesk.community.models import (
    ClosedPeriod,
    Comment,
    Conversation,
    Mode,
    ScheduleException,
    SectionPolicy,
)
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def state_at(at: dt.datetime, conversation=None, article=None) -> hours.OpeningState:
    return hours.opening_state(conversation, article=article, at=at, fresh=True)


def test_default_schedule_is_closed_from_midnight_to_six_vienna_time():
    assert not state_at(vienna(2026, 11, 27, 0, 0)).can_post
    assert not state_at(vienna(2026, 11, 27, 5, 59)).can_post
    assert state_at(vienna(2026, 11, 27, 6, 0)).can_post
    assert state_at(vienna(2026, 11, 27, 23, 59)).can_post
    closed = state_at(vienna(2026, 11, 27, 1, 0))
    assert closed.next_open == vienna(2026, 11, 27, 6, 0)
    assert closed.can_vote  # reading and voting stay possible


def test_closed_message_names_six_oclock_in_german_and_english():
    closed = state_at(vienna(2026, 11, 27, 1, 0))
    with translation.override("de"):
        assert closed.message == (
            "Die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung."
        )
    with translation.override("en"):
        assert closed.message == "The comment function will be available again from 6 a.m."


def test_message_with_minutes_and_for_the_next_day():
    ClosedPeriod.objects.all().delete()
    ClosedPeriod.objects.create(starts=dt.time(22, 0), ends=dt.time(6, 30))
    late = state_at(vienna(2026, 11, 27, 23, 0))
    assert late.next_open == vienna(2026, 11, 28, 6, 30)
    with translation.override("de"):
        assert "morgen ab 6:30 Uhr" in late.message
    with translation.override("en"):
        assert late.message == (
            "The comment function will be available again tomorrow from 6:30 a.m."
        )
    assert not state_at(vienna(2026, 11, 28, 3, 0)).can_post
    assert state_at(vienna(2026, 11, 28, 6, 30)).can_post


@pytest.mark.parametrize("day", [dt.date(2026, 3, 29), dt.date(2026, 10, 25)])
def test_schedule_follows_vienna_wall_clock_across_dst_changes(day):
    """On the March and October change days the night is 5 or 7 hours long, and 06:00 is
    still 06:00 Vienna time (04:00 or 05:00 UTC)."""
    at_one = dt.datetime.combine(day, dt.time(1, 0), tzinfo=hours.ZoneInfo("Europe/Vienna"))
    closed = state_at(at_one)
    assert not closed.can_post
    opens = closed.next_open
    assert opens is not None
    local = opens.astimezone(hours.ZoneInfo("Europe/Vienna"))
    assert (local.hour, local.minute) == (6, 0) and local.date() == day
    expected_utc = 4 if day.month == 3 else 5
    assert opens.astimezone(UTC).hour == expected_utc
    assert state_at(opens).can_post
    assert not state_at(opens - dt.timedelta(seconds=1)).can_post
    # Midnight in UTC terms differs by an hour between the two seasons; the closing still
    # starts at local midnight.
    night = dt.datetime.combine(day, dt.time(0, 0), tzinfo=hours.ZoneInfo("Europe/Vienna"))
    assert not state_at(night).can_post
    assert state_at(night - dt.timedelta(seconds=1)).can_post


def test_closed_period_inside_the_skipped_hour_in_march():
    ClosedPeriod.objects.all().delete()
    ClosedPeriod.objects.create(weekday=6, starts=dt.time(2, 0), ends=dt.time(2, 30))
    # 2026-03-29 02:00-03:00 does not exist in Vienna; the period must not swallow the day.
    assert state_at(vienna(2026, 3, 29, 12, 0)).can_post
    assert state_at(dt.datetime(2026, 3, 29, 3, 0, tzinfo=UTC)).can_post


def test_exception_dates_close_or_open_whole_days():
    ScheduleException.objects.create(
        date=dt.date(2026, 12, 24), kind="closed", note="Heiliger Abend"
    )
    ScheduleException.objects.create(date=dt.date(2026, 12, 31), kind="open", note="Silvester")
    closed = state_at(vienna(2026, 12, 24, 15, 0))
    assert not closed.can_post
    # Closed all of the 24th and 00:00-06:00 of the 25th: opens on the 25th at six.
    assert closed.next_open == vienna(2026, 12, 25, 6, 0)
    with translation.override("en"):
        assert closed.message == (
            "The comment function will be available again tomorrow from 6 a.m."
        )
    assert state_at(vienna(2026, 12, 31, 3, 0)).can_post


def test_message_names_the_day_when_closed_for_longer():
    for offset in range(3):
        ScheduleException.objects.create(date=dt.date(2026, 12, 24) + dt.timedelta(days=offset))
    closed = state_at(vienna(2026, 12, 24, 10, 0))
    assert closed.next_open == vienna(2026, 12, 27, 6, 0)
    with translation.override("de"):
        assert "am Sonntag, 27. Dezember ab 6 Uhr" in closed.message
    with translation.override("en"):
        assert "on Sunday, December 27 from 6 a.m." in closed.message


def test_section_and_article_overrides(article):
    conversation = actions.conversation_for_article(article)
    night = vienna(2026, 11, 27, 2, 0)
    SectionPolicy.objects.create(section=article.section, mode=Mode.OPEN)
    assert state_at(night, conversation).can_post
    conversation.mode = Mode.CLOSED
    conversation.save()
    closed = state_at(vienna(2026, 11, 27, 12, 0), conversation)
    assert not closed.can_post and closed.can_vote and closed.next_open is None
    conversation.mode = Mode.ARCHIVE
    conversation.save()
    archived = state_at(vienna(2026, 11, 27, 12, 0), conversation)
    assert not archived.can_post and not archived.can_vote
    conversation.mode = Mode.CLOSES_AFTER
    conversation.closes_after_days = 3
    conversation.save()
    published = article.first_published_at
    # Before the N days are over the site-wide schedule decides (open or night-closed).
    assert state_at(published + dt.timedelta(days=2, hours=23), conversation).reason in (
        "open",
        "schedule",
    )
    expired = state_at(published + dt.timedelta(days=3, seconds=1), conversation)
    assert expired.reason == "expired" and not expired.can_post


def test_server_refuses_posts_while_closed_and_keeps_nothing(client_for, article):
    clock.set_now(vienna(2026, 11, 27, 1, 0))
    response = client_for("reader").post(
        f"/de/community/article/{article.pk}/comments/", {"text": "Nachtgedanke"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "ab 6 Uhr wieder wie gewohnt" in html
    assert "Nachtgedanke" in html  # the text is given back
    assert not Comment.objects.exists()
    page = client_for("reader").get(article.get_absolute_url()).content.decode()
    assert "ab 6 Uhr wieder wie gewohnt zur Verfügung" in page
    assert 'name="text"' not in page
    clock.set_now(vienna(2026, 11, 27, 7, 0))
    response = client_for("reader").post(
        f"/de/community/article/{article.pk}/comments/", {"text": "Morgengedanke"}
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == "Morgengedanke"


def test_voting_stays_possible_while_closed_but_not_in_the_archive(users, article):
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="Tagsüber", acting_user=users["reader"]
    )
    with clock.frozen(vienna(2026, 11, 28, 2, 0)):
        actions.do_vote(comment, value=1, acting_user=users["other_reader"])
        Conversation.objects.filter(pk=conversation.pk).update(mode=Mode.ARCHIVE)
        comment = Comment.objects.select_related("conversation").get(pk=comment.pk)
        with pytest.raises(actions.CommentRefused) as refused:
            actions.do_vote(comment, value=-1, acting_user=users["other_reader"])
    assert refused.value.code == "archived"


def test_clock_refuses_naive_times():
    with pytest.raises(ValueError):
        clock.set_now(dt.datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001
