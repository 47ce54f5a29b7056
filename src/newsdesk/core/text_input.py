"""Refusing control characters in text that comes in (APIs, forms), before it reaches a database.

NUL is refused everywhere: PostgreSQL cannot store it in text (the query fails), SQLite
stores it and cuts strings at it elsewhere. Fields of one line (addresses, titles, names,
codes) refuse every other C0 control character, DEL and the C1 controls too; fields that
allow lines keep tab, newline and carriage return (and leave the rest to their cleaning).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from newsdesk.core.errors import ActionRefused

_NUL = "\x00"
_ONE_LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control_characters(value: str, *, lines: bool = False) -> bool:
    """Whether ``value`` holds NUL, or (``lines=False``) any control character."""
    if lines:
        return _NUL in value
    return _ONE_LINE_CONTROLS.search(value) is not None


def refuse_control_characters(
    value: str,
    name: str,
    *,
    lines: bool = False,
    refusal: type[ActionRefused] = ActionRefused,
) -> str:
    """``value`` unchanged, or ``refusal`` (an :class:`ActionRefused` class: an app's own
    subclass where its views expect that) with the code ``control_characters`` (400),
    naming the field ``name`` as the request spells it."""
    if has_control_characters(value, lines=lines):
        raise refusal(
            "control_characters",
            _("%(name)s must not contain control characters such as NUL.") % {"name": name},
        )
    return value
