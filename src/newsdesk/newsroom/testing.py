"""Builders for tests (of this app and of the apps built on it): sections, articles, blocks."""

from __future__ import annotations

import itertools
from typing import Any

from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Article, Author, Block, Section

_counter = itertools.count(1)


def make_section(slug: str = "politik", name: str = "Politik", **extra: Any) -> Section:
    section, _ = Section.objects.get_or_create(slug=slug, defaults={"name": name, **extra})
    return section


def make_article(
    *,
    headline: str | None = None,
    section: Section | None = None,
    publish: bool = True,
    blocks: list[tuple[str, str]] | None = None,
    **fields: Any,
) -> Article:
    """An article with blocks [(kind, text)]; published unless publish=False."""
    number = next(_counter)
    article = Article.objects.create(
        section=section or make_section(),
        headline=headline or f"Schlagzeile {number}",
        slug=fields.pop("slug", f"artikel-{number}"),
        kicker=fields.pop("kicker", "Dachzeile"),
        lead=fields.pop("lead", "Der Vorspann fasst zusammen."),
        language=fields.pop("language", "de"),
        **fields,
    )
    default_blocks = [
        ("paragraph", "Erster Absatz."),
        ("subheading", "Zwischentitel"),
        ("paragraph", 'Zweiter Absatz mit <a href="https://example.org/">Link</a>.'),
    ]
    for position, (kind, text) in enumerate(blocks or default_blocks, start=1):
        Block.objects.create(article=article, position=position * 10, kind=kind, text=text)
    if publish:
        actions.do_publish_article(article, acting_user=None)
    return article


def make_author(name: str = "Anna Berger") -> Author:
    author, _ = Author.objects.get_or_create(
        slug=name.lower().replace(" ", "-"), defaults={"name": name}
    )
    return author
