"""The legal channels' demo content: loaded twice it is the same (idempotent), made through the
actions (audit rows), and every screen of the legal team and of the readers shows something."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal import demo
from newsdesk.legal.models import (
    AuthorityCase,
    Complaint,
    LegalHold,
    MisuseMeasure,
    Notice,
    Statement,
    TermsVersion,
    TrustedFlagger,
)
from newsdesk.legal.reports import Period, build_report
from newsdesk.legal.tdb import SourceType

# As ``newsdesk demo`` runs it: each action commits (its on_commit work, e.g. the statement of
# reasons after a removal, runs at once), so the test runs outside a transaction; the rows
# the data migrations wrote are put back first when an earlier such test emptied the tables.
pytestmark = pytest.mark.django_db(transaction=True)

DATA_MIGRATIONS = [
    ("newsdesk.community.migrations.0002_default_schedule_and_notices", "create_defaults"),
    ("newsdesk.moderation.migrations.0002_default_reasons", "create"),
    ("newsdesk.legal.migrations.0900_default_grounds", "create"),
]


def restore_migration_data() -> None:
    """Run the data migrations the demo relies on again (each is idempotent)."""
    import importlib

    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


# A Friday evening in Vienna: the demo's cases happen from noon on that day.
NOW = dt.datetime(2026, 11, 27, 19, 30, tzinfo=ZoneInfo("Europe/Vienna"))
HALF_YEAR = Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Comment,
            Notice,
            Statement,
            Complaint,
            MisuseMeasure,
            AuthorityCase,
            TermsVersion,
            TrustedFlagger,
            AuditEvent,
        )
    }


@pytest.fixture
def loaded(settings: Any) -> dict[str, int]:
    """The whole demo (every app's) loaded twice at NOW with the full screening pipeline;
    returns the counts after the first load."""
    from newsdesk.moderation import screening

    settings.NEWSDESK_MODERATION_PIPELINE = screening.DEFAULT_PIPELINE
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "demo"},
    }
    restore_migration_data()
    clock.set_now(NOW)
    try:
        call_command("load_demo_content", verbosity=0)
        first = counts()
        call_command("load_demo_content", verbosity=0)
    finally:
        clock.set_now(None)
    return first


def staff(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo(loaded: dict[str, int]) -> None:
    """One test (loading the demo twice takes a while): idempotent, the cases as described,
    in the demo's time zone, the report's figures, every screen with content."""
    assert counts() == loaded
    check_the_cases()
    check_the_times()
    check_the_report()
    for who, address, shown in SCREENS:
        check_screen(who, address, shown)
    check_the_readers_pages()


def check_the_cases() -> None:
    insult = Comment.objects.get(text=demo.INSULT_TEXT)
    criticism = Comment.objects.get(text=demo.CRITICISM_TEXT)
    opinion = Comment.objects.get(text=demo.OPINION_TEXT)
    threat = Comment.objects.get(text=demo.THREAT_TEXT)
    # 1. An anonymous reader's notice, the removal, its statement sent, an open complaint.
    notice = Notice.objects.get(explanation=demo.ANONYMOUS_NOTICE)
    assert notice.notifier is None and notice.notifier_email == demo.NOTIFIER_EMAIL
    assert (notice.status, notice.outcome) == (Notice.Status.DECIDED, Notice.Outcome.ACTIONED)
    assert insult.status == Comment.Status.REJECTED
    statement = Statement.objects.get(comment=insult)
    assert statement.source_type == SourceType.ARTICLE_16
    assert statement.sent_at is not None
    assert Complaint.objects.get(statement=statement).status == Complaint.Status.OPEN
    # 2. Own initiative, the complaint upheld by another moderator: the comment is back.
    statement = Statement.objects.get(comment=criticism)
    assert statement.source_type == SourceType.VOLUNTARY
    assert statement.reversed_at is not None
    complaint = Complaint.objects.get(statement=statement)
    assert complaint.status == Complaint.Status.UPHELD
    assert complaint.decided_by.username == demo.SECOND_MODERATOR
    assert statement.decided_by.username == demo.MODERATOR_NAME
    assert criticism.status == Comment.Status.VISIBLE
    # 3. "No action" and "manifestly unfounded" on the same comment, which stays; a warning.
    outcomes = dict(
        Notice.objects.filter(items__comment=opinion).values_list("explanation", "outcome")
    )
    assert outcomes == {
        demo.NO_ACTION_NOTICE: Notice.Outcome.NO_ACTION,
        demo.UNFOUNDED_NOTICE: Notice.Outcome.UNFOUNDED,
    }
    assert opinion.status == Comment.Status.VISIBLE
    measure = MisuseMeasure.objects.get()
    assert (measure.kind, measure.step, measure.email) == (
        MisuseMeasure.Kind.NOTIFIER,
        MisuseMeasure.Step.WARNING,
        demo.UNFOUNDED_EMAIL,
    )
    # 4. The trusted flagger's notice is open and first; the authorities' case holds the comment.
    trusted = Notice.objects.get(explanation=demo.TRUSTED_NOTICE)
    assert trusted.status == Notice.Status.OPEN
    assert trusted.trusted_flagger is not None and trusted.trusted_flagger.name == demo.FLAGGER_NAME
    assert AuthorityCase.objects.get(comment=threat).kind == AuthorityCase.Kind.CRIMINAL_OFFENCE
    assert LegalHold.objects.filter(comment=threat, released_at__isnull=True).exists()
    # Versions 1 of the three documents, in German and English, published.
    assert set(
        TermsVersion.objects.filter(published_at__isnull=False).values_list("document", "language")
    ) == {(d, lang) for d in ("terms", "netiquette", "privacy") for lang in ("de", "en")}
    # All through the actions: audit rows of each kind.
    kinds = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        EventType.NOTICE_RECEIVED,
        EventType.NOTICE_DECIDED,
        EventType.COMPLAINT_FILED,
        EventType.COMPLAINT_DECIDED,
        EventType.MISUSE_MEASURE,
        EventType.AUTHORITY_CASE_OPENED,
        EventType.TERMS_PUBLISHED,
        EventType.FLAGGER_CHANGED,
    } <= kinds


def check_the_times() -> None:
    zone = ZoneInfo("Europe/Vienna")
    times = [
        Comment.objects.get(text=demo.INSULT_TEXT).created_at,
        *Notice.objects.values_list("received_at", flat=True),
        *Complaint.objects.values_list("filed_at", flat=True),
    ]
    assert all(t <= NOW for t in times)
    assert min(t.astimezone(zone) for t in times) == dt.datetime(2026, 11, 27, 12, 0, tzinfo=zone)


def check_the_report() -> None:
    report = build_report(HALF_YEAR)
    assert report["notices"]["received"] == 4
    assert report["notices"]["by_outcome"] == {"actioned": 1, "no_action": 1, "unfounded": 1}
    assert report["notices"]["by_trusted_flagger"] == {demo.FLAGGER_NAME: 1}
    # The two removals here and moderation's demo removal.
    assert report["actions"]["total"] == 3
    assert report["complaints"]["filed"] == 2
    assert report["complaints"]["by_outcome"] == {"upheld": 1, "rejected": 0}
    assert report["misuse"]["warnings"]["notifier"] == 1
    response = staff(demo.MODERATOR_NAME).get(
        "/en/legal/transparency-report/?start=2026-07-01&end=2026-12-31"
    )
    assert response.status_code == 200
    assert demo.FLAGGER_NAME in response.content.decode()


SCREENS = [
    # (who, address, a text the screen shows)
    (demo.MODERATOR_NAME, "/en/legal/team/notices/", demo.FLAGGER_NAME),
    (demo.MODERATOR_NAME, "/en/legal/team/notices/?status=decided", "no action"),
    (demo.MODERATOR_NAME, "/en/legal/complaints/", "affected reader"),
    (demo.MODERATOR_NAME, "/en/legal/complaints/?status=upheld", demo.SECOND_MODERATOR),
    (demo.MODERATOR_NAME, "/en/legal/misuse/", demo.UNFOUNDED_EMAIL),
    (demo.MODERATOR_NAME, "/en/legal/holds/", "notice"),
    (demo.MODERATOR_NAME, "/en/legal/authorities/", "suspected criminal offence"),
    (demo.MODERATOR_NAME, "/en/moderation/queues/reported/", demo.TRUSTED_NOTICE[:40]),
    ("radlerin-7", "/en/community/settings/", "Statement"),
    ("anonymous", "/en/legal/terms/", "Terms of use"),
    ("anonymous", "/de/legal/terms/", "Nutzungsbedingungen"),
    ("anonymous", "/en/legal/netiquette/", "criticise arguments, not people"),
    ("anonymous", "/de/legal/netiquette/", "Kritisieren Sie Argumente, nicht Menschen"),
    ("anonymous", "/en/legal/privacy/", "Privacy notice"),
    ("anonymous", "/de/legal/privacy/", "Datenschutzerklärung"),
]


def check_screen(who: str, address: str, shown: str) -> None:
    client = Client() if who == "anonymous" else staff(who)
    response = client.get(address)
    assert response.status_code == 200, address
    assert shown in response.content.decode(), (address, shown)


def check_the_readers_pages() -> None:
    statement = Statement.objects.get(comment__text=demo.INSULT_TEXT)
    page = staff("radlerin-7").get(f"/en/legal/statements/{statement.pk}/")
    assert page.status_code == 200
    assert "Statement of reasons" in page.content.decode()
    notice = Notice.objects.get(explanation=demo.NO_ACTION_NOTICE)
    page = Client().get(f"/en/legal/notices/{notice.reference}/?token={notice.access_token}")
    assert page.status_code == 200
    assert demo.NO_ACTION_ANSWER[:40] in page.content.decode()
