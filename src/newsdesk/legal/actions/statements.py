"""Actions of the statements part: issue a statement of reasons for a removal or a restricted
account (Art. 17), and change a statement template (``Ground``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from newsdesk.community.actions import can_moderate
from newsdesk.core import clock
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import signals
from newsdesk.legal import statements as build
from newsdesk.legal.models import Ground, Statement
from newsdesk.legal.tdb import (
    EEA_COUNTRIES,
    MAX_EXPLANATION,
    MAX_SHORT_TEXT,
    AutomatedDecision,
    Category,
    ContentType,
    DecisionGround,
    DecisionVisibility,
    SourceType,
)
from newsdesk.moderation.models import Case, Sanction


def _require_moderator_or_system(acting_user: Actor) -> None:
    who = person(acting_user)
    if acting_user is not None and (who is None or not can_moderate(who)):
        raise ActionRefused("forbidden", _("Only moderators can do this."), status=403)


def _grounds(template: build.Template) -> dict[str, Any]:
    if template.illegal:
        return {
            "category": template.category,
            "decision_ground": DecisionGround.ILLEGAL_CONTENT,
            "illegal_content_legal_ground": template.legal_ground,
            "illegal_content_explanation": template.explanation,
        }
    return {
        "category": template.category,
        "decision_ground": DecisionGround.INCOMPATIBLE_CONTENT,
        "incompatible_content_ground": template.contractual_ground,
        "incompatible_content_explanation": template.explanation,
        "incompatible_content_illegal": template.also_illegal,
    }


def _for_case(case: Case) -> dict[str, Any]:
    if case.queue != Case.Queue.REJECTED or case.reason is None or case.decided_at is None:
        raise ActionRefused(
            "not_a_restriction",
            _("Only a removed comment gets a statement of reasons."),
            status=409,
        )
    comment = case.comment
    if comment.author is None:
        raise ActionRefused(
            "no_reader", _("The comment's author deleted their account."), status=409
        )
    notice = build.covering_notice(comment, until=case.decided_at)
    language = build.reader_language(comment.author, comment)
    with override(language):
        facts = build.comment_facts(case, comment, notice)
    return {
        "user": comment.author,
        "comment": comment,
        "notice": notice,
        "reason": case.reason,
        "decision_visibility": [DecisionVisibility.REMOVED],
        "content_language": comment.language.upper()[:2] if comment.language else "",
        "content_date": build.local_date(comment.created_at),
        "application_date": build.local_date(case.decided_at),
        "decision_facts": facts,
        "source_type": build.source_of(notice),
        "automated_detection": bool(build.automated_holds(case)),
        "automated_decision": AutomatedDecision.NOT_AUTOMATED
        if case.decided_by_id
        else AutomatedDecision.FULLY,
        "decided_by": case.decided_by,
        "moderator_note": case.note.strip(),
        "language": language,
        **_grounds(build.template_for(case.reason)),
    }


def _for_sanction(sanction: Sanction) -> dict[str, Any]:
    measure = build.measure_for_sanction(sanction.kind)
    if measure is None:
        raise ActionRefused(
            "not_a_restriction",
            _("A warning restricts nothing, so it gets no statement of reasons."),
            status=409,
        )
    language = build.reader_language(sanction.user)
    with override(language):
        facts = build.sanction_facts(sanction)
    day = build.local_date(sanction.starts_at)
    return {
        "user": sanction.user,
        "sanction": sanction,
        "reason": sanction.reason,
        "decision_visibility": measure.visibility,
        "decision_visibility_other": measure.visibility_other,
        "decision_account": measure.account,
        "decision_provision": measure.provision,
        "end_date": sanction.ends_at,
        "content_date": day,
        "application_date": day,
        "decision_facts": facts,
        "source_type": SourceType.VOLUNTARY,
        "automated_detection": False,
        "automated_decision": AutomatedDecision.NOT_AUTOMATED
        if sanction.created_by_id
        else AutomatedDecision.FULLY,
        "decided_by": sanction.created_by,
        "moderator_note": sanction.note.strip(),
        "language": language,
        **_grounds(build.template_for(sanction.reason)),
    }


def _issued_already(subject: Case | Sanction) -> Statement | None:
    if isinstance(subject, Sanction):
        return Statement.objects.filter(sanction=subject).first()
    assert subject.decided_at is not None
    # The same removal (a comment removed again after an upheld complaint is a new one).
    return Statement.objects.filter(
        comment_id=subject.comment_id,
        created_at__gte=subject.decided_at,
        reversed_at__isnull=True,
        sanction__isnull=True,
    ).first()


def do_issue_statement(subject: Case | Sanction, *, acting_user: Actor) -> Statement:
    """Issue the statement of reasons for a removed comment (its moderation ``Case`` in the
    queue "rejected") or a restricted account (a ``Sanction`` other than a warning), with
    every element Art. 17(3) DSA lists, write ``legal.statement_issued`` and e-mail it to the
    reader after the commit. Returns the statement (the one issued before, when there is one).

    ``acting_user``: the moderator who decided, or None when the system issues it (the
    receivers of moderation's signals).

    Refusals: ``forbidden`` (403: a person who cannot moderate), ``not_a_restriction`` (409:
    a comment not removed, a warning), ``no_reader`` (409: the author's account is gone).
    """
    _require_moderator_or_system(acting_user)
    if isinstance(subject, Case) and subject.queue == Case.Queue.REJECTED:
        existing = _issued_already(subject)
    elif isinstance(subject, Sanction):
        existing = _issued_already(subject)
    else:
        existing = None
    if existing is not None:
        return existing
    fields = _for_case(subject) if isinstance(subject, Case) else _for_sanction(subject)
    with transaction.atomic():
        statement = Statement.objects.create(
            puid=build.new_puid(),
            content_type=[ContentType.TEXT],
            territorial_scope=list(EEA_COUNTRIES),
            created_at=clock.now(),
            **fields,
        )
        record_event(
            EventType.STATEMENT_ISSUED,
            actor=acting_user,
            target=statement,
            new={
                "puid": statement.puid,
                "user": statement.user_id,
                "comment": statement.comment_id,
                "sanction": statement.sanction_id,
                "notice": statement.notice_id,
                "reason": statement.reason.code if statement.reason else None,
                "decision_visibility": statement.decision_visibility,
                "decision_account": statement.decision_account,
                "decision_provision": statement.decision_provision,
                "end_date": statement.end_date,
                "decision_ground": statement.decision_ground,
                "source_type": statement.source_type,
                "automated_detection": statement.automated_detection,
                "automated_decision": statement.automated_decision,
            },
        )
        statement_id = statement.pk
        transaction.on_commit(lambda: build.send_statement.enqueue(statement_id))
        transaction.on_commit(
            lambda: signals.statement_issued.send(sender=Statement, statement=statement),
            robust=True,
        )
    return statement


GROUND_FIELDS = (
    "decision_ground",
    "category",
    "legal_ground",
    "contractual_ground",
    "explanation",
    "also_illegal",
)


def check_ground(ground: Ground) -> None:
    """Refuse a template the Transparency Database would refuse (``bad_ground``): a legal
    ground for illegal content, a netiquette clause for incompatible content, an explanation,
    known keys, and the API's lengths."""
    if ground.decision_ground not in DecisionGround.values:
        raise ActionRefused("bad_ground", _("Choose the law or the netiquette as the ground."))
    if ground.category not in Category.values:
        raise ActionRefused("bad_ground", _("Choose one of the categories."))
    if ground.decision_ground == DecisionGround.ILLEGAL_CONTENT and not ground.legal_ground.strip():
        raise ActionRefused(
            "bad_ground", _("Name the legal provision for content you consider illegal.")
        )
    if (
        ground.decision_ground == DecisionGround.INCOMPATIBLE_CONTENT
        and not ground.contractual_ground.strip()
    ):
        raise ActionRefused("bad_ground", _("Name the netiquette clause the content breaks."))
    if not ground.explanation.strip():
        raise ActionRefused("bad_ground", _("Explain why the content falls under this ground."))
    if max(len(ground.legal_ground), len(ground.contractual_ground)) > MAX_SHORT_TEXT:
        raise ActionRefused(
            "bad_ground",
            _("A ground has at most %(max)d characters.") % {"max": MAX_SHORT_TEXT},
        )
    if len(ground.explanation) > MAX_EXPLANATION:
        raise ActionRefused(
            "bad_ground",
            _("The explanation has at most %(max)d characters.") % {"max": MAX_EXPLANATION},
        )


def do_save_ground(ground: Ground, *, acting_user: Actor) -> Ground:
    """Store a new or changed statement template and write ``legal.ground_changed`` (nothing
    when nothing changed). Statements already issued keep their text.

    Refusals: ``forbidden`` (403), ``bad_ground`` (see ``check_ground``)."""
    who = person(acting_user)
    if who is None or not can_moderate(who):
        raise ActionRefused("forbidden", _("Only moderators can do this."), status=403)
    check_ground(ground)
    with transaction.atomic():
        stored = Ground.objects.select_for_update().get(pk=ground.pk) if ground.pk else None
        before = {name: getattr(stored, name) for name in GROUND_FIELDS} if stored else None
        after = {name: getattr(ground, name) for name in GROUND_FIELDS}
        if before == after:
            return ground
        ground.save()
        record_event(
            EventType.GROUND_CHANGED,
            actor=who,
            target=ground,
            old=before,
            new={**after, "reason": ground.reason.code},
        )
    return ground


def do_record_submission(statement: Statement, *, tdb_uuid: str, acting_user: Actor) -> Statement:
    """The Transparency Database accepted ``statement`` (``tdb_uuid``: its id there, "" when
    it had the statement already): note when, clear any earlier error, write
    ``legal.statement_submitted``. Nothing happens for a statement recorded before.

    Refusals: ``forbidden`` (403: a person who cannot moderate; the command acts as None)."""
    _require_moderator_or_system(acting_user)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.tdb_submitted_at is not None:
            return locked
        locked.tdb_submitted_at = clock.now()
        locked.tdb_uuid = tdb_uuid[:64]
        locked.tdb_error = ""
        locked.save(update_fields=["tdb_submitted_at", "tdb_uuid", "tdb_error"])
        record_event(
            EventType.STATEMENT_SUBMITTED,
            actor=acting_user,
            target=locked,
            new={"puid": locked.puid, "tdb_uuid": locked.tdb_uuid},
        )
    statement.tdb_submitted_at, statement.tdb_uuid = locked.tdb_submitted_at, locked.tdb_uuid
    statement.tdb_error = ""
    return locked


def note_submission_error(statement: Statement, *, error: str) -> None:
    """Keep why the database did not take ``statement`` (shown in the back office; the next
    submission tries again). A note, not a decision: no audit row."""
    Statement.objects.filter(pk=statement.pk, tdb_submitted_at__isnull=True).update(
        tdb_error=error[:5000]
    )
    statement.tdb_error = error[:5000]
