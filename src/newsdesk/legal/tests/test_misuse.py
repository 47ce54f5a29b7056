"""Misuse (Art. 23): warning, then suspension, for accounts with manifestly illegal content and
for notifiers with manifestly unfounded notices; the policy from the settings; the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from newsdesk.core import clock
from newsdesk.core.audit import address_hash
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal import misuse, misuse_steps
from newsdesk.legal.models import MisuseMeasure, Notice, TrustedFlagger
from newsdesk.legal.tdb import DecisionGround
from newsdesk.legal.tests.conftest import NOON
from newsdesk.legal.tests.test_complaints_make import make_notice, make_statement
from newsdesk.moderation.models import Sanction

ILLEGAL = DecisionGround.ILLEGAL_CONTENT
HASH = address_hash("203.0.113.7")
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.fixture(autouse=True)
def policy(settings: Any) -> Any:
    """Two items within 30 days: a warning; two more: a suspension of 7 days."""
    settings.NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS = 2
    settings.NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES = 2
    settings.NEWSDESK_LEGAL_MISUSE_DAYS = 30
    settings.NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS = 7
    clock.set_now(NOON)
    yield settings
    clock.set_now(None)


def later(days: float) -> None:
    clock.set_now(clock.now() + dt.timedelta(days=days))


def illegal(users: dict[str, Any], **extra: Any) -> Any:
    statement = make_statement(
        users["reader"], decided_by=users["moderator"], ground=ILLEGAL, **extra
    )
    return statement, misuse_steps.after_statement(statement)


def test_the_documented_defaults(settings: Any) -> None:
    from newsdesk import settings as defaults

    assert defaults.NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS == 3
    assert defaults.NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES == 5
    assert defaults.NEWSDESK_LEGAL_MISUSE_DAYS == 90
    assert defaults.NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS == 30
    assert defaults.NEWSDESK_LEGAL_MISUSE_REASON == "illegal"


def test_an_account_is_warned_then_suspended(users: dict[str, Any]) -> None:
    first, step = illegal(users)
    assert step is None
    later(1)
    second, warning = illegal(users)
    assert warning is not None and warning.step == MisuseMeasure.Step.WARNING
    assert warning.kind == MisuseMeasure.Kind.POSTER and warning.user == users["reader"]
    assert warning.items == {"statements": [first.pk, second.pk]}
    assert warning.sanction is not None and warning.sanction.kind == Sanction.Kind.WARN
    assert warning.sanction.created_by == users["moderator"]
    assert warning.sanction.reason.code == "illegal"
    assert "Art. 23" in warning.sanction.note
    later(1)
    _third, step = illegal(users)
    assert step is None  # the items before the warning do not count again
    later(1)
    _fourth, suspension = illegal(users)
    assert suspension is not None and suspension.step == MisuseMeasure.Step.SUSPENSION
    assert suspension.sanction is not None and suspension.sanction.kind == Sanction.Kind.SUSPEND
    assert suspension.ends_at == clock.now() + dt.timedelta(days=7)
    assert suspension.sanction.ends_at == suspension.ends_at
    events = AuditEvent.objects.filter(event_type=EventType.MISUSE_MEASURE).order_by("pk")
    assert [event.new_value["step"] for event in events] == ["warning", "suspension"]
    assert events[1].actor == users["moderator"]


def test_what_does_not_count_for_an_account(users: dict[str, Any]) -> None:
    # Netiquette grounds, reversed statements, statements about the account itself, and
    # statements the system issued alone.
    assert (
        misuse_steps.after_statement(make_statement(users["reader"], decided_by=users["moderator"]))
        is None
    )
    reversed_one = make_statement(
        users["reader"], decided_by=users["moderator"], ground=ILLEGAL, reversed_at=clock.now()
    )
    assert misuse_steps.after_statement(reversed_one) is None
    _, step = illegal(users)
    assert step is None
    system = make_statement(users["reader"], decided_by=None, ground=ILLEGAL)
    assert misuse_steps.after_statement(system) is None
    assert not MisuseMeasure.objects.exists()


def test_items_older_than_the_period_are_forgotten(users: dict[str, Any]) -> None:
    illegal(users)
    later(31)
    _, step = illegal(users)
    assert step is None
    later(1)
    _, step = illegal(users)
    assert step is not None and step.step == MisuseMeasure.Step.WARNING


def test_a_warning_older_than_the_period_leads_to_a_new_warning(users: dict[str, Any]) -> None:
    illegal(users)
    _, warning = illegal(users)
    assert warning is not None
    later(40)
    illegal(users)
    _, step = illegal(users)
    assert step is not None and step.step == MisuseMeasure.Step.WARNING


def unfounded(**values: Any) -> tuple[Notice, MisuseMeasure | None]:
    notice = make_notice(outcome=Notice.Outcome.UNFOUNDED, **values)
    return notice, misuse_steps.after_unfounded_notice(notice)


def test_a_notifier_is_warned_then_suspended_and_told_each_time(
    users: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    mail.outbox.clear()
    first, step = unfounded(email="Spammer@Example.org", address_hash=HASH)
    assert step is None
    later(1)
    with django_capture_on_commit_callbacks(execute=True):
        second, warning = unfounded(email="spammer@example.org")  # same person, any case
    assert warning is not None and warning.step == MisuseMeasure.Step.WARNING
    assert warning.kind == MisuseMeasure.Kind.NOTIFIER and warning.sanction is None
    assert warning.items == {"notices": [first.reference, second.reference]}
    [told] = mail.outbox
    assert told.to == ["spammer@example.org"] and "warning" in told.subject.lower()
    assert first.reference in told.body and "Art. 23(2)" in told.body
    assert (
        misuse.notices_suspended_until(user=None, email="spammer@example.org", address_hash="")
        is None
    )
    later(1)
    unfounded(address_hash=HASH)  # without an e-mail address: the address's hash
    later(1)
    with django_capture_on_commit_callbacks(execute=True):
        _, suspension = unfounded(email="spammer@example.org", address_hash=HASH)
    assert suspension is not None and suspension.step == MisuseMeasure.Step.SUSPENSION
    until = clock.now() + dt.timedelta(days=7)
    assert suspension.ends_at == until
    assert "suspends" in mail.outbox[-1].subject and "out-of-court" in mail.outbox[-1].body
    suspension.refresh_from_db()
    assert suspension.told_at == clock.now()
    for identity in [
        {"user": None, "email": "SPAMMER@example.org", "address_hash": ""},
        {"user": None, "email": "", "address_hash": HASH},
    ]:
        assert misuse.notices_suspended_until(**identity) == until
    assert (
        misuse.notices_suspended_until(user=users["reader"], email="x@example.org", address_hash="")
        is None
    )
    assert misuse.notices_suspended_until(user=None, email="", address_hash="") is None
    later(7)
    assert (
        misuse.notices_suspended_until(user=None, email="spammer@example.org", address_hash="")
        is None
    )


def test_a_notifier_with_an_account_is_recognised_by_it(users: dict[str, Any]) -> None:
    unfounded(notifier=users["other_reader"])
    _, warning = unfounded(notifier=users["other_reader"])
    assert warning is not None and warning.user == users["other_reader"]
    unfounded(notifier=users["other_reader"])
    _, suspension = unfounded(notifier=users["other_reader"])
    assert suspension is not None and suspension.step == MisuseMeasure.Step.SUSPENSION
    assert misuse.notices_suspended_until(user=users["other_reader"], email="", address_hash="")


def test_what_does_not_count_for_a_notifier(users: dict[str, Any]) -> None:
    flagger = TrustedFlagger.objects.create(name="Safer Internet", registered_at=clock.now())
    for _ in range(3):
        notice, step = unfounded(email="tf@example.org", trusted_flagger=flagger)
        assert step is None
    make_notice(email="ok@example.org", outcome=Notice.Outcome.NO_ACTION)
    _, step = unfounded(email="ok@example.org")
    assert step is None
    assert not MisuseMeasure.objects.exists()


def test_switched_off_nothing_happens(users: dict[str, Any], settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["misuse"]
    for _ in range(3):
        _, step = illegal(users)
        assert step is None
        _, step = unfounded(email="x@example.org")
        assert step is None
    assert misuse.notices_suspended_until(user=None, email="x@example.org", address_hash="") is None
    assert not MisuseMeasure.objects.exists()


def test_the_misuse_page_for_every_role(
    users: dict[str, Any], client_for: Any, settings: Any
) -> None:
    illegal(users)
    illegal(users)
    unfounded(email="spam@example.org")
    unfounded(email="spam@example.org")
    expected = {"anonymous": 302, "reader": 403, "moderator": 200, "editor": 403, "admin": 200}
    for role in ROLES:
        assert client_for(role).get("/en/legal/misuse/").status_code == expected[role], role
    page = client_for("moderator").get("/en/legal/misuse/").content.decode()
    assert "spam@example.org" in page and "reader" in page and page.count("data-measure=") == 2
    assert "2 manifestly illegal comments" in page
    page = client_for("admin").get("/en/legal/misuse/?kind=notifier").content.decode()
    assert page.count("data-measure=") == 1
    settings.NEWSDESK_LEGAL_OFF = ["misuse"]
    for role in ROLES:
        assert client_for(role).get("/en/legal/misuse/").status_code == 404, role
