"""Reader pages: front page, section page, article page, for every role."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.newsroom.testing import make_article, make_section

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_published_article(client_for, role):
    article = make_article(
        headline="Gemeinderat beschließt Budget", kicker="Wien", lead="Ein langer Abend."
    )
    response = client_for(role).get(f"/de/politik/{article.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="kicker">Wien</p>' in html
    assert '<h1 class="article__headline">Gemeinderat beschließt Budget</h1>' in html
    assert '<p class="article__lead">Ein langer Abend.</p>' in html
    assert '<h2 id="b-' in html and "Zwischentitel</h2>" in html
    assert 'href="https://example.org/"' in html
    assert 'id="comments"' in html


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_hidden_from_every_reader_page(client_for, role):
    draft = make_article(headline="Noch geheim", publish=False)
    client = client_for(role)
    assert client.get(f"/de/politik/{draft.slug}/").status_code == 404
    assert "Noch geheim" not in client.get("/de/").content.decode()
    assert "Noch geheim" not in client.get("/de/politik/").content.decode()


def test_front_page_lists_latest_and_sections(client):
    sport = make_section("sport", "Sport", names={"en": "Sports"})
    make_article(headline="Derby gewonnen", section=sport)
    make_article(headline="Budget beschlossen")
    html = client.get("/de/").content.decode()
    assert html.index("Budget beschlossen") < html.index("Derby gewonnen")
    assert 'href="/de/sport/"' in html
    english = client.get("/en/").content.decode()
    assert ">Sports<" in english and 'lang="en"' in english


def test_dates_follow_reader_language_and_vienna_time(client, settings):
    import datetime as dt

    article = make_article()
    # 12:30 UTC in summer is 14:30 in Vienna (CEST); in winter 13:30 (CET).
    article.first_published_at = dt.datetime(2026, 7, 3, 12, 30, tzinfo=dt.UTC)
    article.save()
    german = client.get(f"/de/politik/{article.slug}/").content.decode()
    assert "3. Juli 2026 14:30" in german
    assert 'datetime="2026-07-03T14:30:00+02:00"' in german
    english = client.get(f"/en/politik/{article.slug}/").content.decode()
    assert "July 3, 2026, 2:30 p.m." in english
    article.first_published_at = dt.datetime(2026, 12, 3, 12, 30, tzinfo=dt.UTC)
    article.save()
    assert "3. Dezember 2026 13:30" in client.get(f"/de/politik/{article.slug}/").content.decode()


def test_wrong_section_in_url_redirects_to_the_article(client):
    article = make_article()
    response = client.get(f"/de/wien/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/de/politik/{article.slug}/"


def test_unknown_section_and_bad_page_numbers_are_404(client):
    make_article()
    assert client.get("/de/gibtsnicht/").status_code == 404
    for page in ("0", "999", "abc", "-1"):
        assert client.get(f"/de/politik/?page={page}").status_code == 404


def test_section_page_paginates(client, settings):
    settings.NEWSDESK_PAGE_SIZE = 2
    for number in range(5):
        make_article(headline=f"Meldung {number}")
    first = client.get("/de/politik/").content.decode()
    assert "Meldung 4" in first and "Meldung 3" in first and "Meldung 2" not in first
    third = client.get("/de/politik/?page=3").content.decode()
    assert "Meldung 0" in third and 'rel="prev"' in third


def test_article_page_structured_data_and_social_tags(client):
    article = make_article(headline="Staatsbesuch </script><script>alert(1)</script>")
    html = client.get(f"/de/politik/{article.slug}/").content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "JSON-LD block missing"
    data = json.loads(match.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Staatsbesuch </script>")
    assert data["inLanguage"] == "de"
    assert data["url"] == f"http://testserver/de/politik/{article.slug}/"
    assert "<script>alert(1)" not in html  # escaped everywhere, JSON-LD included
    assert f'<link rel="canonical" href="http://testserver/de/politik/{article.slug}/">' in html
    assert 'hreflang="de"' in html and 'hreflang="x-default"' in html
    assert '<meta property="og:type" content="article">' in html


def test_security_headers(client):
    response = client.get("/de/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_language_switcher_links_to_same_page(client):
    article = make_article()
    html = client.get(f"/de/politik/{article.slug}/").content.decode()
    assert f'<a href="/en/politik/{article.slug}/" hreflang="en" lang="en">English</a>' in html


def test_front_page_queries_grow_with_sections_not_articles(client, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    make_article()
    with CaptureQueriesContext(connection) as few:
        client.get("/de/")
    for _ in range(15):
        make_article()
    with CaptureQueriesContext(connection) as many:
        client.get("/de/")
    assert len(many) == len(few)


def test_cached_page_is_refreshed_after_a_change(client):
    article = make_article(headline="Erste Fassung")
    assert "Erste Fassung" in client.get("/de/").content.decode()
    article.headline = "Zweite Fassung"
    article.save()
    assert "Zweite Fassung" in client.get("/de/").content.decode()


def test_every_section_shows_its_newest_four_however_old(client):
    import datetime as dt

    from django.utils import timezone

    sport = make_section("sport", "Sport")
    old = make_article(headline="Alter Sportbericht", section=sport)
    old.first_published_at = timezone.now() - dt.timedelta(days=30)
    old.save()
    for number in range(20):
        make_article(headline=f"Politik {number}")
    html = client.get("/de/").content.decode()
    sport_part = html[html.index('id="section-sport"') :]
    assert "Alter Sportbericht" in sport_part
    politik_part = html[html.index('id="section-politik"') : html.index('id="section-sport"')]
    assert politik_part.count("teaser__headline") == 4
