"""What readers get: an edition's page, its teasers on list pages, and hreflang alternates."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from newsdesk.editions.models import Edition
from newsdesk.editions.source import BLOCK_PARTS, part_text
from newsdesk.newsroom import localization, seo
from newsdesk.newsroom.inline_html import strip_tags_text
from newsdesk.newsroom.localization import ArticleDisplay
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.views import article_context
from newsdesk.translation.languages import language_name

MACHINE_TRANSLATION_STATUS = "machine-translated"
REVIEWED_STATUS = "machine-translated, reviewed by the editorial team"


def _visible(queryset: Any) -> Any:
    return queryset.filter(content_published_at__isnull=False)


def visible_edition(article: Article, language: str) -> Edition | None:
    edition = _visible(Edition.objects.filter(article=article, language=language)).first()
    return edition if edition is not None and edition.content else None


def edition_path(article: Article, language: str) -> str:
    with translation.override(language):
        return article.get_absolute_url()


def translated_article(article: Article, edition: Edition) -> tuple[Article, list[Any]]:
    """Unsaved copies of the article and its blocks with the edition's text in them."""
    content = edition.content
    shown = copy.copy(article)
    shown.language = edition.language
    shown.edition_original = article  # type: ignore[attr-defined]  # comments: one thread
    for name in ("kicker", "headline", "lead"):
        if getattr(article, name).strip():
            setattr(shown, name, content.get(name, getattr(article, name)))
    blocks = []
    for block in article.blocks.all():
        translated = copy.copy(block)
        for part, _is_html in BLOCK_PARTS.get(block.kind, []):
            text = part_text(content, block, part)
            if text is not None:
                setattr(translated, part, text)
        blocks.append(translated)
    return shown, blocks


def edition_ld(data: dict[str, Any], article: Article, edition: Edition) -> dict[str, Any]:
    """The NewsArticle JSON-LD of an edition: what it translates and how it was made."""
    original = seo.absolute(edition_path(article, article.language))
    data = dict(data)
    data["translationOfWork"] = {
        "@type": "NewsArticle",
        "@id": original,
        "url": original,
        "inLanguage": article.language,
        "headline": article.headline[:110],
    }
    data["isBasedOn"] = original
    data["articleSection"] = article.section.name_in(edition.language)
    data["creativeWorkStatus"] = (
        REVIEWED_STATUS if edition.content_reviewed else MACHINE_TRANSLATION_STATUS
    )
    data["translator"] = {
        "@type": "SoftwareApplication",
        "name": edition.model_version or edition.engine,
        "applicationCategory": "machine translation",
    }
    return data


def _word_count(blocks: list[Any]) -> int:
    return sum(len(strip_tags_text(block.text).split()) for block in blocks if block.text)


def edition_page(request: HttpRequest, article: Article, language: str) -> HttpResponse | None:
    """The article page in `language` from its visible edition, or None (show the original,
    which then says it is not translated yet: :func:`untranslated_note`)."""
    edition = visible_edition(article, language)
    if edition is None:
        return None
    shown, blocks = translated_article(article, edition)
    context = article_context(shown)
    images = [block.image for block in blocks if block.image_id]
    image_urls = [seo.absolute(image.file.url) for image in images if image]
    context.update(
        {
            "blocks": blocks,
            "edition": edition,
            "original": article,
            "original_url": edition_path(article, article.language),
            "alternates": seo.article_alternates(article),
            "canonical": seo.canonical_url(shown),
            "json_ld": seo.dumps_for_script(
                {
                    **edition_ld(seo.news_article_ld(shown, image_urls), article, edition),
                    "wordCount": _word_count(blocks) or None,
                }
            ),
        }
    )
    return render(request, "editions/article_page.html", context)


def untranslated_note(context: Any) -> str:
    """On the original shown under another site language (`/en/…` of a German article whose
    English edition is not there yet): a note in the page's language that says so. The
    article around it keeps the original's `lang`."""
    article = context.get("article")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    language = translation.get_language()
    if (
        article is None
        or match is None
        or match.view_name != "newsroom:article"  # not the back office's preview
        or language == article.language
        or language not in dict(settings.LANGUAGES)
    ):
        return ""
    return format_html(
        '<link rel="stylesheet" href="{}"><p class="edition-label edition-label--missing" '
        'lang="{}" role="note">{}</p>',
        static("editions/edition.css"),
        language,
        _(
            "This article is not yet available in %(language)s; here it is in the original "
            "%(original)s."
        )
        % {"language": language_name(language), "original": language_name(article.language)},
    )


def edition_displays(articles: list[Article], language: str) -> dict[int, ArticleDisplay]:
    """Kicker, headline and lead of each article's visible edition (one query)."""
    by_id = {article.pk: article for article in articles if article.language != language}
    if not by_id:
        return {}
    found = {}
    rows = _visible(Edition.objects.filter(article_id__in=list(by_id), language=language))
    for article_id, content in rows.values_list("article_id", "content"):
        if not content:
            continue
        article = by_id[article_id]
        found[article_id] = ArticleDisplay(
            language=language,
            kicker=content.get("kicker", ""),
            headline=content.get("headline", article.headline),
            lead=content.get("lead", ""),
            url=edition_path(article, language),
            is_translation=True,
        )
    return found


def edition_alternates(article: Article) -> list[tuple[str, str]]:
    """[(language, path)] of the article's visible editions."""
    languages = (
        _visible(Edition.objects.filter(article=article))
        .exclude(language=article.language)  # an original whose language was changed
        .values_list("language", flat=True)
    )
    return [(language, edition_path(article, language)) for language in sorted(languages)]


def register() -> None:
    from newsdesk.core.hooks import fills_slot, slot_fillers

    if untranslated_note not in slot_fillers("article_label"):
        fills_slot("article_label")(untranslated_note)
    for registry, function in (
        (localization.article_page_handlers, edition_page),
        (localization.display_providers, edition_displays),
        (seo.alternate_providers, edition_alternates),
    ):
        if function not in registry:
            registry.append(function)  # type: ignore[arg-type]
