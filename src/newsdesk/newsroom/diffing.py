"""Readable differences between two article revisions, part by part."""

from __future__ import annotations

import difflib
from typing import Any

from django.utils.translation import gettext_lazy as _

from newsdesk.newsroom.inline_html import strip_tags_text

PART_ORDER = (
    "kicker",
    "headline",
    "lead",
    "byline",
    "authors",
    "blocks",
    "section",
    "slug",
    "language",
    "canonical_url",
    "status",
)


def part_label(part: str) -> str:
    """The editor-facing name of a part of an article (a field's verbose name)."""
    from django.core.exceptions import FieldDoesNotExist

    from newsdesk.newsroom.models import Article

    if part == "blocks":
        return str(_("blocks"))
    try:
        return str(getattr(Article._meta.get_field(part), "verbose_name", part))
    except FieldDoesNotExist:
        return part


def _lines(part: str, value: Any) -> list[str]:
    if part == "blocks":
        lines = []
        for block in value or []:
            text = block.get("text") or ""
            if block.get("kind") in ("paragraph", "factbox"):  # the others are plain text
                text = strip_tags_text(text)
            extra = " | ".join(
                str(block.get(name))
                for name in ("title", "attribution", "caption", "credit")
                if block.get(name)
            )
            lines.append(f"[{block.get('kind')}] {text}" + (f" ({extra})" if extra else ""))
        return lines
    if part == "authors":
        return list(value or [])
    return [] if value in (None, "") else str(value).splitlines() or [""]


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """[{part, rows: [(tag, text)]}] for each part that differs; tag is '-', '+' or ' '."""
    result = []
    parts = [p for p in PART_ORDER if p in old or p in new]
    for part in parts:
        before, after = _lines(part, old.get(part)), _lines(part, new.get(part))
        if before == after:
            continue
        rows = []
        for line in difflib.ndiff(before, after):
            tag, text = line[:1], line[2:]
            if tag in "-+ ":
                rows.append((tag, text))
        result.append({"part": part, "label": part_label(part), "rows": rows})
    return result
