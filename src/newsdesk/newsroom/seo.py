"""What search engines and social networks read: JSON-LD, alternates, canonical addresses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from newsdesk.newsroom.inline_html import strip_tags_text
from newsdesk.newsroom.models import Article, Block

# Providers of further language versions of an article (the editions app adds the
# translated editions). Each returns [(language code, path)].
alternate_providers: list[Callable[[Article], list[tuple[str, str]]]] = []


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def article_path(article: Article, language: str | None = None) -> str:
    with translation.override(language or article.language):
        return article.get_absolute_url()


def canonical_url(article: Article) -> str:
    return article.canonical_url or absolute(article_path(article))


def article_alternates(article: Article) -> list[tuple[str, str]]:
    """[(language, absolute URL)] of every language version, the original first."""
    versions = [(article.language, absolute(article_path(article)))]
    for provider in alternate_providers:
        versions.extend((code, absolute(path)) for code, path in provider(article))
    return versions


def dumps_for_script(data: Any) -> SafeString:
    """JSON safe inside a <script> element: no "</script>" or comment can break out."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - every markup character is escaped above


def block_plain_text(block: Block) -> str:
    """A block's text without markup: paragraphs and fact boxes hold inline HTML, subheadings
    and quotes plain text (where "&lt;" means those four characters)."""
    if block.kind in (Block.Kind.PARAGRAPH, Block.Kind.FACTBOX):
        return strip_tags_text(block.text)
    return block.text


def news_article_ld(article: Article, image_urls: list[str]) -> dict[str, Any]:
    body = " ".join(block_plain_text(block) for block in article.blocks.all() if block.text)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "alternativeHeadline": article.kicker or None,
        "description": strip_tags_text(article.lead) or None,
        "inLanguage": article.language,
        "articleSection": article.section.name,
        "url": canonical_url(article),
        "mainEntityOfPage": canonical_url(article),
        "datePublished": article.first_published_at.isoformat()
        if article.first_published_at
        else None,
        "dateModified": (article.last_updated_at or article.first_published_at).isoformat()
        if article.first_published_at
        else None,
        "author": [{"@type": "Person", "name": author.name} for author in article.authors.all()]
        or ([{"@type": "Person", "name": article.byline}] if article.byline else None),
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
        "image": image_urls or None,
        "wordCount": len(body.split()) or None,
    }
    return {key: value for key, value in data.items() if value is not None}
