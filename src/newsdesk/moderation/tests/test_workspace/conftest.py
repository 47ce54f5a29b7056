"""Fixtures of the workspace's tests: reasons, an article, held comments, a stopped clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.community import actions as community
from newsdesk.community import hours
from newsdesk.community.models import Comment
from newsdesk.community.rendering import forget_notices
from newsdesk.core import clock
from newsdesk.moderation.models import ModerationPolicy, Reason
from newsdesk.newsroom.testing import make_article

VIENNA = ZoneInfo("Europe/Vienna")
NOW = dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA)

# Links hold a comment for the "system" queue; everything else is pre-moderated ("pending").
PIPELINE = [
    {"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": {"allowed": 0}},
    {"CLASS": "newsdesk.moderation.screening.Premoderation"},
]


@pytest.fixture(autouse=True)
def stopped_clock() -> Iterator[None]:
    """14:00 in Vienna, when the comment function is open."""
    hours.forget_schedule()
    forget_notices()
    clock.set_now(NOW)
    yield
    clock.set_now(None)


@pytest.fixture
def premoderation(db: Any, settings: Any) -> ModerationPolicy:
    settings.NEWSDESK_MODERATION_PIPELINE = PIPELINE
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    return ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)


@pytest.fixture
def reasons(db: Any) -> dict[str, Reason]:
    """Exactly these reasons (the site's default ones removed for the test)."""
    Reason.objects.all().delete()
    return {
        "insult": Reason.objects.create(
            code="insult",
            label="Beleidigung",
            explanation="Beleidigungen verstoßen gegen Punkt 2 der Netiquette.",
            position=1,
        ),
        "spam": Reason.objects.create(
            code="spam", label="Werbung", explanation="Werbung ist nicht erlaubt.", position=2
        ),
        "retired": Reason.objects.create(
            code="retired", label="Alt", explanation="Nicht mehr in Gebrauch.", active=False
        ),
    }


@pytest.fixture
def article(db: Any) -> Any:
    return make_article(headline="Budget beschlossen")


@pytest.fixture
def post(
    premoderation: ModerationPolicy, article: Any, users: dict[str, Any]
) -> Callable[..., Comment]:
    """post(text, role="reader", parent=None, **kwargs): a comment through the community's
    action, screened by the pipeline above (held: pending, or system with a link)."""
    conversation = community.conversation_for_article(article)

    def write(text: str, role: str = "reader", **kwargs: Any) -> Comment:
        return community.do_post_comment(
            conversation, text_value=text, acting_user=users[role], **kwargs
        )

    return write
