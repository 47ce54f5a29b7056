"""Legal holds, read side: which holds are in force for an account or a comment, what an
erasure must keep aside because of them, and purging what no hold covers any more.

Rules (also in the models' docstrings): a hold with a comment covers that comment (and, with
an account too, the account's identifying data); a hold with an account alone covers the
account's data and every comment of the account. Holds are honoured whether or not the
``data_rights`` part runs: keeping records for a case is a legal duty, not a feature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.legal.models import LegalHold, RestrictedRecord
from newsdesk.legal.models.holds import active_holds_q


def holds_for(user: User, *, now: dt.datetime | None = None) -> QuerySet[LegalHold]:
    """The holds in force that cover ``user``'s account data (soonest end last)."""
    now = now or clock.now()
    return LegalHold.objects.filter(active_holds_q(now), account_number=user.pk)


def holds_on(comment: Comment, *, now: dt.datetime | None = None) -> QuerySet[LegalHold]:
    """The holds in force that cover ``comment``: on the comment itself, or on its author's
    account as a whole (a hold with an account and no comment)."""
    now = now or clock.now()
    covers = Q(comment=comment)
    if comment.author_id is not None:
        covers |= Q(account_number=comment.author_id, comment__isnull=True)
    return LegalHold.objects.filter(active_holds_q(now), covers)


def held_comments(user: User, *, now: dt.datetime | None = None) -> dict[int, list[LegalHold]]:
    """{comment id: holds in force} for the comments of ``user`` that a hold covers."""
    now = now or clock.now()
    holds = list(
        LegalHold.objects.filter(active_holds_q(now))
        .filter(Q(comment__author=user) | Q(account_number=user.pk, comment__isnull=True))
        .order_by("pk")
    )
    account_wide = [hold for hold in holds if hold.comment_id is None]
    result: dict[int, list[LegalHold]] = {}
    if account_wide:
        for pk in Comment.objects.filter(author=user).values_list("pk", flat=True):
            result[pk] = list(account_wide)
    for hold in holds:
        if hold.comment_id is not None:
            result.setdefault(hold.comment_id, []).append(hold)
    return result


def latest_end(holds: list[LegalHold]) -> dt.datetime | None:
    """When the last of ``holds`` ends (None: one of them runs until released)."""
    if not holds or any(hold.until is None for hold in holds):
        return None
    return max(hold.until for hold in holds if hold.until is not None)


def unheld_records(now: dt.datetime) -> QuerySet[RestrictedRecord]:
    """Restricted records not yet purged that no hold in force covers any more."""
    in_force = LegalHold.objects.filter(active_holds_q(now)).values("pk")
    return RestrictedRecord.objects.filter(purged_at__isnull=True).exclude(holds__in=in_force)


def purge_unheld(now: dt.datetime) -> dict[str, int]:
    """Empty every restricted record no hold covers any more (call inside a transaction that
    records the purge). Returns {"accounts": n, "comments": n}."""
    counts = {"accounts": 0, "comments": 0}
    for record in unheld_records(now).select_for_update():
        record.data = {}
        record.purged_at = now
        record.save(update_fields=["data", "purged_at"])
        counts["accounts" if record.kind == RestrictedRecord.Kind.ACCOUNT else "comments"] += 1
    return counts


def restricted_account(account_number: int) -> dict[str, Any] | None:
    """The kept account data of an erased account, or None (not erased, or purged)."""
    record = (
        RestrictedRecord.objects.filter(
            kind=RestrictedRecord.Kind.ACCOUNT, account_number=account_number, purged_at=None
        )
        .order_by("-restricted_at")
        .first()
    )
    return record.data if record else None


def restricted_comment(comment_id: int) -> dict[str, Any] | None:
    """The kept copy of an erased comment (text, revisions, address), or None."""
    record = (
        RestrictedRecord.objects.filter(
            kind=RestrictedRecord.Kind.COMMENT, comment_id=comment_id, purged_at=None
        )
        .order_by("-restricted_at")
        .first()
    )
    return record.data if record else None
