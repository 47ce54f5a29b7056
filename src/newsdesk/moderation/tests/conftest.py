"""Fixtures of the moderation tests: an open comment function, reasons, a posting helper and
the whole default pipeline (the test settings run a reduced one for the other apps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from newsdesk.community import actions as community
from newsdesk.community import hours
from newsdesk.community.models import Comment, Conversation
from newsdesk.core import clock
from newsdesk.moderation import screening
from newsdesk.moderation.models import Reason
from newsdesk.newsroom.testing import make_article

NOON = dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Vienna"))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English (pages follow their URL's language; the German catalogue is
    checked where a test asks /de/ explicitly)."""
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
def full_pipeline(settings: Any) -> None:
    settings.NEWSDESK_MODERATION_PIPELINE = screening.DEFAULT_PIPELINE


@pytest.fixture
def conversation(db: Any) -> Conversation:
    return community.conversation_for_article(make_article(headline="Budget beschlossen"))


@pytest.fixture
def post(
    open_for_comments: None, conversation: Conversation, users: dict[str, Any]
) -> Callable[..., Comment]:
    """post(text, author="reader") -> the saved comment (posted through the action)."""

    def post_comment(text: str, author: str = "reader", **extra: Any) -> Comment:
        return community.do_post_comment(
            conversation, text_value=text, acting_user=users[author], **extra
        )

    return post_comment


@pytest.fixture
def reasons(db: Any) -> dict[str, Reason]:
    """Two of the reasons a new site starts with, their texts set for the assertions."""
    texts = {
        "insult": ("Beleidigung", "Beleidigungen verstoßen gegen Punkt 2 unserer Netiquette."),
        "spam": ("Spam", "Werbung ist hier nicht erlaubt."),
    }
    found = {}
    for code, (label, explanation) in texts.items():
        found[code], _created = Reason.objects.update_or_create(
            code=code, defaults={"label": label, "explanation": explanation, "active": True}
        )
    return found


@pytest.fixture
def told_only_by_moderation(monkeypatch: Any) -> None:
    """Moderation's own e-mails, whatever a higher app registered in
    ``moderation.hooks.tells_the_reader`` (e.g. the legal channels' statements of reasons)."""
    from newsdesk.moderation import hooks

    monkeypatch.setattr(hooks, "_told_elsewhere", [])
