"""Comment text: normalised and checked on the way in, rendered to safe HTML once."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import nh3
from django.utils.html import urlize

# Bidirectional overrides and isolates can make a comment display something else than it
# says (or reverse the rest of the page); layout is left to dir="auto" instead.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Control characters other than newline and tab.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")
# Any run of one character longer than this is cut: "aaaa…" walls and zalgo stacks.
_REPEATS = re.compile(r"(.)\1{49,}", re.DOTALL)
_COMBINING_RUN = re.compile(
    "([\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u20d0-\u20ff]{3})"
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u20d0-\u20ff]+"
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BIDI_CONTROLS.sub("", _CONTROLS.sub("", text))
    text = _COMBINING_RUN.sub(r"\1", text)
    text = _REPEATS.sub(lambda match: match.group(1) * 50, text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# Invisible characters that change nothing a reader sees (zero-width space, word joiner,
# byte order mark, soft hyphen): a way to make one text look like another to a digest.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def comparable(text: str) -> str:
    """The text as the duplicate checks compare it: NFC, case-folded, invisible characters
    dropped, every run of whitespace one space, none around. Everything else counts:
    punctuation, symbols, emoji and combining signs (a Devanagari or Thai vowel sign makes
    another word)."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _SPACES.sub(" ", _INVISIBLE.sub("", folded)).strip()


def digest(text: str) -> str:
    """Equal for texts that differ only in case, spacing and Unicode normal form (stored in
    ``Comment.text_digest``; the duplicate, flood and repeat-post checks compare it)."""
    return hashlib.sha256(comparable(text).encode()).hexdigest()


def render(text: str) -> str:
    """Plain text to HTML: everything escaped, http(s) links clickable, paragraphs kept."""
    paragraphs = [part for part in text.split("\n\n") if part.strip()]
    html = "".join(
        "<p>"
        + urlize(part, trim_url_limit=60, nofollow=True, autoescape=True).replace("\n", "<br>")
        + "</p>"
        for part in paragraphs
    )
    # A second, independent line of defence: only these tags and attributes survive.
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
