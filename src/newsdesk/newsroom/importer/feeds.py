"""RSS and Atom input through feedparser: one Record per item, its HTML turned into blocks."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import time
from typing import Any

import feedparser
from django.utils.translation import gettext as _

from newsdesk.newsroom.importer.html_blocks import html_to_blocks
from newsdesk.newsroom.importer.records import ArticleData, ImportInputError, Record, Source
from newsdesk.newsroom.inline_html import strip_tags_text
from newsdesk.newsroom.slugs import slugify


def feed_records(source: Source) -> list[Record]:
    """One Record per feed item, located as "item N"; its categories are section candidates and
    the feed's language a hint. ImportInputError when the input is no RSS or Atom feed."""
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
            categories.append((slugify(term), tag.get("label") or term))
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
