"""Internal complaints (Art. 20): the six-month window, who may complain, the different-human
rule, the reversal and who is told."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import trail_of
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal import complaints as rules
from newsdesk.legal.actions.complaints import do_decide_complaint, do_file_complaint
from newsdesk.legal.models import Complaint, Notice
from newsdesk.legal.tests.test_complaints_make import make_moderator, make_notice, make_statement
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Sanction

VIENNA = ZoneInfo("Europe/Vienna")
UTC = dt.UTC


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def removed(comment: Comment, insult: Any, users: dict[str, Any]) -> dict[str, Any]:
    """The reader's comment removed by ``moderator`` after an e-mail notice, a warning on
    their account, and the statement of reasons about both."""
    moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    sanction = moderation.do_impose_sanction(
        users["reader"], kind=Sanction.Kind.WARN, reason=insult, acting_user=users["moderator"]
    )
    notice = make_notice(
        comment=comment,
        email="Notifier@Example.org",
        outcome=Notice.Outcome.ACTIONED,
        decided_by=users["moderator"],
        token="secret-token",
    )
    statement = make_statement(
        users["reader"],
        comment=comment,
        decided_by=users["moderator"],
        notice=notice,
        sanction=sanction,
        sent_at=clock.now(),
    )
    comment.refresh_from_db()
    return {"comment": comment, "sanction": sanction, "notice": notice, "statement": statement}


# --- the window -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 15), dt.date(2026, 9, 15)),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 10, 31), dt.date(2027, 4, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 6, 30)),
    ],
)
def test_six_calendar_months_end_on_the_same_date_or_the_months_last_day(
    day: dt.date, expected: dt.date
) -> None:
    assert rules.add_months(day, 6) == expected


def test_the_window_ends_at_midnight_in_vienna_after_the_same_date_across_dst() -> None:
    # Told in winter time (CET, +01:00); the window closes in summer time (CEST, +02:00).
    told = dt.datetime(2026, 3, 15, 10, 0, tzinfo=VIENNA)
    closes = rules.window_closes(told)
    assert closes == dt.datetime(2026, 9, 16, 0, 0, tzinfo=VIENNA)
    assert closes.astimezone(UTC) == dt.datetime(2026, 9, 15, 22, 0, tzinfo=UTC)
    # Told at 00:30 on 1 April in Vienna, which is still 31 March in UTC: the date that
    # counts is Vienna's, so the window runs to the end of 1 October, not 30 September.
    told = dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    assert rules.window_closes(told) == dt.datetime(2026, 10, 2, 0, 0, tzinfo=VIENNA)
    # Told in summer time, closing in winter time (+01:00).
    told = dt.datetime(2026, 8, 20, 23, 45, tzinfo=VIENNA)
    assert rules.window_closes(told).astimezone(UTC) == dt.datetime(2027, 2, 20, 23, 0, tzinfo=UTC)


def test_a_complaint_on_the_last_day_is_accepted_and_the_next_day_refused(
    removed: dict[str, Any], users: dict[str, Any]
) -> None:
    statement = removed["statement"]
    statement.sent_at = dt.datetime(2026, 3, 15, 10, 0, tzinfo=VIENNA)
    statement.save(update_fields=["sent_at"])
    clock.set_now(dt.datetime(2026, 9, 16, 0, 0, tzinfo=VIENNA))  # the day after: too late
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(statement, text="Unfair.", acting_user=users["reader"])
    assert refused.value.code == "window_closed" and refused.value.status == 403
    assert "Sept. 15, 2026" in refused.value.message
    assert not Complaint.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.COMPLAINT_FILED).exists()
    clock.set_now(dt.datetime(2026, 9, 15, 23, 59, 59, tzinfo=VIENNA))  # the last day
    complaint = do_file_complaint(statement, text="Unfair.", acting_user=users["reader"])
    assert complaint.side == Complaint.Side.AFFECTED and complaint.complainant == users["reader"]


def test_without_an_email_the_window_counts_from_the_statement(
    removed: dict[str, Any], users: dict[str, Any]
) -> None:
    statement = removed["statement"]
    statement.sent_at = None
    statement.created_at = dt.datetime(2026, 1, 31, 12, 0, tzinfo=VIENNA)
    statement.save(update_fields=["sent_at", "created_at"])
    clock.set_now(dt.datetime(2026, 7, 31, 23, 0, tzinfo=VIENNA))
    assert do_file_complaint(statement, text="No.", acting_user=users["reader"])
    assert rules.window_closes(statement.created_at) == dt.datetime(2026, 8, 1, tzinfo=VIENNA)


def test_a_notifier_counts_from_being_told_of_the_decision(
    comment: Comment, users: dict[str, Any]
) -> None:
    notice = make_notice(
        comment=comment,
        email="n@example.org",
        outcome=Notice.Outcome.NO_ACTION,
        decided_by=users["moderator"],
        decided_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=VIENNA),
        told_at=dt.datetime(2026, 5, 2, 9, 0, tzinfo=VIENNA),
        token="tok",
    )
    clock.set_now(dt.datetime(2026, 11, 2, 23, 59, tzinfo=VIENNA))
    assert do_file_complaint(notice, text="It is an insult.", acting_user=None, token="tok")


# --- who may complain -------------------------------------------------------------------


def test_a_stranger_cannot_complain_and_nothing_is_stored(
    removed: dict[str, Any], users: dict[str, Any]
) -> None:
    for who, code in [("other_reader", "not_yours"), ("moderator", "not_yours")]:
        with pytest.raises(ActionRefused) as refused:
            do_file_complaint(removed["statement"], text="Hm.", acting_user=users[who])
        assert refused.value.code == code and refused.value.status == 403
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(removed["statement"], text="Hm.", acting_user=None)
    assert refused.value.code == "login_required"
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(removed["notice"], text="Hm.", acting_user=None, token="guess")
    assert refused.value.code == "not_yours"
    assert not Complaint.objects.exists()


def test_an_open_notice_cannot_be_complained_about_yet(
    comment: Comment, users: dict[str, Any]
) -> None:
    notice = make_notice(comment=comment, notifier=users["other_reader"])
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(notice, text="Decide!", acting_user=users["other_reader"])
    assert refused.value.code == "not_decided"


def test_one_complaint_per_decision_and_an_empty_one_is_refused(
    removed: dict[str, Any], users: dict[str, Any]
) -> None:
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(removed["statement"], text="   ", acting_user=users["reader"])
    assert refused.value.code == "text_needed"
    do_file_complaint(removed["statement"], text="Wrong.", acting_user=users["reader"])
    with pytest.raises(ActionRefused) as refused:
        do_file_complaint(removed["statement"], text="Again.", acting_user=users["reader"])
    assert refused.value.code == "complained_already"
    assert Complaint.objects.count() == 1


def test_filing_is_audited_and_confirmed_by_email(
    removed: dict[str, Any],
    users: dict[str, Any],
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = do_file_complaint(
            removed["statement"], text="I only quoted him.", acting_user=users["reader"]
        )
    event = trail_of(complaint).get(event_type=EventType.COMPLAINT_FILED)
    assert event.actor == users["reader"] and event.new_value["side"] == "affected"
    [confirmation] = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert "has arrived" in confirmation.subject
    assert "I only quoted him." in confirmation.body
    assert f"/legal/statements/{removed['statement'].pk}/complaint/" in confirmation.body


# --- deciding ---------------------------------------------------------------------------


def test_the_moderator_who_decided_cannot_decide_the_complaint_nor_can_the_system(
    removed: dict[str, Any], users: dict[str, Any]
) -> None:
    complaint = do_file_complaint(removed["statement"], text="No.", acting_user=users["reader"])
    cases = [
        (users["moderator"], "same_moderator"),
        (None, "human_needed"),
        (users["reader"], "forbidden"),
        (users["editor"], "forbidden"),
    ]
    for who, code in cases:
        with pytest.raises(ActionRefused) as refused:
            do_decide_complaint(complaint, upheld=True, answer="Yes.", acting_user=who)
        assert refused.value.code == code
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    assert not AuditEvent.objects.filter(event_type=EventType.COMPLAINT_DECIDED).exists()
    # Whoever imposed the sanction, or decided the notice, is excluded too.
    other = make_moderator()
    Sanction.objects.filter(pk=removed["sanction"].pk).update(created_by=other)
    with pytest.raises(ActionRefused) as refused:
        do_decide_complaint(complaint, upheld=True, answer="Yes.", acting_user=other)
    assert refused.value.code == "same_moderator"


def test_an_upheld_complaint_brings_the_comment_back_lifts_the_sanction_and_tells_both(
    removed: dict[str, Any],
    users: dict[str, Any],
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = do_file_complaint(
        removed["statement"], text="It was irony.", acting_user=users["reader"]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_complaint(
            complaint,
            upheld=True,
            answer="Read in context, the comment is irony, not an insult.",
            acting_user=users["admin"],
        )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UPHELD and complaint.decided_by == users["admin"]
    comment = Comment.objects.get(pk=removed["comment"].pk)
    assert comment.status == Comment.Status.VISIBLE
    sanction = Sanction.objects.get(pk=removed["sanction"].pk)
    assert sanction.lifted_at is not None and sanction.lifted_by == users["admin"]
    removed["statement"].refresh_from_db()
    assert removed["statement"].reversed_at == clock.now()
    event = trail_of(complaint).get(event_type=EventType.COMPLAINT_DECIDED)
    assert event.actor == users["admin"]
    assert event.new_value["comment_restored"] == comment.pk
    assert event.new_value["sanction_lifted"] == sanction.pk
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"reader@example.org", "notifier@example.org"}
    answer = by_recipient["reader@example.org"]
    assert "upheld" in answer.body and "irony, not an insult" in answer.body
    assert "out-of-court dispute settlement" in answer.body
    other_side = by_recipient["notifier@example.org"]
    assert removed["notice"].reference in other_side.body
    assert "shown again" in other_side.body and "irony, not an insult" in other_side.body


def test_a_rejected_complaint_changes_nothing_and_both_are_told(
    removed: dict[str, Any],
    users: dict[str, Any],
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint = do_file_complaint(removed["statement"], text="No.", acting_user=users["reader"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_complaint(
            complaint, upheld=False, answer="It insults a reader.", acting_user=users["admin"]
        )
    assert Comment.objects.get(pk=removed["comment"].pk).status == Comment.Status.REJECTED
    assert Sanction.objects.get(pk=removed["sanction"].pk).lifted_at is None
    removed["statement"].refresh_from_db()
    assert removed["statement"].reversed_at is None
    assert sorted(message.to[0] for message in mail.outbox) == [
        "notifier@example.org",
        "reader@example.org",
    ]
    assert all("stands" in m.body or "rejected" in m.body for m in mail.outbox)
    with pytest.raises(ActionRefused) as refused:
        do_decide_complaint(complaint, upheld=True, answer="Oops.", acting_user=users["admin"])
    assert refused.value.code == "already_decided"


def test_a_notifiers_upheld_complaint_removes_the_comment_for_the_chosen_reason(
    comment: Comment,
    insult: Any,
    users: dict[str, Any],
    immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    notice = make_notice(
        comment=comment,
        email="anon@example.org",
        outcome=Notice.Outcome.NO_ACTION,
        decided_by=users["moderator"],
        token="tok-123",
    )
    complaint = do_file_complaint(
        notice, text="It is an insult!", acting_user=None, token="tok-123"
    )
    assert complaint.side == Complaint.Side.NOTIFIER
    assert complaint.complainant is None and complaint.complainant_email == "anon@example.org"
    with pytest.raises(ActionRefused) as refused:
        do_decide_complaint(complaint, upheld=True, answer="Right.", acting_user=users["admin"])
    assert refused.value.code == "reason_needed"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_complaint(
            complaint,
            upheld=True,
            answer="On a second look the comment insults a reader.",
            reason=insult,
            acting_user=users["admin"],
        )
    comment.refresh_from_db()
    notice.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.moderation_case.decided_by == users["admin"]
    assert notice.outcome == Notice.Outcome.ACTIONED
    complaint.refresh_from_db()
    assert complaint.removal_reason == insult
    recipients = [message.to[0] for message in mail.outbox]
    assert "anon@example.org" in recipients  # the complainant's answer
    # The author: the statement of reasons, and the answer to the other side (in German).
    to_author = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    assert any("Ihr Kommentar wurde entfernt" in m.body for m in to_author)
    assert any("Begründung einer Moderationsentscheidung" in m.subject for m in to_author)


def test_a_notice_about_an_article_is_reopened_when_the_complaint_is_upheld(
    db: Any, insult: Any, users: dict[str, Any]
) -> None:
    notice = make_notice(
        notifier=users["other_reader"],
        outcome=Notice.Outcome.NO_ACTION,
        decided_by=users["moderator"],
    )
    complaint = do_file_complaint(notice, text="Check it.", acting_user=users["other_reader"])
    do_decide_complaint(
        complaint, upheld=True, answer="We look again.", reason=insult, acting_user=users["admin"]
    )
    notice.refresh_from_db()
    assert notice.status == Notice.Status.OPEN and notice.outcome == ""
