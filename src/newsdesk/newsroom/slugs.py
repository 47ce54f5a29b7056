"""Slugs for articles, sections and authors: German umlauts spelt out, unique per model.

The back office (its forms and the script that fills slugs as editors type) and the importer
make slugs the same way, through these functions."""

from __future__ import annotations

from django.utils.text import slugify as django_slugify

from newsdesk.newsroom.models import Article, Author, Section


def slugify(value: str) -> str:
    """A slug of `value` with ä, ö, ü, ß written ae, oe, ue, ss (as German readers expect)."""
    for german, ascii_form in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
        ("ẞ", "SS"),
    ):
        value = value.replace(german, ascii_form)
    return django_slugify(value)


def unique_slug(
    model: type[Article] | type[Author] | type[Section], base: str, max_length: int
) -> str:
    """`base` (cut to `max_length` characters; "artikel" when empty), or base-2, base-3...: the
    first that no row of `model` has as its slug yet."""
    base = (base[:max_length].strip("-")) or "artikel"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug
