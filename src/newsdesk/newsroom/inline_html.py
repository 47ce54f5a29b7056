"""The inline markup allowed in article text (links, bold, italic, line breaks) and its checks."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"a", "strong", "em", "b", "i", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# rel is accepted from editors (stored text carries the rel the sanitiser sets) but always
# replaced by "noopener noreferrer" when cleaned.
ACCEPTED_ATTRIBUTES = {"a": {"href", "title", "rel"}}


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad_tags: list[str] = []
        self.bad_attributes: list[str] = []
        self.bad_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad_tags.append(tag)
            return
        allowed = ACCEPTED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.bad_attributes.append(f"{tag} {name}")
            elif name == "href":
                scheme = (
                    (value or "").split(":", 1)[0].strip().lower() if ":" in (value or "") else ""
                )
                if scheme and scheme not in ALLOWED_URL_SCHEMES:
                    self.bad_links.append(value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def validate_inline_html(value: str) -> None:
    """Refuse markup the site would not show, naming what is wrong (nothing is dropped silently)."""
    collector = _TagCollector()
    collector.feed(value)
    collector.close()
    errors = []
    if collector.bad_tags:
        errors.append(
            _("These tags are not allowed: %(tags)s. Allowed: %(allowed)s.")
            % {
                "tags": ", ".join(f"<{t}>" for t in sorted(set(collector.bad_tags))),
                "allowed": ", ".join(f"<{t}>" for t in sorted(ALLOWED_TAGS)),
            }
        )
    if collector.bad_attributes:
        errors.append(
            _("These attributes are not allowed: %(attrs)s.")
            % {"attrs": ", ".join(sorted(set(collector.bad_attributes)))}
        )
    if collector.bad_links:
        errors.append(
            _("Links must use http, https or mailto: %(links)s")
            % {"links": ", ".join(sorted(set(collector.bad_links)))}
        )
    if errors:
        raise ValidationError(" ".join(errors), code="markup")


def clean_inline_html(value: str) -> str:
    """Sanitise inline markup: the stored form is always safe to render."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def strip_tags_text(value: str) -> str:
    """Plain text of inline markup (for summaries, feeds and structured data)."""
    return html.unescape(nh3.clean(value, tags=set(), attributes={})).strip()


_EDITOR_PARAGRAPHS = re.compile(r"^\s*<p>(?P<inner>.*)</p>\s*$", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")


def from_editor_html(value: str) -> str:
    """The rich-text editor's HTML as a block's inline markup: the editor wraps lines in
    ``<p>`` (ProseMirror documents are made of paragraphs); a block is one paragraph or one
    fact box, so its lines become ``<br>``-separated (``<p>a</p><p>b</p>`` -> ``a<br>b``).
    Text that is not wrapped so (typed without the editor) is returned unchanged; either way
    the result still goes through validate_inline_html and clean_inline_html."""
    found = _EDITOR_PARAGRAPHS.match(value)
    if found is None:
        return value
    joined = _PARAGRAPH_BREAK.sub("<br>", found.group("inner"))
    if re.search(r"</?p[\s>]", joined):
        return value  # paragraphs with attributes or nested: not the editor's; the checks speak
    return joined
