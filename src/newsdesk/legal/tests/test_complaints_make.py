"""Rows the statements and notices parts will create, made directly through the models for
the tests of complaints, misuse and the transparency report (no tests in here)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import Group, User

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.legal.models import Notice, NoticeItem, Statement
from newsdesk.legal.tdb import Category, DecisionGround, DecisionVisibility, SourceType


def make_moderator(username: str = "second_moderator") -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="moderator"))
    return user


def make_statement(
    user: User | None,
    *,
    comment: Comment | None = None,
    decided_by: User | None = None,
    ground: str = DecisionGround.INCOMPATIBLE_CONTENT,
    created_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
    notice: Notice | None = None,
    **extra: Any,
) -> Statement:
    created_at = created_at or clock.now()
    values: dict[str, Any] = {
        "puid": f"newsdesk-{uuid.uuid4()}",
        "user": user,
        "comment": comment,
        "notice": notice,
        "decision_visibility": [DecisionVisibility.REMOVED],
        "decision_ground": ground,
        "category": Category.ILLEGAL_OR_HARMFUL_SPEECH,
        "content_type": ["CONTENT_TYPE_TEXT"],
        "content_date": created_at.date(),
        "application_date": created_at.date(),
        "decision_facts": "The comment insults another reader.",
        "source_type": SourceType.ARTICLE_16 if notice else SourceType.VOLUNTARY,
        "created_at": created_at,
        "decided_by": decided_by,
        "language": "en",
        "sent_at": sent_at,
    }
    if ground == DecisionGround.ILLEGAL_CONTENT:
        values["illegal_content_legal_ground"] = "§ 115 StGB"
        values["illegal_content_explanation"] = "An insult in public."
    else:
        values["incompatible_content_ground"] = "Netiquette, clause 2"
        values["incompatible_content_explanation"] = "Insults break the netiquette."
    values.update(extra)
    return Statement.objects.create(**values)


def make_notice(
    *,
    comment: Comment | None = None,
    notifier: User | None = None,
    email: str = "",
    outcome: str = "",
    decided_by: User | None = None,
    received_at: dt.datetime | None = None,
    decided_at: dt.datetime | None = None,
    told_at: dt.datetime | None = None,
    token: str = "",
    **extra: Any,
) -> Notice:
    received_at = received_at or clock.now()
    values: dict[str, Any] = {
        "reference": f"N-{uuid.uuid4().hex[:10].upper()}",
        "category": Category.ILLEGAL_OR_HARMFUL_SPEECH,
        "explanation": "This comment insults a reader.",
        "notifier": notifier,
        "notifier_email": email,
        "good_faith": True,
        "language": "en",
        "received_at": received_at,
        "access_token": token,
    }
    if outcome:
        values.update(
            status=Notice.Status.DECIDED,
            outcome=outcome,
            decided_by=decided_by,
            decided_at=decided_at or received_at,
            notifier_told_at=told_at,
        )
    values.update(extra)
    notice = Notice.objects.create(**values)
    if comment is not None:
        NoticeItem.objects.create(notice=notice, comment=comment)
    return notice
