"""The legal channels plugged into moderation: a statement of reasons for every removed
comment and every restricted account (moderation's ``decision_made`` / ``sanction_imposed``
signals, sent after the decision is committed), and the reader's statements on their settings
page. Connected once from ``LegalConfig.ready()``."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.core.errors import ActionRefused
from newsdesk.core.hooks import fills_slot, slot_fillers
from newsdesk.legal import parts
from newsdesk.legal.actions.statements import do_issue_statement
from newsdesk.legal.statements import measure_for_sanction
from newsdesk.moderation import signals
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


def connect() -> None:
    from newsdesk.legal.views.statements import reader_statements, reason_templates

    signals.decision_made.connect(issue_for_decision, dispatch_uid="legal-statement-decision")
    signals.sanction_imposed.connect(issue_for_sanction, dispatch_uid="legal-statement-sanction")
    for slot, filler in (
        ("reader_settings", reader_statements),
        ("moderation_reason_templates", reason_templates),
    ):
        if filler not in slot_fillers(slot):
            fills_slot(slot)(filler)
