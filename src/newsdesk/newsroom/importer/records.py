"""The shapes the import stages hand on: Source, Record, ArticleData, BlockData, the input error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ImportInputError(Exception):
    """The input as a whole cannot be read: nothing is imported (the command exits with 2)."""


@dataclass
class Source:
    """The input as read: its name (the path or URL given), its bytes, and the Content-Type
    the server sent ("" for files)."""

    name: str
    data: bytes
    content_type: str = ""


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
