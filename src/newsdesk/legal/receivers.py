"""The legal channels plugged into moderation: a statement of reasons for every removed
comment and every restricted account (moderation's ``decision_made`` / ``sanction_imposed``
signals, sent after the decision is committed), and the reader's statements on their settings
page. Connected once from ``LegalConfig.ready()``."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.core.hooks import fills_slot, provides_report_page, slot_fillers
from newsdesk.legal import complaints, misuse_steps, parts
from newsdesk.legal import signals as legal_signals
from newsdesk.legal.actions.holds import do_place_hold, do_release_hold
from newsdesk.legal.actions.statements import do_issue_statement
from newsdesk.legal.models import LegalHold, Notice, Statement
from newsdesk.legal.statements import measure_for_sanction
from newsdesk.moderation import signals
from newsdesk.moderation.hooks import tells_the_reader
from newsdesk.moderation.models import Case, Sanction

logger = logging.getLogger(__name__)


def issue_for_decision(sender: Any, *, case: Case, acting_user: Any = None, **kwargs: Any) -> None:
    """A removed comment gets its statement of reasons (approvals get none)."""
    if not parts.enabled("statements") or case.queue != Case.Queue.REJECTED:
        return
    try:
        do_issue_statement(case, acting_user=acting_user)
    except ActionRefused as refused:
        logger.warning("no statement of reasons for case %s: %s", case.pk, refused.message)


def issue_for_sanction(
    sender: Any, *, sanction: Sanction, acting_user: Any = None, **kwargs: Any
) -> None:
    """A restricted account gets its statement of reasons (a warning restricts nothing)."""
    if not parts.enabled("statements") or measure_for_sanction(sanction.kind) is None:
        return
    try:
        do_issue_statement(sanction, acting_user=acting_user)
    except ActionRefused as refused:
        logger.warning("no statement of reasons for sanction %s: %s", sanction.pk, refused.message)


def statement_tells_the_reader(subject: Any) -> bool:
    """moderation.hooks.tells_the_reader: with the statements part on, a removed comment and
    a sanction that restricts the account get a statement of reasons, which replaces
    moderation's own e-mail (a warning restricts nothing: moderation's e-mail tells of it).
    Signals are sent with ``robust`` on-commit callbacks, so a failing receiver is logged and
    the e-mail task queued after it still runs."""
    if not parts.enabled("statements"):
        return False
    # Only where the statement was really issued: if issuing it failed, moderation's own
    # e-mail still tells the reader.
    if isinstance(subject, Case):
        return (
            subject.queue == Case.Queue.REJECTED
            and Statement.objects.filter(comment_id=subject.comment_id).exists()
        )
    if isinstance(subject, Sanction):
        return (
            measure_for_sanction(subject.kind) is not None
            and Statement.objects.filter(sanction=subject).exists()
        )
    return False


def connect() -> None:
    connect_parts()
    # The community's report links and disclaimer lead to the notice form (Art. 16).
    from newsdesk.legal.notices import report_page_address

    provides_report_page(report_page_address)
    from newsdesk.legal.views.statements import reader_statements, reason_templates

    signals.decision_made.connect(issue_for_decision, dispatch_uid="legal-statement-decision")
    signals.sanction_imposed.connect(issue_for_sanction, dispatch_uid="legal-statement-sanction")
    for slot, filler in (
        ("reader_settings", reader_statements),
        ("moderation_reason_templates", reason_templates),
    ):
        if filler not in slot_fillers(slot):
            fills_slot(slot)(filler)
    connect_navigation_and_mail()


def connect_navigation_and_mail() -> None:
    """The legal team's pages in moderation's navigation, the case link beside each workspace
    item and the footer's links (template slots, ``views.navigation``); the statement of
    reasons in place of moderation's own e-mail (``moderation.hooks``). Idempotent."""
    from newsdesk.legal.views import navigation

    for slot, filler in navigation.FILLERS:
        if filler not in slot_fillers(slot):
            fills_slot(slot)(filler)
    tells_the_reader(statement_tells_the_reader)


# Between the legal channels' own parts (legal.signals): holds while a notice is open or a
# complaint may still come, and the misuse steps (Art. 23).


def hold_reported_comments(sender: Any, *, notice: Notice, **kwargs: Any) -> None:
    """An open notice keeps the reported comments from erasure until it is decided."""
    if not parts.enabled("data_rights"):
        return
    for item in notice.items.select_related("comment"):
        if item.comment is not None:
            do_place_hold(
                kind=LegalHold.Kind.NOTICE,
                reference=f"notice {notice.reference}",
                comment=item.comment,
                acting_user=None,
            )


def after_notice_decided(sender: Any, *, notice: Notice, **kwargs: Any) -> None:
    """The notice's holds end; the notifier's complaint window holds the comments instead;
    an unfounded notice counts towards the notifier's misuse."""
    if parts.enabled("data_rights"):
        for hold in LegalHold.objects.filter(
            kind=LegalHold.Kind.NOTICE,
            reference=f"notice {notice.reference}",
            released_at__isnull=True,
        ):
            do_release_hold(hold, acting_user=None, note="notice decided")
        told = complaints.notice_told_at(notice)
        if parts.enabled("complaints") and told is not None:
            closes = complaints.window_closes(told)
            for item in notice.items.select_related("comment"):
                if item.comment is not None and closes > clock.now():
                    do_place_hold(
                        kind=LegalHold.Kind.COMPLAINT,
                        reference=f"notice {notice.reference}",
                        comment=item.comment,
                        until=closes,
                        acting_user=None,
                    )
    misuse_steps.after_unfounded_notice(notice)


def after_statement_issued(sender: Any, *, statement: Statement, **kwargs: Any) -> None:
    """The affected reader's complaint window holds the comment (and account data); the
    statement counts towards the poster's misuse."""
    if parts.enabled("data_rights") and parts.enabled("complaints"):
        closes = complaints.window_closes(complaints.statement_told_at(statement))
        if closes > clock.now() and (statement.comment or statement.user):
            do_place_hold(
                kind=LegalHold.Kind.COMPLAINT,
                reference=f"statement {statement.puid}"[:100],
                comment=statement.comment,
                account=statement.user if statement.comment is None else None,
                until=closes,
                acting_user=None,
            )
    misuse_steps.after_statement(statement)


def connect_parts() -> None:
    legal_signals.notice_received.connect(hold_reported_comments, dispatch_uid="legal-hold-notice")
    legal_signals.notice_decided.connect(after_notice_decided, dispatch_uid="legal-notice-decided")
    legal_signals.statement_issued.connect(
        after_statement_issued, dispatch_uid="legal-statement-issued"
    )
