"""Placing and releasing legal holds. The notices and complaints parts call ``place_hold`` /
``release_hold`` (the system acts: ``acting_user=None``); moderators release holds from the
legal team's page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from newsdesk.community.actions import can_moderate
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.holds import purge_unheld
from newsdesk.legal.models import LegalHold


def require_legal_team(acting_user: Actor) -> User:
    """The moderator (or admin) behind ``acting_user``; refuses ``forbidden`` (403)."""
    user = person(acting_user)
    if user is None or not can_moderate(user):
        raise ActionRefused(
            "forbidden", _("Only the legal team (moderators) can do this."), status=403
        )
    return user


def do_place_hold(
    *,
    kind: str,
    reference: str,
    account: User | None = None,
    comment: Comment | None = None,
    reason: str = "",
    until: dt.datetime | None = None,
    acting_user: Actor,
) -> LegalHold:
    """Keep ``account``'s data and/or ``comment`` from deletion (see ``LegalHold``) until
    released or ``until``. ``acting_user``: a moderator, or None when the system places it
    (a notice received, a complaint filed). Records HOLD_PLACED.

    Refusals: ``forbidden`` (403, a reader), ``bad_kind``, ``nothing_to_hold`` (neither an
    account nor a comment), ``reference_needed``, ``bad_until`` (not in the future).
    """
    actor = person(acting_user)
    if actor is not None:
        require_legal_team(actor)
    if kind not in LegalHold.Kind.values:
        raise ActionRefused("bad_kind", _("There is no hold of this kind."))
    if account is None and comment is None:
        raise ActionRefused("nothing_to_hold", _("A hold covers an account or a comment."))
    if not reference.strip():
        raise ActionRefused("reference_needed", _("Say which record the hold is for."))
    now = clock.now()
    if until is not None and until <= now:
        raise ActionRefused("bad_until", _("A hold must end in the future."))
    with transaction.atomic():
        hold = LegalHold.objects.create(
            kind=kind,
            account=account,
            account_number=account.pk if account is not None else None,
            comment=comment,
            reference=reference.strip()[:100],
            reason=reason.strip(),
            starts_at=now,
            until=until,
            placed_by=actor,
        )
        record_event(
            EventType.HOLD_PLACED,
            actor=actor,
            target=hold,
            new={
                "kind": kind,
                "reference": hold.reference,
                "account": hold.account_number,
                "comment": comment.pk if comment is not None else None,
                "until": until,
            },
        )
    return hold


def do_release_hold(hold: LegalHold, *, acting_user: Actor, note: str = "") -> LegalHold:
    """End ``hold`` now; records it no other hold covers are purged at once (their erasure
    was only waiting for the hold). Records HOLD_RELEASED (and DATA_PURGED when something
    was purged). ``acting_user``: a moderator, or None (the system, e.g. a notice decided).

    Refusals: ``forbidden`` (403), ``already_released`` (409).
    """
    actor = person(acting_user)
    if actor is not None:
        require_legal_team(actor)
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.released_at is not None:
            raise ActionRefused(
                "already_released", _("This hold was released already."), status=409
            )
        now = clock.now()
        locked.released_at = now
        locked.released_by = actor
        locked.save(update_fields=["released_at", "released_by"])
        record_event(
            EventType.HOLD_RELEASED,
            actor=actor,
            target=locked,
            old={"released_at": None},
            new={"released_at": now, "note": note},
        )
        purged = purge_unheld(now)
        if any(purged.values()):
            record_event(
                EventType.DATA_PURGED,
                actor=actor,
                target=locked,
                new={"why": "hold released", **purged},
            )
    hold.released_at, hold.released_by = locked.released_at, locked.released_by
    return hold


# The names the notices and complaints parts call.
place_hold = do_place_hold
release_hold = do_release_hold
