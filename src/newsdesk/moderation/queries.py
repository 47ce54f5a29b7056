"""What the moderators' workspace reads: the queues, their counts, the items with their author,
search, and moderation's part of the audit trail. Read-only; changes go through ``actions``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.moderation.models import Case, Sanction, TrustedReader

# The workspace's tabs, in order; "all" is the search over every comment.
QUEUES: dict[str, Promise] = {
    Case.Queue.PENDING: _("Pending"),
    Case.Queue.SYSTEM: _("Held by screening"),
    Case.Queue.REPORTED: _("Reported"),
    Case.Queue.APPROVED: _("Approved"),
    Case.Queue.REJECTED: _("Rejected"),
    "all": _("All comments"),
}

# What each screening hold means, for the moderator (codes: ``moderation.screening``).
HOLD_LABELS: dict[str, Promise] = {
    "banned_term": _("banned term"),
    "suspect_term": _("suspect term"),
    "links": _("links"),
    "new_account": _("first comment of a new reader"),
    "repeat_post": _("same text in another discussion"),
    "rejection_share": _("many of the author's comments were rejected"),
    "classifier": _("classifier score at or above the threshold"),
    "classifier_unavailable": _("classifier unavailable"),
    "premoderation": _("pre-moderation"),
}

# Event types of moderation's audit trail.
AUDIT_PREFIXES = ("comment.", "sanction.", "reader.", "moderation.")
AUDIT_EVENT_TYPES = [
    (value, label) for value, label in EventType.choices if value.startswith(AUDIT_PREFIXES)
]

_ITEM_RELATIONS = (
    "conversation__article__section",
    "author__community_profile",
    "parent__author__community_profile",
    "moderation_case__reason",
    "moderation_case__decided_by",
)

_HELD = Q(status=Comment.Status.PENDING, deleted_at__isnull=True)
# Held comments without a pre-moderation case: screening's holds, and those whose case could
# not be written (or was decided, then held again by an edit). A held comment that was then
# reported is in the reported queue.
_SYSTEM = _HELD & ~Q(moderation_case__queue__in=[Case.Queue.PENDING, Case.Queue.REPORTED])
# Reported comments still there to decide on (a comment its author deleted has nothing left).
_REPORTED = Q(moderation_case__queue=Case.Queue.REPORTED, deleted_at__isnull=True)


def queue_comments(queue: str) -> QuerySet[Comment]:
    """The comments of ``queue`` in the order moderators work through them: held ones oldest
    first, reported ones by priority (trusted flaggers' first), then oldest first, decided
    ones latest decision first, all comments newest first."""
    comments = Comment.objects.select_related(*_ITEM_RELATIONS)
    if queue == Case.Queue.PENDING:
        return comments.filter(_HELD, moderation_case__queue=Case.Queue.PENDING).order_by(
            "created_at", "pk"
        )
    if queue == Case.Queue.SYSTEM:
        return comments.filter(_SYSTEM).order_by("created_at", "pk")
    if queue in (Case.Queue.APPROVED, Case.Queue.REJECTED):
        return comments.filter(moderation_case__queue=queue).order_by(
            "-moderation_case__decided_at", "-pk"
        )
    if queue == Case.Queue.REPORTED:
        return comments.filter(_REPORTED).order_by(
            "moderation_case__priority", "moderation_case__created_at", "pk"
        )
    if queue == "all":
        return comments.order_by("-created_at", "-pk")
    return comments.none()


def queue_counts() -> dict[str, int]:
    """How many comments each queue holds (two queries)."""
    held = Comment.objects.filter(_HELD | _REPORTED).aggregate(
        pending=Count("pk", filter=_HELD & Q(moderation_case__queue=Case.Queue.PENDING)),
        system=Count("pk", filter=_SYSTEM),
        reported=Count("pk", filter=_REPORTED),
    )
    decided = Case.objects.filter(queue__in=[Case.Queue.APPROVED, Case.Queue.REJECTED]).aggregate(
        approved=Count("pk", filter=Q(queue=Case.Queue.APPROVED)),
        rejected=Count("pk", filter=Q(queue=Case.Queue.REJECTED)),
    )
    return {
        Case.Queue.PENDING: held["pending"],
        Case.Queue.SYSTEM: held["system"],
        Case.Queue.REPORTED: held["reported"],
        Case.Queue.APPROVED: decided["approved"],
        Case.Queue.REJECTED: decided["rejected"],
    }


def search(
    comments: QuerySet[Comment],
    *,
    text: str = "",
    author: str = "",
    article: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Comment]:
    """Narrow ``comments`` by text, author (display name or username), article headline and
    the day they were posted (both ends included, in the site's time zone)."""
    if text:
        comments = comments.filter(text__icontains=text)
    if author:
        comments = comments.filter(
            Q(author__community_profile__display_name__icontains=author)
            | Q(author__username__icontains=author)
        )
    if article:
        comments = comments.filter(
            Q(conversation__article__headline__icontains=article)
            | Q(conversation__title__icontains=article)
        )
    if since is not None:
        comments = comments.filter(created_at__date__gte=since)
    if until is not None:
        comments = comments.filter(created_at__date__lte=until)
    return comments


@dataclass
class AuthorSummary:
    """What a moderator needs to know about a comment's author."""

    user: User
    display_name: str
    visible: int = 0
    pending: int = 0
    rejected: int = 0
    trusted: bool = False
    sanctions: list[Sanction] = field(default_factory=list)

    @property
    def active_sanctions(self) -> list[Sanction]:
        return [sanction for sanction in self.sanctions if is_active(sanction)]


@dataclass
class HoldView:
    code: str
    label: str
    note: str
    evidence: list[tuple[str, str]]


@dataclass
class QueueItem:
    """A comment as the workspace shows it: its case, why it was held, its author."""

    comment: Comment
    case: Case | None
    author: AuthorSummary | None
    holds: list[HoldView]
    # The comment's language when it differs from the site's (else "").
    other_language: str

    @property
    def parent(self) -> Comment | None:
        return self.comment.parent


def is_active(sanction: Sanction) -> bool:
    """Whether the sanction is in force now (as ``screening.active_sanctions`` counts)."""
    return sanction.in_force(clock.now())


def display_name(user: User) -> str:
    """The reader's public name, or the username of an account without a profile."""
    try:
        return user.community_profile.display_name
    except User.community_profile.RelatedObjectDoesNotExist:
        return user.get_username()


def case_of(comment: Comment) -> Case | None:
    try:
        return comment.moderation_case
    except Comment.moderation_case.RelatedObjectDoesNotExist:
        return None


def _evidence(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _holds(case: Case | None) -> list[HoldView]:
    if case is None:
        return []
    holds = []
    for hold in case.holds or []:
        code = str(hold.get("code", ""))
        evidence = hold.get("evidence") or {}
        holds.append(
            HoldView(
                code=code,
                label=str(HOLD_LABELS.get(code, code)),
                note=str(hold.get("note", "")),
                evidence=[(str(key), _evidence(value)) for key, value in evidence.items()],
            )
        )
    return holds


def author_records(users: Iterable[User]) -> dict[int, AuthorSummary]:
    """Records of these authors, in three queries for any number of them: comment counts,
    sanctions (newest first), trust."""
    records = {user.pk: AuthorSummary(user=user, display_name=display_name(user)) for user in users}
    if not records:
        return records
    counts = (
        Comment.objects.filter(author_id__in=records, deleted_at__isnull=True)
        .values("author_id")
        .annotate(
            visible=Count("pk", filter=Q(status=Comment.Status.VISIBLE)),
            pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
            rejected=Count("pk", filter=Q(status=Comment.Status.REJECTED)),
        )
    )
    for row in counts:
        record = records[row["author_id"]]
        record.visible, record.pending, record.rejected = (
            row["visible"],
            row["pending"],
            row["rejected"],
        )
    sanctions = Sanction.objects.filter(user_id__in=records).select_related("reason")
    for sanction in sanctions.order_by("-starts_at", "-pk"):
        records[sanction.user_id].sanctions.append(sanction)
    for user_id in TrustedReader.objects.filter(user_id__in=records).values_list(
        "user_id", flat=True
    ):
        records[user_id].trusted = True
    return records


def queue_items(comments: Sequence[Comment]) -> list[QueueItem]:
    """The page's comments as items, with a constant number of queries for the authors."""
    authors = author_records(
        {comment.author.pk: comment.author for comment in comments if comment.author}.values()
    )
    site_language = settings.LANGUAGE_CODE.split("-")[0]
    items = []
    for comment in comments:
        case = case_of(comment)
        language = (comment.language or "").split("-")[0]
        items.append(
            QueueItem(
                comment=comment,
                case=case,
                author=authors.get(comment.author_id) if comment.author_id else None,
                holds=_holds(case),
                other_language=comment.language if language != site_language else "",
            )
        )
    return items


def comment_item(comment_id: int) -> QueueItem | None:
    """One comment as a workspace item (None: no such comment)."""
    comment = Comment.objects.select_related(*_ITEM_RELATIONS).filter(pk=comment_id).first()
    return queue_items([comment])[0] if comment is not None else None


def audit_events(
    *,
    event_type: str = "",
    actor: User | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Moderation's audit events, newest first, filtered."""
    prefixes = Q()
    for prefix in AUDIT_PREFIXES:
        prefixes |= Q(event_type__startswith=prefix)
    events = AuditEvent.objects.filter(prefixes).select_related("actor", "target_type")
    if event_type:
        events = events.filter(event_type=event_type)
    if actor is not None:
        events = events.filter(actor_id=actor.pk)
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    return events.order_by("-created_at", "-pk")
