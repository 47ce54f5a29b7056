"""Moderation plugged into the community: the screening pipeline on every new and edited
comment, the sanctions guard on every post, edit and vote, and a case for every hold."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.moderation import screening
from newsdesk.moderation.actions import record_hold
from newsdesk.moderation.enforcement import banned_name_check, sanction_guard
from newsdesk.moderation.models import ModerationPolicy, WordList


def screen_comment(draft: community.Draft) -> None:
    screening.run(draft)


def open_case(comment: Comment, draft: community.Draft) -> None:
    """Inside the transaction that stores a held comment: its case and the audit row."""
    if draft.holds:
        record_hold(
            comment,
            draft_holds=draft.holds,
            screening=draft.screening,
            new=draft.editing is None,
        )


def connect() -> None:
    if screen_comment not in community.comment_screeners:
        community.screens_comments(screen_comment)
    community.guards_posting(sanction_guard)
    community.checks_display_names(banned_name_check)
    for model in (WordList, ModerationPolicy):
        post_save.connect(screening.forget_cached, sender=model, dispatch_uid=f"mod-{model}")
        post_delete.connect(screening.forget_cached, sender=model, dispatch_uid=f"mod-d-{model}")
    community.on_comment_stored(open_case)
