"""How an article is shown in the reader's language: hooks for translated editions.

The newsroom knows only originals. A higher app (editions) registers
- a display provider: for list pages and feeds, the kicker, headline, lead and URL of each
  article in the reader's language, where it has a readable translation;
- an article page handler: renders the article page for a language other than the
  original's, or returns None to fall back to the original.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from newsdesk.newsroom.models import Article


@dataclass(frozen=True)
class ArticleDisplay:
    language: str
    kicker: str
    headline: str
    lead: str
    url: str
    is_translation: bool = False


DisplayProvider = Callable[[list[Article], str], dict[int, ArticleDisplay]]
PageHandler = Callable[[HttpRequest, Article, str], HttpResponse | None]

display_providers: list[DisplayProvider] = []
article_page_handlers: list[PageHandler] = []


def original_display(article: Article) -> ArticleDisplay:
    """The original, linked under the reader's current language prefix."""
    return ArticleDisplay(
        language=article.language,
        kicker=article.kicker,
        headline=article.headline,
        lead=article.lead,
        url=article.get_absolute_url(),
    )


def attach_display(articles: Iterable[Article], language: str) -> list[Article]:
    """Set `article.display` on each article: its translation for `language`, or the original."""
    articles = list(articles)
    found: dict[int, ArticleDisplay] = {}
    if articles:
        for provider in display_providers:
            found.update(provider(articles, language))
    for article in articles:
        article.display = found.get(article.pk) or original_display(article)  # type: ignore[attr-defined]
    return articles


def article_page_for(request: HttpRequest, article: Article, language: str) -> HttpResponse | None:
    """The first handler's page for this language, if any handler has one."""
    if language == article.language:
        return None
    for handler in article_page_handlers:
        response = handler(request, article, language)
        if response is not None:
            return response
    return None
