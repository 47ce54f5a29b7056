"""JSON and JSON Lines input: one Record per article object, with every problem it has."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from newsdesk.newsroom.importer.html_blocks import html_to_blocks
from newsdesk.newsroom.importer.images import image_base, resolve_image_source
from newsdesk.newsroom.importer.records import (
    ArticleData,
    BlockData,
    ImportInputError,
    Record,
    Source,
)

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


def json_records(source: Source) -> list[Record]:
    """One Record per object of a JSON array (or of an object's "articles" array), located as
    "item N". ImportInputError when the whole is not UTF-8, not JSON, or not such an array."""
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
        _record_from_json(item, _("item %(number)d") % {"number": number}, image_base(source))
        for number, item in enumerate(payload, start=1)
    ]


def jsonl_records(source: Source) -> list[Record]:
    """One Record per non-blank line, located as "line N"; a line that is not UTF-8 or not
    JSON becomes a Record with the error (the other lines are still read)."""
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
        records.append(_record_from_json(item, location, image_base(source)))
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


def _record_from_json(item: Any, location: str, images_base: str = "") -> Record:
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
        data.blocks = _blocks_from_json(body, errors, images_base)
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


def _blocks_from_json(body: Any, errors: list[str], images_base: str = "") -> list[BlockData]:
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
                    src=_image_source(src, images_base, reader) if src else "",
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


def _image_source(src: str, base: str, reader: _FieldReader) -> str:
    try:
        return resolve_image_source(src, base)
    except ValueError as exc:
        reader.error("src", str(exc))
        return ""
