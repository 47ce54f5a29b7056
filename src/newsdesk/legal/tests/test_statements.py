"""Statements of reasons (Art. 17 DSA): issued for every removal and account restriction with
every element Art. 17(3) lists, e-mailed to the reader, listed in their settings, shown only
to them and the moderators; templates the team edits; the moderator's adjustment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from newsdesk.community.models import Comment
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions.statements import do_issue_statement, do_save_ground
from newsdesk.legal.models import Ground, Notice, NoticeItem, Statement, TrustedFlagger
from newsdesk.legal.statements import send_statement
from newsdesk.legal.tdb import (
    EEA_COUNTRIES,
    AutomatedDecision,
    Category,
    DecisionAccount,
    DecisionGround,
    DecisionProvision,
    DecisionVisibility,
    SourceType,
)
from newsdesk.legal.tests.conftest import NOON
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Case, Reason, Sanction
from newsdesk.moderation.queries import HOLD_LABELS

ROLES = ["anonymous", "reader", "other_reader", "moderator", "editor", "admin"]


@pytest.fixture
def remove(users: dict[str, Any], django_capture_on_commit_callbacks: Any) -> Any:
    """remove(comment, reason_code, note="") -> the statement the removal issued."""

    def run(comment: Comment, code: str = "insult", note: str = "") -> Statement:
        with django_capture_on_commit_callbacks(execute=True):
            moderation.do_reject_comment(
                comment,
                reason=Reason.objects.get(code=code),
                note=note,
                acting_user=users["moderator"],
            )
        return Statement.objects.get(comment=comment)

    return run


@pytest.fixture
def sanction(users: dict[str, Any], django_capture_on_commit_callbacks: Any) -> Any:
    def run(kind: str, ends_at: dt.datetime | None = None, note: str = "") -> Sanction:
        with django_capture_on_commit_callbacks(execute=True):
            return moderation.do_impose_sanction(
                users["reader"],
                kind=kind,
                reason=Reason.objects.get(code="insult"),
                ends_at=ends_at,
                note=note,
                acting_user=users["moderator"],
            )

    return run


def _notice(comment: Comment, *, flagger: TrustedFlagger | None = None) -> Notice:
    notice = Notice.objects.create(
        reference="N-2026-0001" if flagger is None else "N-2026-0002",
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        explanation="This insults a reader.",
        notifier_name="Walpurga Notifier",
        notifier_email="walpurga@example.net",
        good_faith=True,
        language="en",
        received_at=NOON - dt.timedelta(minutes=30),
        trusted_flagger=flagger,
        priority=0 if flagger else 10,
    )
    NoticeItem.objects.create(notice=notice, comment=comment)
    return notice


# --- the templates ------------------------------------------------------------------------


def test_every_default_reason_has_a_template(db: Any) -> None:
    grounds = {g.reason.code: g for g in Ground.objects.select_related("reason")}
    assert set(grounds) >= {
        "insult",
        "hate",
        "threat",
        "spam",
        "off_topic",
        "personal_data",
        "illegal",
    }
    hate = grounds["hate"]
    assert hate.decision_ground == DecisionGround.ILLEGAL_CONTENT
    assert "§ 283 StGB" in hate.legal_ground and "§ 130 StGB" in hate.legal_ground
    assert grounds["insult"].decision_ground == DecisionGround.INCOMPATIBLE_CONTENT
    assert grounds["insult"].contractual_ground.startswith("Netiquette")
    for ground in grounds.values():
        if ground.decision_ground == DecisionGround.ILLEGAL_CONTENT:
            assert ground.legal_ground and not ground.contractual_ground
        else:
            assert ground.contractual_ground and not ground.legal_ground
        assert ground.explanation and ground.category in Category.values


def test_editing_a_template_is_audited_and_checked(users: dict[str, Any]) -> None:
    ground = Ground.objects.get(reason__code="spam")
    ground.explanation = "Advertising is not allowed in our discussions."
    do_save_ground(ground, acting_user=users["moderator"])
    event = AuditEvent.objects.get(event_type=EventType.GROUND_CHANGED)
    assert event.actor == users["moderator"]
    assert event.new_value["explanation"] == "Advertising is not allowed in our discussions."
    assert event.old_value["explanation"].startswith("The comment advertises")
    # Nothing changed: no second row.
    do_save_ground(ground, acting_user=users["moderator"])
    assert AuditEvent.objects.filter(event_type=EventType.GROUND_CHANGED).count() == 1
    ground.decision_ground = DecisionGround.ILLEGAL_CONTENT  # but no legal ground named
    with pytest.raises(Exception, match="legal provision") as refused:
        do_save_ground(ground, acting_user=users["moderator"])
    assert refused.value.code == "bad_ground"  # type: ignore[attr-defined]
    ground.refresh_from_db()
    assert ground.decision_ground == DecisionGround.INCOMPATIBLE_CONTENT
    with pytest.raises(Exception, match="Only moderators") as forbidden:
        do_save_ground(ground, acting_user=users["reader"])
    assert forbidden.value.status == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("reader", 302), ("editor", 403), ("moderator", 200), ("admin", 200)],
)
def test_the_templates_in_the_back_office(client_for: Any, role: str, status: int) -> None:
    response = client_for(role).get("/admin/legal/ground/")
    assert response.status_code == status
    if status == 200:
        assert "Incitement to hatred" in response.content.decode()


def test_a_moderator_edits_a_template_in_the_back_office(
    client_for: Any, users: dict[str, Any]
) -> None:
    ground = Ground.objects.get(reason__code="off_topic")
    url = f"/admin/legal/ground/{ground.pk}/change/"
    form = {
        "reason": ground.reason_id,
        "decision_ground": DecisionGround.INCOMPATIBLE_CONTENT,
        "category": Category.OTHER_VIOLATION_TC,
        "legal_ground": "",
        "contractual_ground": "Netiquette, clause 4 (topic)",
        "explanation": "Please keep to the article's topic.",
    }
    response = client_for("moderator").post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    ground.refresh_from_db()
    assert ground.contractual_ground == "Netiquette, clause 4 (topic)"
    assert AuditEvent.objects.filter(event_type=EventType.GROUND_CHANGED).count() == 1
    # A netiquette ground without its clause is refused with the message, nothing stored.
    response = client_for("moderator").post(url, {**form, "contractual_ground": ""})
    assert response.status_code == 200
    # (the back office speaks the site's language, German)
    assert "Nennen Sie die Regel der Netiquette" in response.content.decode()
    ground.refresh_from_db()
    assert ground.contractual_ground == "Netiquette, clause 4 (topic)"


# --- issuing ------------------------------------------------------------------------------


def test_a_removal_issues_a_statement_with_every_element(
    comment: Comment, insult: Reason, users: dict[str, Any], remove: Any
) -> None:
    statement = remove(comment, note="Please argue without name-calling.")
    # (a) the measure, its scope and duration
    assert statement.decision_visibility == [DecisionVisibility.REMOVED]
    assert statement.end_date is None and statement.territorial_scope == list(EEA_COUNTRIES)
    assert statement.user == users["reader"] and statement.comment == comment
    # (b) the facts, and whether a notice led to it
    # (written in the reader's language: German here)
    assert "vom Moderationsteam am" in statement.decision_facts
    assert "aus eigener Initiative" in statement.decision_facts
    assert comment.text not in statement.decision_facts
    assert statement.source_type == SourceType.VOLUNTARY and statement.notice is None
    # (c) automated means
    assert statement.automated_detection is False
    assert statement.automated_decision == AutomatedDecision.NOT_AUTOMATED
    # (d/e) the ground with its explanation, and the moderator's adjustment
    assert statement.decision_ground == DecisionGround.INCOMPATIBLE_CONTENT
    assert statement.incompatible_content_ground == "Netiquette, clause 2 (respect)"
    assert statement.incompatible_content_explanation == "The comment insults another reader."
    assert statement.moderator_note == "Please argue without name-calling."
    assert statement.category == Category.ILLEGAL_OR_HARMFUL_SPEECH
    # dates and the rest
    assert statement.content_date == NOON.date() == statement.application_date
    assert statement.content_language == "DE" and statement.reason == insult
    assert statement.decided_by == users["moderator"]
    assert re.fullmatch(r"newsdesk-sor-[0-9a-f]{32}", statement.puid)
    event = AuditEvent.objects.get(event_type=EventType.STATEMENT_ISSUED)
    assert event.actor == users["moderator"] and event.new_value["puid"] == statement.puid
    assert event.new_value["source_type"] == SourceType.VOLUNTARY


def test_an_illegal_ground_gives_the_provision(
    comment: Comment, remove: Any, users: dict[str, Any]
) -> None:
    statement = remove(comment, "hate")
    assert statement.decision_ground == DecisionGround.ILLEGAL_CONTENT
    assert "§ 283 StGB" in statement.illegal_content_legal_ground
    assert statement.illegal_content_explanation.startswith("The comment incites hatred")
    assert statement.incompatible_content_ground == ""


def test_a_notice_makes_it_an_article_16_decision(
    comment: Comment, insult: Reason, remove: Any
) -> None:
    notice = _notice(comment)
    statement = remove(comment)
    assert statement.source_type == SourceType.ARTICLE_16 and statement.notice == notice
    assert "nach einer Meldung rechtswidriger Inhalte (Art. 16 DSA)" in statement.decision_facts
    assert "Walpurga" not in statement.decision_facts


def test_a_trusted_flaggers_notice_comes_first(
    comment: Comment, insult: Reason, remove: Any
) -> None:
    _notice(comment)
    flagger = TrustedFlagger.objects.create(name="Hate Aid Watch", registered_at=NOON)
    flagged = _notice(comment, flagger=flagger)
    statement = remove(comment)
    assert statement.source_type == SourceType.TRUSTED_FLAGGER and statement.notice == flagged


def test_automated_detection_comes_from_the_screening_holds(
    comment: Comment, insult: Reason, remove: Any
) -> None:
    Case.objects.create(
        comment=comment,
        queue=Case.Queue.SYSTEM,
        holds=[
            {"code": "premoderation", "note": "", "evidence": {}},
            {"code": "suspect_term", "note": "", "evidence": {"term": "idiot"}},
        ],
        created_at=NOON,
    )
    statement = remove(comment)
    assert statement.automated_detection is True
    with translation.override("de"):  # the facts are in the reader's language
        label = str(HOLD_LABELS["suspect_term"])
    expected = f"Die automatische Prüfung hatte ihn zur Kontrolle zurückgehalten ({label})"
    assert expected in statement.decision_facts
    assert "idiot" not in statement.decision_facts.lower()
    assert statement.automated_decision == AutomatedDecision.NOT_AUTOMATED


def test_pre_moderation_alone_is_no_automated_detection(
    comment: Comment, insult: Reason, remove: Any
) -> None:
    Case.objects.create(
        comment=comment,
        queue=Case.Queue.PENDING,
        holds=[{"code": "premoderation", "note": "", "evidence": {}}],
        created_at=NOON,
    )
    assert remove(comment).automated_detection is False


def test_an_approval_issues_nothing(
    comment: Comment, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_approve_comment(comment, acting_user=users["moderator"])
    assert not Statement.objects.exists()


def test_a_reason_without_template_falls_back_to_the_netiquette(
    comment: Comment, remove: Any
) -> None:
    Ground.objects.filter(reason__code="off_topic").delete()
    statement = remove(comment, "off_topic")
    assert statement.decision_ground == DecisionGround.INCOMPATIBLE_CONTENT
    assert statement.category == Category.OTHER_VIOLATION_TC
    assert statement.incompatible_content_ground.startswith("Netiquette: ")
    assert (
        statement.incompatible_content_explanation
        == Reason.objects.get(code="off_topic").explanation
    )


def test_issuing_twice_gives_the_same_statement_and_refuses_strangers(
    comment: Comment, insult: Reason, users: dict[str, Any], remove: Any
) -> None:
    statement = remove(comment)
    case = Case.objects.get(comment=comment)
    assert do_issue_statement(case, acting_user=users["moderator"]) == statement
    assert Statement.objects.count() == 1
    with pytest.raises(Exception, match="Only moderators") as refused:
        do_issue_statement(case, acting_user=users["reader"])
    assert refused.value.code == "forbidden"  # type: ignore[attr-defined]


def test_a_decision_other_than_removal_is_refused(comment: Comment, users: dict[str, Any]) -> None:
    case = moderation.do_approve_comment(comment, acting_user=users["moderator"])
    with pytest.raises(Exception, match="Only a removed comment") as refused:
        do_issue_statement(case, acting_user=users["moderator"])
    assert refused.value.code == "not_a_restriction"  # type: ignore[attr-defined]
    assert not AuditEvent.objects.filter(event_type=EventType.STATEMENT_ISSUED).exists()


@pytest.mark.parametrize(
    ("kind", "visibility", "account", "provision"),
    [
        (Sanction.Kind.MUTE, [], "", DecisionProvision.PARTIAL_SUSPENSION),
        (Sanction.Kind.SUSPEND, [], DecisionAccount.SUSPENDED, ""),
        (Sanction.Kind.BAN, [], DecisionAccount.SUSPENDED, ""),
        (Sanction.Kind.PREMODERATE, [DecisionVisibility.OTHER], "", ""),
    ],
)
def test_a_restricted_account_gets_a_statement(
    open_for_comments: None,
    insult: Reason,
    users: dict[str, Any],
    sanction: Any,
    kind: str,
    visibility: list[str],
    account: str,
    provision: str,
) -> None:
    ends = (
        None
        if kind in (Sanction.Kind.BAN, Sanction.Kind.PREMODERATE)
        else NOON + dt.timedelta(days=7)
    )
    imposed = sanction(kind, ends, note="Third insult this week.")
    statement = Statement.objects.get(sanction=imposed)
    assert statement.user == users["reader"] and statement.comment is None
    assert statement.decision_visibility == visibility
    assert statement.decision_account == account and statement.decision_provision == provision
    assert statement.end_date == ends
    assert statement.source_type == SourceType.VOLUNTARY
    assert statement.moderator_note == "Third insult this week."
    assert "hat das Moderationsteam das betroffene Konto eingeschränkt" in statement.decision_facts
    if kind == Sanction.Kind.PREMODERATE:
        assert "Pre-moderation" in statement.decision_visibility_other


def test_a_warning_is_no_restriction(
    open_for_comments: None, insult: Reason, users: dict[str, Any], sanction: Any
) -> None:
    warning = sanction(Sanction.Kind.WARN)
    assert not Statement.objects.exists()
    with pytest.raises(Exception, match="warning restricts nothing"):
        do_issue_statement(warning, acting_user=users["moderator"])


def test_nothing_is_issued_when_the_part_is_off(
    comment: Comment,
    insult: Reason,
    users: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["statements"]
    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    assert not Statement.objects.exists()


# --- telling the reader -------------------------------------------------------------------


def test_the_reader_receives_it_by_email(
    comment: Comment, insult: Reason, users: dict[str, Any], remove: Any
) -> None:
    statement = remove(comment, note="Please argue without name-calling.")
    mail.outbox.clear()
    assert send_statement.call(statement.pk) is True
    assert send_statement.call(statement.pk) is False  # once
    [message] = mail.outbox
    assert message.to == [users["reader"].email]
    assert "Begründung einer Moderationsentscheidung" in message.subject  # the reader's language
    body = message.body
    for expected in (
        "Entfernung des Inhalts",
        "Dauerhaft, sofern die Entscheidung nicht aufgehoben wird.",
        "aus eigener Initiative",
        "nicht durch automatisierte Mittel erkannt",
        "Netiquette, clause 2 (respect)",
        "The comment insults another reader.",
        "Please argue without name-calling.",
        "internes Beschwerdemanagementsystem",
        f"/legal/statements/{statement.pk}/complaint/",
        "Außergerichtliche Streitbeilegung",
        "Gerichte",
        statement.puid,
    ):
        assert expected in body, expected
    statement.refresh_from_db()
    assert statement.sent_at is not None


def test_the_email_is_in_the_readers_language(
    comment: Comment, insult: Reason, users: dict[str, Any], remove: Any
) -> None:
    statement = remove(comment)
    assert statement.language == "de"  # the comment's language
    mail.outbox.clear()
    send_statement.call(statement.pk)
    assert f"/de/legal/statements/{statement.pk}/" in mail.outbox[0].body


def test_the_reader_sees_it_in_their_settings(
    comment: Comment, insult: Reason, client_for: Any, remove: Any
) -> None:
    statement = remove(comment)
    page = client_for("reader").get("/en/community/settings/").content.decode()
    assert "Statements of reasons" in page
    assert reverse("legal:statement", args=[statement.pk]) in page
    other = client_for("other_reader").get("/en/community/settings/").content.decode()
    assert "Statements of reasons" not in other


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("reader", 200),
        ("other_reader", 404),
        ("editor", 404),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_who_sees_the_statement_page(
    comment: Comment, insult: Reason, client_for: Any, remove: Any, role: str, status: int
) -> None:
    statement = remove(comment, note="Please argue without name-calling.")
    response = client_for(role).get(f"/en/legal/statements/{statement.pk}/")
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]
    if status == 200:
        page = response.content.decode()
        for expected in (
            "Removal of content",
            "own initiative",
            "Netiquette, clause 2 (respect)",
            "The comment insults another reader.",
            "Please argue without name-calling.",
            f"/en/legal/statements/{statement.pk}/complaint/",
            "Out-of-court dispute settlement",
            statement.puid,
        ):
            assert expected in page, expected


def test_an_unknown_statement_is_not_found(client_for: Any) -> None:
    assert client_for("moderator").get("/en/legal/statements/999/").status_code == 404


def test_the_statement_page_is_gone_when_the_part_is_off(
    comment: Comment, insult: Reason, client_for: Any, remove: Any, settings: Any
) -> None:
    statement = remove(comment)
    settings.NEWSDESK_LEGAL_OFF = ["statements"]
    assert client_for("reader").get(f"/en/legal/statements/{statement.pk}/").status_code == 404
    page = client_for("reader").get("/en/community/settings/").content.decode()
    assert "Statements of reasons" not in page


def test_only_get_on_the_statement_page(
    comment: Comment, insult: Reason, client_for: Any, remove: Any
) -> None:
    statement = remove(comment)
    response = client_for("reader").post(f"/en/legal/statements/{statement.pk}/")
    assert response.status_code == 405
    assert Statement.objects.get().pk == statement.pk


# --- the moderators' workspace ------------------------------------------------------------


def test_the_workspace_shows_the_templates_beside_the_reject_form(
    comment: Comment, insult: Reason, client_for: Any, users: dict[str, Any]
) -> None:
    page = client_for("moderator").get("/en/moderation/queues/all/").content.decode()
    assert "Statement of reasons: ground and explanation per reason" in page
    assert "Netiquette, clause 2 (respect)" in page and "§ 283 StGB" in page
    reader = client_for("moderator").get(f"/en/moderation/readers/{users['reader'].pk}/")
    assert "§ 283 StGB" in reader.content.decode()


def test_a_moderator_adjusts_the_explanation_in_the_reject_form(
    comment: Comment, insult: Reason, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("moderator").post(
            f"/en/moderation/comments/{comment.pk}/reject/",
            {"reason": "insult", "note": "Calling someone an idiot is an insult."},
        )
    assert response.status_code == 302
    statement = Statement.objects.get(comment=comment)
    assert statement.moderator_note == "Calling someone an idiot is an insult."
    assert statement.incompatible_content_explanation == "The comment insults another reader."


def test_no_templates_in_the_workspace_when_the_part_is_off(
    comment: Comment, insult: Reason, client_for: Any, settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["statements"]
    page = client_for("moderator").get("/en/moderation/queues/all/").content.decode()
    assert "Statement of reasons: ground and explanation per reason" not in page
    assert f"/en/moderation/comments/{comment.pk}/reject/" in page  # the form is still there
