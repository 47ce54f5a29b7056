"""The hooks through which translated editions replace the original for other languages."""

from __future__ import annotations

import feedparser
import pytest
from django.http import HttpResponse

from newsdesk.newsroom import localization
from newsdesk.newsroom.localization import ArticleDisplay
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_edition():
    """A stand-in edition provider: English headline and page for every article."""

    def provider(articles, language):
        if language != "en":
            return {}
        return {
            a.pk: ArticleDisplay(
                "en",
                "Kicker EN",
                f"EN {a.headline}",
                "Lead EN",
                f"/en/{a.section.slug}/{a.slug}/",
                True,
            )
            for a in articles
        }

    def handler(request, article, language):
        return HttpResponse(f"edition {language} of {article.slug}")

    localization.display_providers.append(provider)
    localization.article_page_handlers.append(handler)
    yield
    localization.display_providers.remove(provider)
    localization.article_page_handlers.remove(handler)


def test_lists_and_feeds_use_the_edition_in_the_readers_language(client, english_edition):
    article = make_article(headline="Budget")
    english = client.get("/en/").content.decode()
    assert "EN Budget" in english and 'lang="en"' in english
    german = client.get("/de/").content.decode()
    assert "EN Budget" not in german and ">Budget<" in german
    assert "EN Budget" in client.get("/en/politik/").content.decode()
    feed = feedparser.parse(client.get("/en/feed/rss/").content)
    assert feed.entries[0].title == "Kicker EN: EN Budget"
    assert feed.entries[0].link.endswith(f"/en/politik/{article.slug}/")


def test_article_page_handler_serves_other_languages_only(client, english_edition):
    article = make_article()
    assert client.get(f"/en/politik/{article.slug}/").content.decode() == (
        f"edition en of {article.slug}"
    )
    assert "article__headline" in client.get(f"/de/politik/{article.slug}/").content.decode()


def test_without_editions_the_original_is_shown_under_every_language(client):
    article = make_article(headline="Nur deutsch")
    html = client.get("/en/").content.decode()
    assert f'href="/en/politik/{article.slug}/">Nur deutsch</a>' in html
    assert 'lang="de"' in html
