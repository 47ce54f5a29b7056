"""The site's notion of "now": one clock every app reads, which tests can stop.

``now()`` is ``django.utils.timezone.now()`` (aware, UTC) unless a test (or the browser tests'
server) fixed it with ``set_now`` or ``frozen``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware."""
    return _fixed if _fixed is not None else timezone.now()


def set_now(value: dt.datetime | None) -> None:
    """Fix the clock at ``value`` (timezone-aware), or let it run again with None.

    Raises ValueError for a naive datetime."""
    global _fixed
    if value is not None and timezone.is_naive(value):
        raise ValueError("set_now needs a timezone-aware datetime")
    _fixed = value


@contextmanager
def frozen(value: dt.datetime) -> Iterator[None]:
    """The clock stands at ``value`` inside the block."""
    previous = _fixed
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)
