"""The site's own moderation decisions as training examples for the classifier."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from newsdesk.community.models import Comment
from newsdesk.core.models import AuditEvent, EventType

#: the audit events that are a moderator's verdict on a comment, and the label each gives
DECISION_LABELS = {EventType.COMMENT_REJECTED.value: 1, EventType.COMMENT_APPROVED.value: 0}


def site_examples(*, weight: float = 2.0) -> list[tuple[str, int, float]]:
    """``(text, label, weight)`` for every comment a person approved (label 0) or rejected
    (label 1), as ``linear.train(extra=...)`` takes them, ordered by comment.

    Only decisions with an actor count (rows without one were made by the system, and
    learning from them would teach the model its own mistakes). Where a comment was decided
    more than once, its latest decision counts. The text is the comment's current one;
    comments that are gone, whose text went with a deleted account, or that were edited
    after the decision (nobody judged that text) are left out.
    Two queries, plus one per batch of the database's parameter limit for the comments.
    """
    comment_type = ContentType.objects.get_for_model(Comment, for_concrete_model=False)
    decisions = (
        AuditEvent.objects.filter(
            event_type__in=list(DECISION_LABELS),
            actor__isnull=False,
            target_type=comment_type,
        )
        .order_by("created_at", "id")
        .values_list("target_id", "event_type", "new_value")
    )
    latest: dict[int, tuple[int, Any]] = {}
    for target_id, event_type, new_value in decisions.iterator():
        if target_id.isdigit():  # always, for comments; anything else is no comment of ours
            judged = (new_value or {}).get("text_digest")
            latest[int(target_id)] = (DECISION_LABELS[event_type], judged)
    comments = Comment.objects.only("text", "text_digest").in_bulk(list(latest))
    return [
        (comments[pk].text, label, weight)
        for pk, (label, judged) in sorted(latest.items())
        if pk in comments
        and comments[pk].text.strip()
        # Edited after the decision: nobody judged this text.
        and judged in (None, comments[pk].text_digest)
    ]
