"""The community's notion of "now", which tests (and the browser tests' server) can set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    return _fixed if _fixed is not None else timezone.now()


def set_now(value: dt.datetime | None) -> None:
    """Fix the clock at value (timezone-aware), or let it run again with None."""
    global _fixed
    if value is not None and timezone.is_naive(value):
        raise ValueError("set_now needs a timezone-aware datetime")
    _fixed = value


@contextmanager
def frozen(value: dt.datetime) -> Iterator[None]:
    previous = _fixed
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)
