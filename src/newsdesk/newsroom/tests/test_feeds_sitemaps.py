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
