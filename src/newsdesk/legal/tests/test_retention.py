"""Retention: each period removes what it names, records under a hold stay, one run a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import record_event
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal import tasks
from newsdesk.legal.actions.authorities import (
    do_close_authority_case,
    do_export_evidence,
    do_open_authority_case,
)
from newsdesk.legal.actions.holds import place_hold
from newsdesk.legal.models import EvidencePackage, Notice, RestrictedRecord, Statement
from newsdesk.legal.retention import enforce_retention, retention_due

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def periods(settings: Any) -> None:
    settings.NEWSDESK_LEGAL_RETENTION_ADDRESS_DAYS = 30
    settings.NEWSDESK_LEGAL_RETENTION_NOTICE_DAYS = 60
    settings.NEWSDESK_LEGAL_RETENTION_STATEMENT_DAYS = 90
    settings.NEWSDESK_LEGAL_RETENTION_EVIDENCE_DAYS = 25


def post(conversation: Any, user: Any, text: str) -> Comment:
    comment = community.do_post_comment(conversation, text_value=text, acting_user=user)
    Comment.objects.filter(pk=comment.pk).update(ip_address="192.0.2.7")
    return comment


def test_each_period_removes_what_it_names_and_spares_held_records(
    periods: None, comment: Any, users: dict[str, Any]
) -> None:
    start = clock.now()
    reader, other = users["reader"], users["other_reader"]
    Comment.objects.filter(pk=comment.pk).update(ip_address="192.0.2.1")
    mine_later = post(comment.conversation, other, "Ein anderer Beitrag.")
    held = post(comment.conversation, other, "Ein gehaltener Beitrag.")
    place_hold(kind="notice", reference="notice N-5", comment=held, acting_user=None)
    notice = Notice.objects.create(
        reference="N-5",
        category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        explanation="x",
        notifier=reader,
        notifier_name="Real Name",
        notifier_email="n@example.org",
        language="de",
        received_at=start,
        address_hash="ab" * 32,
        status=Notice.Status.DECIDED,
        decided_at=start,
        access_token="secret",
    )
    statement = Statement.objects.create(
        puid="sor-9",
        user=reader,
        comment=comment,
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        content_date=start.date(),
        application_date=start.date(),
        decision_facts="f",
        source_type="SOURCE_VOLUNTARY",
        created_at=start,
        language="de",
    )
    with clock_at(start):
        from django.db import transaction

        with transaction.atomic():
            record_event(EventType.PROFILE_CHANGED, actor=reader, new={}, address="198.51.100.1")
    case = do_open_authority_case(
        kind="threat", description="x", comment=comment, acting_user=users["moderator"]
    )
    package = do_export_evidence(case, acting_user=users["moderator"])
    do_close_authority_case(case, acting_user=users["moderator"])

    # Day 20: nothing is old enough.
    counts = enforce_retention(now=start + 20 * DAY)
    assert counts["comment_addresses"] == 0 and counts["evidence_packages"] == 0

    # Day 31: addresses (but not the held comment's), hashes of notices and the trail; the
    # evidence of the closed case (25 days).
    counts = enforce_retention(now=start + 31 * DAY)
    assert counts["comment_addresses"] == 2  # the reported comment and the other one
    assert counts["notice_address_hashes"] == 1 and counts["audit_address_hashes"] >= 1
    assert counts["evidence_packages"] == 1 and counts["notices"] == 0
    assert Comment.objects.get(pk=held.pk).ip_address == "192.0.2.7"  # held
    assert Comment.objects.get(pk=mine_later.pk).ip_address is None
    package.refresh_from_db()
    assert package.content is None and package.purged_at is not None and package.sha256
    assert (
        not AuditEvent.objects.exclude(address_hash="").filter(created_at__lt=start + DAY).exists()
    )

    # Day 61: the notifier's data goes, the notice stays.
    counts = enforce_retention(now=start + 61 * DAY)
    assert counts["notices"] == 1
    notice.refresh_from_db()
    assert (notice.notifier_name, notice.notifier_email, notice.notifier, notice.access_token) == (
        "",
        "",
        None,
        "",
    )
    assert notice.category and notice.outcome == ""

    # Day 91: the statement is unlinked, not deleted.
    counts = enforce_retention(now=start + 91 * DAY)
    assert counts["statements"] == 1
    statement.refresh_from_db()
    assert statement.user is None and statement.comment is None and statement.puid == "sor-9"

    runs = AuditEvent.objects.filter(event_type=EventType.DATA_PURGED, new_value__why="retention")
    assert runs.count() == 4
    assert EvidencePackage.objects.count() == 1


def test_restricted_records_are_purged_when_their_hold_expires(
    periods: None, comment: Any, users: dict[str, Any]
) -> None:
    until = clock.now() + 5 * DAY
    place_hold(
        kind="complaint", reference="complaint 3", comment=comment, until=until, acting_user=None
    )
    community.do_delete_account(users["reader"], acting_user=users["reader"])
    record = RestrictedRecord.objects.get()
    counts = enforce_retention(now=until - DAY)
    assert counts["restricted_comments"] == 0
    counts = enforce_retention(now=until)
    assert counts["restricted_comments"] == 1
    record.refresh_from_db()
    assert record.data == {} and record.purged_at == until


def test_retention_runs_at_most_once_a_day(
    periods: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    start = clock.now()
    assert retention_due(start)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        tasks.sweep()
    assert len(queued) == 1
    assert not retention_due(start)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        tasks.sweep()
    assert queued == []  # not due: nothing queued
    assert tasks.enforce_retention.call() == {}  # done for today
    runs = AuditEvent.objects.filter(event_type=EventType.DATA_PURGED)
    assert runs.count() == 1
    assert retention_due(clock.now() + DAY + dt.timedelta(seconds=1))


def test_no_retention_run_when_data_rights_are_off(
    periods: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["data_rights"]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        tasks.sweep()
    assert queued == []
    assert tasks.enforce_retention.call() == {}
    assert not AuditEvent.objects.filter(event_type=EventType.DATA_PURGED).exists()


class clock_at:  # noqa: N801 - a context manager used like a function
    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __enter__(self) -> None:
        self.before = clock.now()
        clock.set_now(self.when)

    def __exit__(self, *exc: object) -> None:
        clock.set_now(self.before)
