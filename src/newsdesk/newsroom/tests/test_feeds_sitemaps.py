"""RSS/Atom feeds per language and section, XML sitemap, news sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from newsdesk.newsroom.testing import make_article, make_section

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_site_feed_lists_published_articles(client, kind):
    make_article(headline="Budget beschlossen", kicker="Gemeinderat", lead="Mit 54 Stimmen.")
    make_article(headline="Entwurf", publish=False)
    response = client.get(f"/de/feed/{kind}/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Gemeinderat: Budget beschlossen"]
    assert feed.entries[0].link.endswith(
        "/de/politik/artikel-" + feed.entries[0].link.split("-")[-1]
    )
    assert "Mit 54 Stimmen." in feed.entries[0].summary
    assert feed.feed.get("language", "de").startswith("de")


def test_section_feed_only_has_that_section(client):
    sport = make_section("sport", "Sport")
    make_article(headline="Derby", section=sport)
    make_article(headline="Budget")
    feed = feedparser.parse(client.get("/de/sport/feed/atom/").content)
    assert [entry.title.split(": ")[-1] for entry in feed.entries] == ["Derby"]
    assert client.get("/de/nirgendwo/feed/rss/").status_code == 404


def test_sitemap_has_pages_in_every_language_and_articles(client):
    article = make_article()
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
    locations = [url.find(f"{SITEMAP}loc").text for url in root.iter(f"{SITEMAP}url")]
    assert "http://testserver/de/" in locations and "http://testserver/en/" in locations
    assert f"http://testserver/de/politik/{article.slug}/" in locations
    front = next(
        url
        for url in root.iter(f"{SITEMAP}url")
        if url.find(f"{SITEMAP}loc").text == "http://testserver/de/"
    )
    hreflangs = {link.get("hreflang") for link in front.iter(f"{XHTML}link")}
    assert {"de", "en"} <= hreflangs


def test_news_sitemap_has_only_the_last_two_days(client):
    fresh = make_article(headline="Frisch & neu")
    old = make_article(headline="Alt")
    old.first_published_at = timezone.now() - dt.timedelta(days=3)
    old.save()
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own XML)
    titles = [el.text for el in root.iter(f"{NEWS}title")]
    assert titles == ["Frisch & neu"]
    assert root.find(f".//{NEWS}language").text == "de"
    assert root.find(f".//{SITEMAP}loc").text.endswith(f"/de/politik/{fresh.slug}/")


def test_robots_txt_names_the_sitemaps(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.fixture
def english_editions():
    """A display provider as the editions app registers one: an English edition of every
    article whose headline starts with "Mit Ausgabe"."""
    from newsdesk.newsroom import localization

    def provider(articles, language):
        return {
            article.pk: localization.ArticleDisplay(
                language=language,
                kicker="",
                headline=f"Edition of {article.pk}",
                lead="In English.",
                url=f"/en/politik/{article.slug}/",
                is_translation=True,
            )
            for article in articles
            if language == "en" and article.headline.startswith("Mit Ausgabe")
        }

    localization.display_providers.insert(0, provider)
    yield
    localization.display_providers.remove(provider)


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("prefix", ["", "politik/"])
def test_each_language_feed_carries_only_items_in_its_language(client, kind, prefix):
    german = make_article(headline="Nur Deutsch")
    english = make_article(headline="English original", language="en")
    de = feedparser.parse(client.get(f"/de/{prefix}feed/{kind}/").content)
    en = feedparser.parse(client.get(f"/en/{prefix}feed/{kind}/").content)
    assert [e.title.split(": ")[-1] for e in de.entries] == [german.headline]
    assert [e.title.split(": ")[-1] for e in en.entries] == [english.headline]
    assert en.feed.language.startswith("en") and de.feed.language.startswith("de")


def test_english_feed_carries_german_articles_through_their_editions(client, english_editions):
    translated = make_article(headline="Mit Ausgabe")
    make_article(headline="Ohne Ausgabe")
    feed = feedparser.parse(client.get("/en/feed/atom/").content)
    assert [entry.title for entry in feed.entries] == [f"Edition of {translated.pk}"]
    assert feed.entries[0].link.endswith(f"/en/politik/{translated.slug}/")
    german = feedparser.parse(client.get("/de/feed/atom/").content)
    assert len(german.entries) == 2  # the German feed keeps the originals


def test_feed_authors_fall_back_to_byline_and_site_name(client, settings):
    from newsdesk.newsroom.testing import make_author

    nobody = make_article(headline="Ohne Autor")
    bylined = make_article(headline="Mit Zeile", byline="Von Anna aus Wien")
    credited = make_article(headline="Mit Autorin")
    credited.authors.add(make_author("Berta Huber"))
    for kind in ("atom", "rss"):
        response = client.get(f"/de/feed/{kind}/")
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        authors = {entry.title.split(": ")[-1]: entry.get("author") for entry in feed.entries}
        assert authors[nobody.headline] == settings.SITE_NAME
        assert authors[bylined.headline] == "Von Anna aus Wien"
        assert authors[credited.headline] == "Berta Huber"
    atom = ET.fromstring(client.get("/de/feed/atom/").content)  # noqa: S314 (our own XML)
    names = [el.text for el in atom.iter("{http://www.w3.org/2005/Atom}name")]
    assert names and all(name and name.strip() for name in names)
