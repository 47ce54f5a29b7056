"""HTML bodies to blocks: paragraphs, subheadings and quotes, with what was left out noted."""

from __future__ import annotations

import html
import re
import urllib.parse
from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _

from newsdesk.newsroom.importer.records import BlockData
from newsdesk.newsroom.inline_html import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    strip_tags_text,
)

# Elements whose content is never shown: scripts, styles and embedded objects.
_DROPPED = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "form",
        "button",
        "select",
        "textarea",
        "canvas",
        "video",
        "audio",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Elements that end the paragraph before them; their text starts a new paragraph.
_BLOCK_LEVEL = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "h1",
        "h5",
        "h6",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "address",
        "details",
        "summary",
        "center",
        "hr",
        "caption",
    }
)
_SUBHEADINGS = frozenset({"h2", "h3", "h4"})
_INLINE_KEPT = frozenset({"strong", "em", "b", "i"})


class _BodyConverter(HTMLParser):
    """HTML to blocks: p → paragraph (keeping links, bold, italic, line breaks), h2–h4 →
    subheading, blockquote → quote (cite/footer → attribution), list items → paragraphs,
    anything else → its text. Scripts, styles, embeds and every attribute but href are dropped."""

    def __init__(self, base_url: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[BlockData] = []
        self.dropped: dict[str, int] = {}
        self._skip_depth = 0
        self._kind = "paragraph"
        self._parts: list[str] = []
        self._attribution: list[str] = []
        self._quote_depth = 0
        self._cite_depth = 0
        self._lists: list[list[int]] = []  # [ordered (0/1), next number] per open list
        self._links: list[bool] = []  # per open <a>: whether it was kept

    def _drop(self, tag: str) -> None:
        self.dropped[tag] = self.dropped.get(tag, 0) + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag in _DROPPED:
            self._drop(tag)
            if tag not in _VOID:
                self._skip_depth = 1
            return
        if tag == "img":
            self._drop(tag)
        elif tag == "blockquote":
            self._flush()
            self._quote_depth += 1
            self._kind = "quote"
        elif self._quote_depth and tag in ("cite", "footer"):
            self._cite_depth += 1
        elif tag in _SUBHEADINGS:
            self._flush()
            self._kind = "subheading"
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append([int(tag == "ol"), 1])
        elif tag == "li":
            self._flush()
            if self._lists and self._lists[-1][0]:
                self._parts.append(f"{self._lists[-1][1]}. ")
                self._lists[-1][1] += 1
        elif tag in _BLOCK_LEVEL:
            if self._quote_depth:
                self._parts.append(" ")
            elif not re.fullmatch(r"\s*\d+\. \s*", "".join(self._parts)):
                # (A list item's number stays with the <p> that follows it.)
                self._flush()
        elif tag == "br":
            self._parts.append("<br>" if self._kind == "paragraph" else " ")
        elif tag == "a":
            href = self._allowed_href(dict(attrs).get("href"))
            self._links.append(href is not None)
            if href is not None:
                self._parts.append(f'<a href="{html.escape(href)}">')
        elif tag in _INLINE_KEPT:
            self._parts.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag not in _VOID:
                self._skip_depth -= 1
            return
        if tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
            self._cite_depth = 0
            self._kind = "quote" if self._quote_depth else "paragraph"
        elif self._quote_depth and tag in ("cite", "footer"):
            self._cite_depth = max(0, self._cite_depth - 1)
        elif tag in _SUBHEADINGS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCK_LEVEL:
            if self._quote_depth:
                self._parts.append(" ")
            else:
                self._flush()
        elif tag == "a":
            if self._links and self._links.pop():
                self._parts.append("</a>")
        elif tag in _INLINE_KEPT:
            self._parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._cite_depth:
            self._attribution.append(data)
        else:
            self._parts.append(html.escape(data, quote=False))

    def _allowed_href(self, href: str | None) -> str | None:
        href = (href or "").strip()
        if not href:
            return None
        if self.base_url:
            href = urllib.parse.urljoin(self.base_url, href)
        scheme = urllib.parse.urlsplit(href).scheme.lower()
        return href if scheme in ALLOWED_URL_SCHEMES else None

    def _flush(self) -> None:
        raw = "".join(self._parts)
        attribution = " ".join("".join(self._attribution).split()).lstrip("—–-― ").strip()
        self._parts, self._attribution = [], []
        kind = self._kind
        self._kind = "quote" if self._quote_depth else "paragraph"
        if kind == "paragraph":
            # Balances tags left open by sloppy HTML; only tags built above can be in `raw`.
            text = nh3.clean(
                raw,
                tags=ALLOWED_TAGS,
                attributes=ALLOWED_ATTRIBUTES,
                url_schemes=ALLOWED_URL_SCHEMES,
                link_rel=None,
            )
            text = " ".join(text.split())
            # Line breaks at the start or end of a paragraph (inside its tags too) show nothing.
            text = re.sub(r"^((?:<(?:strong|em|b|i|a)[^>]*>)*)(?:\s*<br>)+", r"\1", text)
            text = re.sub(r"(?:<br>\s*)+((?:</(?:strong|em|b|i|a)>)*)$", r"\1", text).strip()
            if strip_tags_text(text):
                self.blocks.append(BlockData("paragraph", text=text))
            return
        text = " ".join(strip_tags_text(raw).split())
        if text:
            self.blocks.append(
                BlockData(kind, text=text, attribution=attribution if kind == "quote" else "")
            )

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_blocks(markup: str, base_url: str = "") -> tuple[list[BlockData], list[str]]:
    """The blocks of an HTML body, and notes for the report on what was left out of it
    (pictures, scripts...). Links are resolved against `base_url` when one is given."""
    converter = _BodyConverter(base_url)
    converter.feed(markup)
    converter.close()
    notes = []
    for tag, count in sorted(converter.dropped.items()):
        if tag == "img":
            notes.append(
                _("%(count)d image(s) in the HTML left out (add them in the back office).")
                % {"count": count}
            )
        else:
            notes.append(
                _("%(count)d <%(tag)s> element(s) removed.") % {"count": count, "tag": tag}
            )
    return converter.blocks, notes
