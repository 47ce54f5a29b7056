"""Misuse (DSA Art. 23): when an account that often posts manifestly illegal content, or a
notifier who often sends manifestly unfounded notices, is warned and then suspended.

The policy (settings from the environment; the terms describe it to readers):

- ``NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS`` (default 3): manifestly illegal items of one
  account: statements of reasons about its content (not about its account) on the ground
  ``DECISION_GROUND_ILLEGAL_CONTENT`` that were not reversed on a complaint;
- ``NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES`` (default 5): manifestly unfounded notices of
  one notifier (``Notice.outcome`` "unfounded"), recognised by account, e-mail address or
  address hash, and by what their other unfounded notices of the period name; notices of
  trusted flaggers are left to Art. 22(6) and not counted;
- ``NEWSDESK_LEGAL_MISUSE_DAYS`` (default 90): the period they are counted in;
- ``NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS`` (default 30): how long a suspension lasts;
- ``NEWSDESK_LEGAL_MISUSE_REASON`` (default "illegal"): the moderation reason of a poster's
  sanction.

The steps. Counted are the items of the last DAYS days that no earlier step used. When they
reach the threshold, the next step is taken: a warning, or a suspension when the party was
warned (or suspended) within the last DAYS days. So with the defaults a third
illegal comment within 90 days brings a warning, three more within 90 days of it a suspension
of 30 days, and three more while the earlier step is less than 90 days old another
suspension. A poster's warning is a moderation warning (they acknowledge it before posting
again), their suspension a moderation suspension; a notifier's warning is an e-mail, their
suspension means notices they send until its end are not processed (the notice form asks
``notices_suspended_until``). Every step is audited (``legal.misuse_measure``) and listed on the
moderators' page ``legal:misuse``.

Where it runs: ``newsdesk.legal.misuse_steps`` takes the steps, after each statement of
reasons issued and each notice decided as manifestly unfounded (``legal.signals``). A
poster's step is taken in the name of the moderator who decided the statement (a sanction
needs one); after a statement the system issued alone no step is taken, and the
next statement decided by a person takes it (the count still stands).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from newsdesk.core import clock
from newsdesk.core.actors import AnyUser, person
from newsdesk.legal import parts
from newsdesk.legal.models import MisuseMeasure, Notice, Statement
from newsdesk.legal.tdb import DecisionGround

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """The misuse policy in force (see the module's docstring); counts and days."""

    illegal_items: int
    unfounded_notices: int
    days: int
    suspension_days: int
    reason: str

    @classmethod
    def current(cls) -> Policy:
        return cls(
            illegal_items=int(getattr(settings, "NEWSDESK_LEGAL_MISUSE_ILLEGAL_ITEMS", 3)),
            unfounded_notices=int(getattr(settings, "NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES", 5)),
            days=int(getattr(settings, "NEWSDESK_LEGAL_MISUSE_DAYS", 90)),
            suspension_days=int(getattr(settings, "NEWSDESK_LEGAL_MISUSE_SUSPENSION_DAYS", 30)),
            reason=str(getattr(settings, "NEWSDESK_LEGAL_MISUSE_REASON", "illegal")),
        )

    def as_dict(self) -> dict[str, int | str]:
        return {
            "illegal_items": self.illegal_items,
            "unfounded_notices": self.unfounded_notices,
            "days": self.days,
            "suspension_days": self.suspension_days,
            "reason": self.reason,
        }


def illegal_statements(user: User) -> QuerySet[Statement]:
    """The statements that count as manifestly illegal items of ``user``."""
    return Statement.objects.filter(
        user=user,
        decision_ground=DecisionGround.ILLEGAL_CONTENT,
        reversed_at__isnull=True,
        sanction__isnull=True,
    )


@dataclass
class Notifier:
    """Whom a notifier's notices name: accounts (ids), e-mail addresses (lower case) and
    address hashes. ``notifier_step_due`` widens it by one hop: what the notifier's other
    unfounded notices of the period name (the same address with or without an e-mail)."""

    users: set[int]
    emails: set[str]
    hashes: set[str]

    @classmethod
    def of(cls, *, user: User | None, email: str, address_hash: str) -> Notifier:
        return cls(
            {user.pk} if user is not None else set(),
            {email.strip().lower()} if email.strip() else set(),
            {address_hash} if address_hash else set(),
        )

    def notices(self) -> Q:
        query = Q(pk__in=[]) | Q(notifier_id__in=self.users) | Q(address_hash__in=self.hashes)
        for email in self.emails:
            query |= Q(notifier_email__iexact=email)
        return query

    def measures(self) -> Q:
        return Q(kind=MisuseMeasure.Kind.NOTIFIER) & (
            Q(user_id__in=self.users) | Q(email__in=self.emails) | Q(address_hash__in=self.hashes)
        )

    def widened(self, unfounded: QuerySet[Notice]) -> Notifier:
        rows = unfounded.filter(self.notices()).values_list(
            "notifier_id", "notifier_email", "address_hash"
        )
        users, emails, hashes = set(self.users), set(self.emails), set(self.hashes)
        for user_id, email, address_hash in rows:
            users.update([user_id] if user_id else [])
            emails.update([email.lower()] if email else [])
            hashes.update([address_hash] if address_hash else [])
        return Notifier(users, emails, hashes)


def _next_step(
    measures: QuerySet[MisuseMeasure], now: dt.datetime, days: int, key: str
) -> tuple[str, dt.datetime, set[object]]:
    """(the next step, the start of the period, the items earlier steps in it used): a
    suspension when the party's latest step lies within the period, else a warning."""
    window_start = now - dt.timedelta(days=days)
    recent = list(measures.filter(created_at__gt=window_start).order_by("-created_at", "-pk"))
    used = {item for measure in recent for item in measure.items.get(key, [])}
    step = MisuseMeasure.Step.SUSPENSION if recent else MisuseMeasure.Step.WARNING
    return step, window_start, used


def poster_step_due(user: User, now: dt.datetime | None = None) -> tuple[str, list[int]] | None:
    """(step, statement ids) when ``user``'s manifestly illegal items of the period that no
    earlier step used reach the threshold, else None."""
    now = now or clock.now()
    policy = Policy.current()
    measures = MisuseMeasure.objects.filter(kind=MisuseMeasure.Kind.POSTER, user=user)
    step, since, used = _next_step(measures, now, policy.days, "statements")
    ids = [
        pk
        for pk in illegal_statements(user)
        .filter(created_at__gt=since, created_at__lte=now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        if pk not in used
    ]
    return (step, ids) if len(ids) >= policy.illegal_items else None


def notifier_step_due(
    *, user: User | None, email: str, address_hash: str, now: dt.datetime | None = None
) -> tuple[str, list[str], Notifier] | None:
    """(step, notice references, the notifier widened) when the notifier's manifestly
    unfounded notices of the period that no earlier step used reach the threshold, else
    None."""
    now = now or clock.now()
    policy = Policy.current()
    window_start = now - dt.timedelta(days=policy.days)
    unfounded = Notice.objects.filter(
        outcome=Notice.Outcome.UNFOUNDED,
        trusted_flagger__isnull=True,
        decided_at__gt=window_start,
        decided_at__lte=now,
    )
    notifier = Notifier.of(user=user, email=email, address_hash=address_hash).widened(unfounded)
    measures = MisuseMeasure.objects.filter(notifier.measures())
    step, _since, used = _next_step(measures, now, policy.days, "notices")
    references = [
        reference
        for reference in unfounded.filter(notifier.notices())
        .order_by("decided_at", "pk")
        .values_list("reference", flat=True)
        if reference not in used
    ]
    if len(references) < policy.unfounded_notices:
        return None
    return step, references, notifier


def notices_suspended_until(
    *, user: AnyUser | None, email: str, address_hash: str
) -> dt.datetime | None:
    """When the suspension of this notifier's notices ends (aware), or None when their notices
    are processed. Any of account, e-mail address (any case) and address hash recognises
    them; blank values are ignored. The notice form calls this before accepting a notice."""
    if not parts.enabled("misuse"):
        return None
    account = person(user)
    if account is None and not email and not address_hash:
        return None
    notifier = Notifier.of(user=account, email=email, address_hash=address_hash)
    latest = (
        MisuseMeasure.objects.filter(
            notifier.measures(),
            step=MisuseMeasure.Step.SUSPENSION,
            ends_at__gt=clock.now(),
            starts_at__lte=clock.now(),
        )
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    return latest
