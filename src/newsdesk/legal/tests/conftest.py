"""Fixtures of the legal channels' tests: English messages, an open comment function, a
comment by a reader, reasons with their statement templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from newsdesk.community import actions as community
from newsdesk.community import hours
from newsdesk.community.models import Comment, Conversation
from newsdesk.core import clock
from newsdesk.legal.models import Ground
from newsdesk.legal.tdb import Category, DecisionGround
from newsdesk.moderation.models import Reason
from newsdesk.newsroom.testing import make_article

NOON = dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Vienna"))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def open_for_comments(settings: Any) -> Iterator[None]:
    """14:00 in Vienna (open), no pauses between posts, no per-address limit."""
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 1000
    settings.COMMUNITY_IP_PER_MINUTE = 0
    hours.forget_schedule()
    clock.set_now(NOON)
    yield
    clock.set_now(None)


@pytest.fixture
def conversation(db: Any) -> Conversation:
    return community.conversation_for_article(make_article(headline="Budget beschlossen"))


@pytest.fixture
def comment(open_for_comments: None, conversation: Conversation, users: dict[str, Any]) -> Comment:
    """A visible comment by ``users["reader"]``."""
    return community.do_post_comment(
        conversation,
        text_value="Das ist eine Beleidigung, du Idiot.",
        acting_user=users["reader"],
    )


@pytest.fixture
def insult(db: Any) -> Reason:
    """A reason with its statement template (netiquette ground)."""
    reason = Reason.objects.get(code="insult")  # one of the default reasons
    Ground.objects.update_or_create(
        reason=reason,
        defaults=dict(
            decision_ground=DecisionGround.INCOMPATIBLE_CONTENT,
            category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
            contractual_ground="Netiquette, clause 2 (respect)",
            explanation="The comment insults another reader.",
        ),
    )
    return reason
