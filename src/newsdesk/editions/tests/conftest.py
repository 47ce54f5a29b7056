"""Fixtures for the editions tests: the deterministic engine, publishing with its signals."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from newsdesk.newsroom.testing import make_article
from newsdesk.translation.engines import get_engine

DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"
# Text the dummy engine translates word for word without any check complaining.
CLEAN: dict[str, Any] = {
    "kicker": "Stadt",
    "lead": "Die Stadt ist neu.",
    "blocks": [
        ("paragraph", "Der Bürgermeister sagte heute."),
        ("subheading", "Das Haus"),
        ("paragraph", 'Die Schule ist <a href="https://example.org/">neu</a>.'),
    ],
}


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages in English whatever an earlier test left active (requests set their own)."""
    with translation.override("en"):
        yield


@pytest.fixture
def engine(settings: Any):
    """The dummy engine as the configured engine; its `calls` list what it was sent."""
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "t1"}}
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 0
    instance = get_engine()
    instance.calls.clear()
    return instance


@pytest.fixture
def failing_engine(settings: Any):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": DUMMY,
        "OPTIONS": {"version": "t1", "fail": "engine is down"},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 0
    instance = get_engine()
    instance.calls.clear()
    return instance


@pytest.fixture
def publish(django_capture_on_commit_callbacks: Any):
    """publish(**fields) -> a published article, with the publish-time signals delivered."""

    def build(**fields: Any):
        fields = {**CLEAN, **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return build


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any):
    """committed(fn, *args) runs fn and then what it left for after the commit."""

    def run(function: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
