"""Fixtures of the community tests: an article, a clock set to a time the function is open."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsdesk.community import hours
from newsdesk.community.rendering import forget_notices
from newsdesk.core import clock, hooks
from newsdesk.newsroom.testing import make_article

VIENNA = ZoneInfo("Europe/Vienna")


def vienna(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIENNA)


@pytest.fixture(autouse=True)
def fresh_schedule():
    """The in-process copies of schedule and notices must not outlive a test's database."""
    hours.forget_schedule()
    forget_notices()


@pytest.fixture(autouse=True)
def no_report_page_from_higher_apps():
    """The community's own behaviour: no reporting page from the apps above it (the legal
    app's notice form; its tests check the link to it), unless a test registers one."""
    with hooks.without_report_pages():
        yield


@pytest.fixture(autouse=True)
def open_clock():
    """Tests run at 14:00 Vienna time (open) unless they set the clock themselves."""
    clock.set_now(vienna(2026, 11, 27, 14, 0))
    yield
    clock.set_now(None)


@pytest.fixture
def article(db):
    return make_article(headline="Budget beschlossen")
