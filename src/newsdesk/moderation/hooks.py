"""Registries through which higher apps change what moderation does, without import loops."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# func(subject) -> True when another app tells the reader about ``subject`` itself (a removed
# comment's ``Case`` or a ``Sanction``), so that moderation's own e-mail stays unsent.
_told_elsewhere: list[Callable[[Any], bool]] = []


def tells_the_reader(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Register ``func(subject) -> bool`` (registering the same function again does nothing):
    True means the reader is told about ``subject`` (a ``Case`` in the queue "rejected" or a
    ``Sanction``) by someone else, e.g. the legal channels' statement of reasons."""
    if func not in _told_elsewhere:
        _told_elsewhere.append(func)
    return func


def told_elsewhere(subject: Any) -> bool:
    """Whether a registered function says the reader is told about ``subject`` elsewhere."""
    return any(func(subject) for func in _told_elsewhere)
