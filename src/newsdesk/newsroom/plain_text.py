"""Control characters in text: the check for model fields, the cleaning for input and for XML.

C0 controls (but tab, line feed and carriage return in fields that allow lines), DEL, the C1
controls and the noncharacters U+FFFE/U+FFFF have no place in a headline or a lead: XML 1.0
cannot carry most of them, so one of them in a stored headline would break every feed.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Whitespace controls that mean a break of some kind; they become a space or a line break.
_BREAKS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
_IN_LINES = re.compile(f"[{_CONTROLS}]")
_IN_ONE_LINE = re.compile(f"[{_CONTROLS}\t\n\r]")
# What XML 1.0 cannot hold at all (surrogates come only from broken input).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def control_characters(value: str, *, lines: bool = False) -> list[str]:
    """The control characters in `value` as "U+000B" (tab and line breaks allowed with `lines`)."""
    pattern = _IN_LINES if lines else _IN_ONE_LINE
    return sorted({f"U+{ord(char):04X}" for char in pattern.findall(value)})


def strip_control_characters(value: str, *, lines: bool = False) -> str:
    """`value` without control characters: vertical tab, form feed and the other breaks become
    a line feed where the field allows lines (a space where it does not), the rest go."""
    if lines:
        value = value.replace("\r\n", "\n")
        value = re.sub("[\r\x0b\x0c\x1c\x1d\x1e\x85]", "\n", value)
        return _IN_LINES.sub("", value)
    value = re.sub(f"[{_BREAKS}]", " ", value)
    return _IN_ONE_LINE.sub("", value)


def xml_safe(value: str) -> str:
    """`value` with every character XML 1.0 cannot carry removed (for feeds and sitemaps)."""
    return _NOT_XML.sub("", value)


@deconstructible
class NoControlCharacters:
    """Model field validator: refuses control characters, naming them (tab and line breaks
    are allowed with ``lines=True``, for fields of several lines)."""

    def __init__(self, lines: bool = False) -> None:
        self.lines = lines

    def __call__(self, value: str) -> None:
        found = control_characters(str(value), lines=self.lines)
        if found:
            raise ValidationError(
                _("Remove the control characters from the text: %(characters)s.")
                % {"characters": ", ".join(found)},
                code="control_characters",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.lines == self.lines

    def __hash__(self) -> int:
        return hash(("NoControlCharacters", self.lines))


single_line = NoControlCharacters()
several_lines = NoControlCharacters(lines=True)
