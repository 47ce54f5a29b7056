"""Taking the misuse steps (DSA Art. 23) when they are due: after a statement of reasons was
issued, after a notice was decided as manifestly unfounded. The policy and the counting are in
``newsdesk.legal.misuse``; ``newsdesk.legal.receivers`` connects these to ``legal.signals``."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import parts
from newsdesk.legal.actions.misuse import do_take_misuse_step
from newsdesk.legal.misuse import Policy, notifier_step_due, poster_step_due
from newsdesk.legal.models import MisuseMeasure, Notice, Statement
from newsdesk.legal.tdb import DecisionGround

logger = logging.getLogger(__name__)


def after_statement(statement: Statement) -> MisuseMeasure | None:
    """Call after a statement of reasons was issued (and committed): takes the poster's next
    step when the policy calls for it. Returns the step taken, or None."""
    if not parts.enabled("misuse"):
        return None
    if (
        statement.user is None
        or statement.sanction_id is not None
        or statement.reversed_at is not None
        or statement.decision_ground != DecisionGround.ILLEGAL_CONTENT
    ):
        return None
    if statement.decided_by is None:
        logger.info("statement %s decided by the system: no misuse step", statement.pk)
        return None
    due = poster_step_due(statement.user)
    if due is None:
        return None
    step, ids = due
    policy = Policy.current()
    ends_at = (
        clock.now() + dt.timedelta(days=policy.suspension_days)
        if step == MisuseMeasure.Step.SUSPENSION
        else None
    )
    note = _(
        "Measure against misuse (Art. 23 DSA): %(count)d of your comments were removed as "
        "manifestly illegal within %(days)d days."
    ) % {"count": len(ids), "days": policy.days}
    try:
        return do_take_misuse_step(
            kind=MisuseMeasure.Kind.POSTER,
            step=step,
            user=statement.user,
            items={"statements": ids},
            policy=policy.as_dict(),
            ends_at=ends_at,
            note=note,
            acting_user=statement.decided_by,
        )
    except ActionRefused as refused:
        logger.warning("misuse step for statement %s refused: %s", statement.pk, refused.code)
        return None


def after_unfounded_notice(notice: Notice) -> MisuseMeasure | None:
    """Call after a notice was decided as manifestly unfounded (and committed): takes the
    notifier's next step when the policy calls for it. Returns the step taken, or None."""
    if not parts.enabled("misuse"):
        return None
    if notice.outcome != Notice.Outcome.UNFOUNDED or notice.trusted_flagger_id is not None:
        return None
    user, email, address_hash = notice.notifier, notice.notifier_email, notice.address_hash
    due = notifier_step_due(user=user, email=email, address_hash=address_hash)
    if due is None:
        return None
    step, references, notifier = due
    # The measure names the notifier as fully as their notices do.
    if user is None and len(notifier.users) == 1:
        user = User.objects.filter(pk=next(iter(notifier.users))).first()
    email = email or (user.email if user is not None else "") or min(notifier.emails, default="")
    address_hash = address_hash or min(notifier.hashes, default="")
    policy = Policy.current()
    ends_at = (
        clock.now() + dt.timedelta(days=policy.suspension_days)
        if step == MisuseMeasure.Step.SUSPENSION
        else None
    )
    try:
        return do_take_misuse_step(
            kind=MisuseMeasure.Kind.NOTIFIER,
            step=step,
            user=user,
            email=email,
            address_hash=address_hash,
            items={"notices": references},
            policy={**policy.as_dict(), "language": notice.language},
            ends_at=ends_at,
            acting_user=notice.decided_by,
        )
    except ActionRefused as refused:
        logger.warning("misuse step for notice %s refused: %s", notice.reference, refused.code)
        return None
