"""Importing articles from JSON, JSON Lines and RSS/Atom feeds: reading, converting, saving.

The format is documented in docs/import.md. Reading turns the input into `Record`s (one per
article, each knowing where it came from); `Importer.import_record` validates one record
completely and only then writes it, through the newsroom's actions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from newsdesk.newsroom import actions
from newsdesk.newsroom.inline_html import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    strip_tags_text,
)
from newsdesk.newsroom.models import Article, Author, Block, Image, Section

FORMATS = ("auto", "json", "jsonl", "feed")
MAX_INPUT_BYTES = 100 * 1024 * 1024
LEAD_MAX_LENGTH = 1200

JSON_FIELDS = frozenset(
    {
        "id",
        "headline",
        "section",
        "kicker",
        "lead",
        "byline",
        "authors",
        "language",
        "slug",
        "published_at",
        "updated_at",
        "canonical_url",
        "body",
        "body_html",
    }
)
# The fields each block type may have besides "type".
BLOCK_TYPES: dict[str, frozenset[str]] = {
    "paragraph": frozenset({"text"}),
    "subheading": frozenset({"text"}),
    "quote": frozenset({"text", "attribution"}),
    "factbox": frozenset({"title", "text"}),
    "image": frozenset({"src", "alt", "caption", "credit"}),
}
# Article fields that JSON records give under the same name.
ARTICLE_INPUT_FIELDS = ("headline", "kicker", "lead", "byline", "language", "slug", "canonical_url")
MAX_IMAGE_BYTES = 20 * 1024 * 1024
# Image formats browsers show, and the file name extension each is stored with.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class ImportInputError(Exception):
    """The input as a whole cannot be read: nothing is imported (the command exits with 2)."""


@dataclass
class BlockData:
    kind: str
    text: str = ""
    title: str = ""
    attribution: str = ""
    # Image blocks: where the picture is (an http(s) URL or an absolute file path), its
    # alternative text, caption and credit.
    src: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class ArticleData:
    """One article as read from the input, before it is checked against the database."""

    external_id: str
    headline: str
    # Candidate sections as (slug, name), best first. From JSON there is at most one, and
    # it must be used; a feed item's categories are only candidates.
    sections: list[tuple[str, str]] = field(default_factory=list)
    sections_are_hints: bool = False
    kicker: str = ""
    lead: str = ""
    byline: str = ""
    language: str = ""
    slug: str = ""
    canonical_url: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    blocks: list[BlockData] = field(default_factory=list)


@dataclass
class Record:
    """One article of the input: where it is ("line 3", "item 2"), what it says, what is wrong."""

    location: str
    title: str = ""
    data: ArticleData | None = None
    errors: list[str] = field(default_factory=list)
    # Things of the input that were deliberately left out (scripts, images in HTML).
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    status: str  # "imported", "updated", "skipped" or "failed"
    article: Article | None = None
    messages: list[str] = field(default_factory=list)


# Reading the input ---------------------------------------------------------------------------


@dataclass
class Source:
    name: str
    data: bytes
    content_type: str = ""


def load_source(path_or_url: str, timeout: float = 30.0) -> Source:
    """The bytes of a local file or of an http(s) URL (fetched with `timeout` seconds)."""
    scheme = urllib.parse.urlsplit(path_or_url).scheme.lower()
    if scheme in ("http", "https"):
        return _fetch(path_or_url, timeout)
    path = Path(path_or_url)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise ImportInputError(_("%(path)s does not exist.") % {"path": path_or_url}) from None
    except IsADirectoryError:
        raise ImportInputError(
            _("%(path)s is a directory, not a file.") % {"path": path_or_url}
        ) from None
    except OSError as exc:
        raise ImportInputError(
            _("Cannot read %(path)s: %(reason)s.")
            % {"path": path_or_url, "reason": exc.strerror or exc}
        ) from None
    _check_size(data, path_or_url)
    return Source(name=path_or_url, data=data)


def _fetch(url: str, timeout: float, max_bytes: int = MAX_INPUT_BYTES) -> Source:
    request = urllib.request.Request(  # noqa: S310 (only http and https get here)
        url,
        headers={
            "User-Agent": "newsdesk-import",
            "Accept": "application/json, application/x-ndjson, application/rss+xml, "
            "application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise ImportInputError(
            _("%(url)s answered with HTTP status %(code)s (%(reason)s).")
            % {"url": url, "code": exc.code, "reason": exc.reason}
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            reason = _("no answer within %(seconds)s seconds") % {"seconds": timeout}
        raise ImportInputError(
            _("Cannot fetch %(url)s: %(reason)s.") % {"url": url, "reason": reason}
        ) from None
    except TimeoutError:
        raise ImportInputError(
            _("Cannot fetch %(url)s: no answer within %(seconds)s seconds.")
            % {"url": url, "seconds": timeout}
        ) from None
    except OSError as exc:
        raise ImportInputError(
            _("Cannot fetch %(url)s: %(reason)s.") % {"url": url, "reason": exc}
        ) from None
    if max_bytes == MAX_INPUT_BYTES:
        _check_size(data, url)
    return Source(name=url, data=data, content_type=content_type)


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_INPUT_BYTES:
        raise ImportInputError(
            _("%(name)s is larger than %(megabytes)d MB; split it into smaller files.")
            % {"name": name, "megabytes": MAX_INPUT_BYTES // (1024 * 1024)}
        )


def detect_format(source: Source, requested: str = "auto") -> str:
    """The format ("json", "jsonl" or "feed"): as requested, else from name, type, content."""
    if requested != "auto":
        if requested not in FORMATS:
            raise ImportInputError(_("Unknown format %(format)s.") % {"format": requested})
        return requested
    suffix = Path(urllib.parse.urlsplit(source.name).path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".xml", ".rss", ".atom", ".rdf"):
        return "feed"
    content_type = source.content_type.split(";")[0].strip().lower()
    if content_type in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return "jsonl"
    if content_type == "application/json":
        return "json"
    if "xml" in content_type or "rss" in content_type or "atom" in content_type:
        return "feed"
    start = source.data.lstrip()[:1]
    if start == b"<":
        return "feed"
    if start in (b"[", b"{"):
        try:
            json.loads(source.data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return "jsonl"
        return "json"
    raise ImportInputError(
        _("Cannot tell the format of %(name)s; give --format json, jsonl or feed.")
        % {"name": source.name}
    )


def read_records(source: Source, fmt: str) -> list[Record]:
    if fmt == "json":
        return _json_records(source)
    if fmt == "jsonl":
        return _jsonl_records(source)
    return _feed_records(source)


def _image_base(source: Source) -> str:
    """What relative image sources are resolved against: the URL, or the file's folder."""
    if urllib.parse.urlsplit(source.name).scheme.lower() in ("http", "https"):
        return source.name
    return str(Path(source.name).resolve().parent) + "/"


def _json_records(source: Source) -> list[Record]:
    try:
        text = source.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInputError(
            _("%(name)s is not UTF-8 text (byte %(position)d).")
            % {"name": source.name, "position": exc.start}
        ) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInputError(
            _("%(name)s is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
            % {"name": source.name, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from None
    if isinstance(payload, dict) and isinstance(payload.get("articles"), list):
        payload = payload["articles"]
    if not isinstance(payload, list):
        raise ImportInputError(
            _(
                '%(name)s must hold a JSON array of articles or an object with an "articles" '
                "array (see docs/import.md)."
            )
            % {"name": source.name}
        )
    return [
        _record_from_json(item, _("item %(number)d") % {"number": number}, _image_base(source))
        for number, item in enumerate(payload, start=1)
    ]


def _jsonl_records(source: Source) -> list[Record]:
    records = []
    for number, raw in enumerate(source.data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        location = _("line %(number)d") % {"number": number}
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            records.append(
                Record(
                    location,
                    errors=[
                        _("not UTF-8 text (byte %(position)d of the line).")
                        % {"position": exc.start}
                    ],
                )
            )
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(
                Record(
                    location,
                    title=_peek_headline(line),
                    errors=[
                        _("malformed JSON: %(error)s at column %(column)d.")
                        % {"error": exc.msg, "column": exc.colno}
                    ],
                )
            )
            continue
        records.append(_record_from_json(item, location, _image_base(source)))
    return records


def _peek_headline(line: str) -> str:
    """The headline of a broken JSON line, if one can be seen, so the report can name it."""
    match = re.search(r'"headline"\s*:\s*"((?:[^"\\]|\\.)*)"', line)
    if not match:
        return ""
    try:
        return str(json.loads(f'"{match.group(1)}"'))
    except ValueError:
        return match.group(1)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("an array")
    return _("an object")


class _FieldReader:
    """Reads typed fields out of one JSON object, collecting every problem instead of stopping."""

    def __init__(self, item: dict[str, Any], errors: list[str], prefix: str = "") -> None:
        self.item = item
        self.errors = errors
        self.prefix = prefix

    def error(self, name: str, message: str) -> None:
        self.errors.append(f"{self.prefix}{name}: {message}")

    def text(self, name: str, *, required: bool = False) -> str:
        value = self.item.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(name, _("this field is required."))
            return ""
        if not isinstance(value, str):
            self.error(name, _("expected a string, found %(type)s.") % {"type": _json_type(value)})
            return ""
        return value.strip()

    def datetime(self, name: str) -> dt.datetime | None:
        value = self.text(name)
        if not value:
            return None
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.error(
                name,
                _("%(value)s is not a date and time like 2026-03-02T09:30:00+01:00.")
                % {"value": value},
            )
            return None
        if timezone.is_naive(parsed):
            # Without an offset the time is taken as the site's local time (documented).
            parsed = timezone.make_aware(parsed)
        return parsed


def _record_from_json(item: Any, location: str, image_base: str = "") -> Record:
    record = Record(location)
    if not isinstance(item, dict):
        record.errors.append(
            _("expected a JSON object with the article's fields, found %(type)s.")
            % {"type": _json_type(item)}
        )
        return record
    errors = record.errors
    fields = _FieldReader(item, errors)
    if isinstance(item.get("headline"), str):
        record.title = item["headline"].strip()
    unknown = sorted(set(item) - JSON_FIELDS)
    if unknown:
        errors.append(
            _("unknown field(s) %(fields)s; see docs/import.md for the format.")
            % {"fields": ", ".join(unknown)}
        )
    external_id = item.get("id")
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if isinstance(external_id, str):
        external_id = external_id.strip()
    if external_id is None or external_id == "":
        fields.error(
            "id", _("this field is required (it recognises the article on a second import).")
        )
        external_id = ""
    elif not isinstance(external_id, str):
        fields.error(
            "id",
            _("expected a string or a whole number, found %(type)s.")
            % {"type": _json_type(external_id)},
        )
        external_id = ""
    data = ArticleData(
        external_id=external_id.strip(),
        headline=fields.text("headline", required=True),
        kicker=fields.text("kicker"),
        lead=fields.text("lead"),
        byline=fields.text("byline"),
        language=fields.text("language"),
        slug=fields.text("slug"),
        canonical_url=fields.text("canonical_url"),
        published_at=fields.datetime("published_at"),
        updated_at=fields.datetime("updated_at"),
    )
    section = fields.text("section")
    if section:
        data.sections = [(section, section.replace("-", " ").title())]
    authors = item.get("authors")
    if authors is not None:
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            fields.error("authors", _("expected an array of names (strings)."))
        else:
            data.authors = [name.strip() for name in authors if name.strip()]
    body, body_html = item.get("body"), item.get("body_html")
    if body is not None and body_html is not None:
        errors.append(_('give either "body" or "body_html", not both.'))
    elif body is not None:
        data.blocks = _blocks_from_json(body, errors, image_base)
    elif body_html is not None:
        if not isinstance(body_html, str):
            fields.error(
                "body_html",
                _("expected a string of HTML, found %(type)s.") % {"type": _json_type(body_html)},
            )
        else:
            data.blocks, record.notes = html_to_blocks(body_html, base_url=data.canonical_url)
    record.data = data
    return record


def _blocks_from_json(body: Any, errors: list[str], image_base: str = "") -> list[BlockData]:
    if not isinstance(body, list):
        errors.append(
            _("body: expected an array of blocks, found %(type)s.") % {"type": _json_type(body)}
        )
        return []
    blocks = []
    for number, spec in enumerate(body, start=1):
        prefix = _("body block %(number)d") % {"number": number}
        if not isinstance(spec, dict):
            errors.append(
                f"{prefix}: " + _('expected an object like {"type": "paragraph", "text": "..."}.')
            )
            continue
        kind = spec.get("type")
        if kind not in BLOCK_TYPES:
            errors.append(
                f"{prefix}: "
                + _("type must be one of %(types)s, not %(value)s.")
                % {"types": ", ".join(BLOCK_TYPES), "value": json.dumps(kind)}
            )
            continue
        unknown = sorted(set(spec) - BLOCK_TYPES[kind] - {"type"})
        if unknown:
            errors.append(
                f"{prefix} ({kind}): "
                + _("unknown field(s) %(fields)s.") % {"fields": ", ".join(unknown)}
            )
        reader = _FieldReader(spec, errors, prefix=f"{prefix} ({kind}) ")
        if kind == "image":
            src = reader.text("src", required=True)
            blocks.append(
                BlockData(
                    kind=kind,
                    src=_resolve_image_source(src, image_base, reader) if src else "",
                    alt=reader.text("alt", required=True),
                    caption=reader.text("caption"),
                    credit=reader.text("credit"),
                )
            )
            continue
        blocks.append(
            BlockData(
                kind=kind,
                text=reader.text("text", required=kind != "factbox"),
                title=reader.text("title"),
                attribution=reader.text("attribution"),
            )
        )
    return blocks


def _resolve_image_source(src: str, base: str, reader: _FieldReader) -> str:
    scheme = urllib.parse.urlsplit(src).scheme.lower()
    if scheme in ("http", "https"):
        return src
    if base.startswith(("http://", "https://")):
        return urllib.parse.urljoin(base, src)
    if scheme and len(scheme) > 1:  # "c:" would be a Windows drive, anything longer a scheme
        reader.error("src", _("%(src)s: give an http(s) URL or a file path.") % {"src": src})
        return ""
    return str(Path(base or ".", src).resolve())


def load_image(src: str, timeout: float) -> tuple[bytes, str]:
    """The bytes of a picture and the file name to store it under; ValueError says what is
    wrong (unreachable, too large, not a picture browsers show)."""
    if src.startswith(("http://", "https://")):
        try:
            fetched = _fetch(src, timeout, max_bytes=MAX_IMAGE_BYTES)
        except ImportInputError as exc:
            raise ValueError(str(exc)) from None
        data = fetched.data
    else:
        try:
            with open(src, "rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise ValueError(
                _("Cannot read %(path)s: %(reason)s.")
                % {"path": src, "reason": exc.strerror or exc}
            ) from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(
            _("%(src)s is larger than %(megabytes)d MB.")
            % {"src": src, "megabytes": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    from PIL import Image as Picture
    from PIL import UnidentifiedImageError

    try:
        with Picture.open(io.BytesIO(data)) as picture:
            picture.verify()
            image_format = picture.format or ""
    except (
        Picture.DecompressionBombError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValueError(_("%(src)s is not a picture that can be read.") % {"src": src}) from None
    if image_format not in IMAGE_FORMATS:
        raise ValueError(
            _("%(src)s is a %(format)s picture; use JPEG, PNG, GIF or WebP.")
            % {"src": src, "format": image_format}
        )
    stem = Path(urllib.parse.urlsplit(src).path).stem
    return data, f"{_slugify(stem)[:80] or 'bild'}.{IMAGE_FORMATS[image_format]}"


def _feed_records(source: Source) -> list[Record]:
    headers = {"content-type": source.content_type} if source.content_type else {}
    parsed = feedparser.parse(source.data, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or _("no RSS or Atom elements found")
        raise ImportInputError(
            _("%(name)s is not an RSS or Atom feed: %(reason)s.")
            % {"name": source.name, "reason": reason}
        )
    language = (parsed.feed.get("language") or "").split("-")[0].lower()
    return [
        _record_from_entry(entry, _("item %(number)d") % {"number": number}, language)
        for number, entry in enumerate(parsed.entries, start=1)
    ]


def _struct_time_to_datetime(value: time.struct_time | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)


def _record_from_entry(entry: Any, location: str, language: str) -> Record:
    record = Record(location)
    errors = record.errors
    headline = " ".join(strip_tags_text(entry.get("title") or "").split())
    record.title = headline
    external_id = (entry.get("id") or entry.get("link") or "").strip()
    if not external_id:
        errors.append(
            _(
                "the item has neither a guid/id nor a link, so a second import could "
                "not recognise it."
            )
        )
    if not headline:
        errors.append(_("the item has no title."))
    dates = {}
    for name in ("published", "updated"):
        # dict.get: feedparser's own get() would quietly stand "updated" in for "published".
        dates[name] = _struct_time_to_datetime(dict.get(entry, f"{name}_parsed"))
        if dict.get(entry, name) and dates[name] is None:
            errors.append(
                _("the %(name)s date %(value)s cannot be read.")
                % {"name": name, "value": json.dumps(dict.get(entry, name))}
            )
    published = dates["published"] or dates["updated"]
    updated = dates["updated"] if dates["published"] else None
    content_html = ""
    for content in entry.get("content") or []:
        if content.get("value"):
            content_html = content["value"]
            break
    summary_html = entry.get("summary") or ""
    lead = ""
    if content_html:
        summary_text = " ".join(strip_tags_text(summary_html).split())
        content_text = " ".join(strip_tags_text(content_html).split())
        if summary_text and not content_text.startswith(
            summary_text.removesuffix("…").rstrip(". ")
        ):
            lead = summary_text
    else:
        content_html = summary_html
    link = entry.get("link") or ""
    blocks, record.notes = html_to_blocks(content_html, base_url=link)
    authors = [a.get("name", "").strip() for a in entry.get("authors") or [] if a.get("name")]
    categories = []
    for tag in entry.get("tags") or []:
        term = (tag.get("term") or "").strip()
        if term:
            categories.append((_slugify(term), tag.get("label") or term))
    record.data = ArticleData(
        external_id=external_id,
        headline=headline,
        sections=categories,
        sections_are_hints=True,
        lead=lead,
        language=language,
        authors=authors,
        published_at=published,
        updated_at=updated if updated and published and updated > published else None,
        blocks=blocks,
    )
    return record


# HTML to blocks ------------------------------------------------------------------------------

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
    """The blocks of an HTML body, and notes on what was left out of it."""
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


# Writing -------------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _slugify(value: str) -> str:
    for german, ascii_form in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
    ):
        value = value.replace(german, ascii_form)
    return slugify(value)


def _unique_slug(model: type[Article] | type[Author], base: str, max_length: int) -> str:
    base = (base[:max_length].strip("-")) or "artikel"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug


def _validation_messages(exc: ValidationError, prefix: str = "") -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{prefix}{name}: {message}" if name != "__all__" else f"{prefix}{message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [f"{prefix}{message}" for message in exc.messages]


class Importer:
    """Imports records one by one; a bad record is reported and changes nothing."""

    def __init__(
        self,
        *,
        default_section: str | None = None,
        create_sections: bool = False,
        draft: bool = False,
        update: bool = False,
        dry_run: bool = False,
        acting_user: Any = None,
        timeout: float = 30.0,
    ) -> None:
        self.default_section = default_section
        self.timeout = timeout
        self._stored_files: list[str] = []
        self.create_sections = create_sections
        self.draft = draft
        self.update = update
        self.dry_run = dry_run
        self.acting_user = acting_user
        if default_section and not create_sections:
            if not Section.objects.filter(slug=default_section).exists():
                raise ImportInputError(
                    _("There is no section %(slug)s; create it first or add --create-sections.")
                    % {"slug": default_section}
                )

    def import_record(self, record: Record) -> Outcome:
        if record.data is None:
            return Outcome("failed", messages=list(record.errors))
        data = record.data
        existing = (
            Article.objects.filter(external_id=data.external_id).first()
            if data.external_id
            else None
        )
        if existing is not None and not self.update and not record.errors:
            return Outcome(
                "skipped",
                existing,
                [
                    _("already imported as %(slug)s (use --update to overwrite it).")
                    % {"slug": existing.slug}
                ],
            )
        self._stored_files = []
        try:
            # Problems found while reading are reported together with the others.
            article, section, blocks, images = self._validated(data, existing, list(record.errors))
            with transaction.atomic():
                outcome = self._write(data, article, section, blocks, images, existing)
                if self.dry_run or outcome.status == "skipped":
                    transaction.set_rollback(True)
        except _Invalid as exc:
            return Outcome("failed", messages=exc.messages)
        except ValidationError as exc:
            self._discard_stored_files()
            return Outcome("failed", messages=_validation_messages(exc))
        except DatabaseError as exc:
            self._discard_stored_files()
            return Outcome(
                "failed", messages=[_("the database refused it: %(error)s") % {"error": exc}]
            )
        if outcome.status == "skipped":
            self._discard_stored_files()
        return outcome

    # Validation: builds unsaved objects and checks every part; writes nothing.

    def _section(self, data: ArticleData, errors: list[str]) -> Section | None:
        candidates = data.sections
        if candidates and not data.sections_are_hints:
            slug, name = candidates[0]
            section = Section.objects.filter(slug=slug).first()
            if section is None and self.create_sections:
                return self._new_section(slug, name, errors)
            if section is None:
                errors.append(
                    _(
                        "section: there is no section %(slug)s (create it first or add "
                        "--create-sections)."
                    )
                    % {"slug": slug}
                )
            return section
        for slug, _name in candidates:
            section = Section.objects.filter(slug=slug).first()
            if section is not None:
                return section
        if candidates and self.create_sections:
            return self._new_section(*candidates[0], errors)
        if self.default_section:
            section = Section.objects.filter(slug=self.default_section).first()
            return section or self._new_section(
                self.default_section, self.default_section.replace("-", " ").title(), errors
            )
        if candidates:
            errors.append(
                _(
                    "section: none of the categories (%(names)s) is a section; give "
                    "--section SLUG or --create-sections."
                )
                % {"names": ", ".join(name for _slug, name in candidates)}
            )
        else:
            errors.append(
                _("section: none given; add a section to the record or give --section SLUG.")
            )
        return None

    def _new_section(self, slug: str, name: str, errors: list[str]) -> Section | None:
        section = Section(slug=slug, name=name[:80])
        try:
            section.full_clean()
        except ValidationError as exc:
            errors.extend(_validation_messages(exc, prefix=_("section") + " "))
            return None
        return section

    def _validated(
        self, data: ArticleData, existing: Article | None, errors: list[str]
    ) -> tuple[Article, Section | None, list[Block], list[_PendingImage | None]]:
        section = self._section(data, errors)
        language = data.language or settings.LANGUAGE_CODE
        site_languages = [code for code, _name in settings.LANGUAGES]
        if language not in site_languages:
            if data.sections_are_hints:  # a feed's language is a hint too
                language = settings.LANGUAGE_CODE
            else:
                errors.append(
                    _("language: %(code)s is not one of the site's languages (%(codes)s).")
                    % {"code": language, "codes": ", ".join(site_languages)}
                )
        if len(data.lead) > LEAD_MAX_LENGTH:
            errors.append(
                _("lead: at most %(max)d characters, this one has %(length)d.")
                % {"max": LEAD_MAX_LENGTH, "length": len(data.lead)}
            )
        if not data.lead and not data.blocks:
            errors.append(_("the article has neither a lead nor a body."))
        now = timezone.now()
        if data.published_at and data.published_at > now + dt.timedelta(minutes=5):
            errors.append(
                _(
                    "published_at: %(when)s lies in the future; schedule such articles "
                    "in the back office."
                )
                % {"when": data.published_at.isoformat()}
            )
        for name in data.authors:
            if len(name) > 120:
                errors.append(
                    _("authors: %(name)s is longer than 120 characters.")
                    % {"name": name[:40] + "…"}
                )

        article = existing if existing is not None else Article(created_by=self._user())
        article.external_id = data.external_id
        article.headline = data.headline
        article.kicker = data.kicker
        article.lead = data.lead
        article.byline = data.byline
        article.language = language
        article.canonical_url = data.canonical_url
        if data.slug:
            article.slug = data.slug
        elif existing is None:
            article.slug = _unique_slug(Article, _slugify(data.headline), 200)
        # Fields the reading already found wrong are not reported a second time.
        reported = {message.split(":", 1)[0] for message in errors}
        exclude = [name for name in ARTICLE_INPUT_FIELDS if name in reported]
        if "id" in reported:
            exclude.append("external_id")
        if section is not None and section.pk is not None:
            article.section = section
        else:
            exclude.append("section")
        try:
            article.full_clean(exclude=exclude)
        except ValidationError as exc:
            errors.extend(_validation_messages(exc))

        blocks, images = [], []
        for number, spec in enumerate(data.blocks, start=1):
            prefix = _("body block %(number)d") % {"number": number} + f" ({spec.kind}) "
            block = Block(
                position=number * 10,
                kind=spec.kind,
                text=spec.text,
                title=spec.title,
                attribution=spec.attribution,
                caption=spec.caption,
            )
            blocks.append(block)
            images.append(self._pending_image(spec, prefix, errors) if spec.src else None)
            try:
                if spec.kind == Block.Kind.IMAGE:
                    # The picture is checked above; clean() would only miss the saved Image.
                    block.clean_fields(exclude=["article", "key", "image"])
                else:
                    block.full_clean(exclude=["article", "key"])
            except ValidationError as exc:
                errors.extend(_validation_messages(exc, prefix=prefix))
        if errors:
            raise _Invalid(errors)
        return article, section, blocks, images

    def _pending_image(
        self, spec: BlockData, prefix: str, errors: list[str]
    ) -> _PendingImage | None:
        if spec.alt:
            try:
                Image(alt_text=spec.alt, credit=spec.credit).full_clean(exclude=["file"])
            except ValidationError as exc:
                errors.extend(_validation_messages(exc, prefix=prefix))
        try:
            data, name = load_image(spec.src, self.timeout)
        except ValueError as exc:
            errors.append(f"{prefix}src: {exc}")
            return None
        return _PendingImage(data=data, name=name, alt=spec.alt, credit=spec.credit)

    def _user(self) -> Any:
        return self.acting_user if getattr(self.acting_user, "is_authenticated", False) else None

    # Writing: runs inside one transaction per record.

    def _write(
        self,
        data: ArticleData,
        article: Article,
        section: Section | None,
        blocks: list[Block],
        images: list[_PendingImage | None],
        existing: Article | None,
    ) -> Outcome:
        if section is not None and section.pk is None:
            section.save()
        if section is not None:
            article.section = section
        authors = [self._author(name) for name in data.authors]
        if existing is not None:
            return self._write_update(article, blocks, images, authors)
        article.save()
        for block, pending in zip(blocks, images, strict=True):
            if pending is not None:
                block.image = self._store_image(pending)
            block.article = article
            block.save()
        article.authors.set(authors)
        actions.do_save_article(article, acting_user=self.acting_user, note=_("imported"))
        if not self.draft:
            actions.do_publish_article(article, acting_user=self.acting_user)
            published_at = data.published_at or article.first_published_at
            updated_at = (
                data.updated_at
                if data.updated_at and published_at and data.updated_at > published_at
                else None
            )
            Article.objects.filter(pk=article.pk).update(
                first_published_at=published_at, last_updated_at=updated_at
            )
            article.first_published_at, article.last_updated_at = published_at, updated_at
        return Outcome("imported", article)

    def _write_update(
        self,
        article: Article,
        blocks: list[Block],
        images: list[_PendingImage | None],
        authors: list[Author],
    ) -> Outcome:
        before = _comparable(actions.snapshot(Article.objects.get(pk=article.pk)))
        article.save()
        # Existing blocks keep their keys (translations and revisions align blocks by them).
        old_blocks = list(article.blocks.select_related("image"))
        for index, (new, pending) in enumerate(zip(blocks, images, strict=True)):
            if pending is None:
                continue
            old_image = old_blocks[index].image if index < len(old_blocks) else None
            if old_image is not None and _same_picture(old_image, pending):
                new.image = old_image
            else:
                new.image = self._store_image(pending)
        for old, new in zip(old_blocks, blocks, strict=False):
            for name in ("position", "kind", "text", "title", "attribution", "caption", "credit"):
                setattr(old, name, getattr(new, name))
            old.image = new.image
            old.save()
        for new in blocks[len(old_blocks) :]:
            new.article = article
            new.save()
        for old in old_blocks[len(blocks) :]:
            old.delete()
        article.authors.set(authors)
        if _comparable(actions.snapshot(article)) == before:
            return Outcome("skipped", article, [_("unchanged since the last import.")])
        actions.do_save_article(article, note=_("imported"), acting_user=self.acting_user)
        return Outcome("updated", article)

    def _store_image(self, pending: _PendingImage) -> Image | None:
        if self.dry_run:
            return None  # a dry run writes no files (its database changes are rolled back)
        image = Image(alt_text=pending.alt, credit=pending.credit)
        image.file.save(pending.name, ContentFile(pending.data), save=False)
        self._stored_files.append(str(image.file.name))
        image.save()
        return image

    def _discard_stored_files(self) -> None:
        for name in self._stored_files:
            default_storage.delete(name)
        self._stored_files = []

    def _author(self, name: str) -> Author:
        author = Author.objects.filter(name__iexact=name).order_by("pk").first()
        if author is None:
            author = Author.objects.create(
                name=name, slug=_unique_slug(Author, _slugify(name) or "autor", 120)
            )
        return author


@dataclass
class _PendingImage:
    """A picture checked during validation, stored only when its record is written."""

    data: bytes
    name: str
    alt: str
    credit: str


def _same_picture(image: Image, pending: _PendingImage) -> bool:
    if (image.alt_text, image.credit) != (pending.alt, pending.credit):
        return False
    try:
        with image.file.open("rb") as handle:
            return bool(handle.read() == pending.data)
    except OSError:
        return False


def _comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    snapshot = dict(snapshot)
    snapshot["blocks"] = [
        {k: v for k, v in block.items() if k != "key"} for block in snapshot["blocks"]
    ]
    return snapshot
