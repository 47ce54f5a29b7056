"""Readers: the edition's page, the notice and its link, JSON-LD, hreflang, lists, the cache."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from newsdesk.editions import actions as edition_actions
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition
from newsdesk.newsroom import actions
from newsdesk.newsroom.testing import make_section

pytestmark = pytest.mark.django_db

NOTICE_EN = "This article has been automatically translated, read the original article"


@pytest.fixture
def translated(engine, publish, committed):
    """A published German article with its complete English edition."""
    article = publish(headline="Der Bürgermeister sagte heute", slug="buergermeister")
    committed(workflow.run_translation, Edition.objects.get(article=article).pk)
    return article


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_edition_page_shows_every_part_translated_with_the_notice(client, translated):
    response = client.get("/en/politik/buergermeister/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="article__headline">The Mayor said today</h1>' in html
    assert '<p class="kicker">City</p>' in html
    assert "The City is new." in html
    assert "<h2" in html and "The House</h2>" in html
    assert 'The School is <a href="https://example.org/" rel="noopener noreferrer">new</a>.' in html
    assert '<article class="article" lang="en">' in html
    assert NOTICE_EN in html
    assert 'original article <a href="/de/politik/buergermeister/">here</a>.' in html
    assert '<meta name="ai-generated" content="machine-translated">' in html
    assert "Der Bürgermeister" not in html.split("<main")[1].split("</article>")[0]


def test_the_link_to_the_original_works(client, translated):
    html = client.get("/en/politik/buergermeister/").content.decode()
    href = re.search(r'read the original article <a href="([^"]+)">here', html).group(1)
    original = client.get(href).content.decode()
    assert '<h1 class="article__headline">Der Bürgermeister sagte heute</h1>' in original
    assert NOTICE_EN not in original


def test_json_ld_marks_the_machine_translation(client, translated):
    data = json_ld(client.get("/en/politik/buergermeister/").content.decode())
    assert data["headline"] == "The Mayor said today"
    assert data["inLanguage"] == "en"
    assert data["translationOfWork"]["@id"] == "http://testserver/de/politik/buergermeister/"
    assert data["translationOfWork"]["inLanguage"] == "de"
    assert data["isBasedOn"] == "http://testserver/de/politik/buergermeister/"
    assert data["creativeWorkStatus"] == "machine-translated"
    assert data["translator"]["name"] == "dummy:de-en@t1"
    assert data["url"] == "http://testserver/en/politik/buergermeister/"
    assert data["articleSection"] == "Politik"  # no English name given for the section
    assert data["wordCount"] == len("The Mayor said today. The House The School is new.".split())


def test_hreflang_and_switcher_link_original_and_edition(client, translated):
    for path in ("/de/politik/buergermeister/", "/en/politik/buergermeister/"):
        html = client.get(path).content.decode()
        assert (
            '<link rel="alternate" hreflang="de" href="http://testserver/de/politik/buergermeister/">'
            in html
        )
        assert (
            '<link rel="alternate" hreflang="en" href="http://testserver/en/politik/buergermeister/">'
            in html
        )
    german = client.get("/de/politik/buergermeister/").content.decode()
    switcher = german.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="http://testserver/en/politik/buergermeister/" hreflang="en"' in switcher
    english = client.get("/en/politik/buergermeister/").content.decode()
    switcher = english.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="http://testserver/de/politik/buergermeister/" hreflang="de"' in switcher


def test_no_visible_edition_means_the_original_is_shown(client, engine, publish):
    publish(headline="Die Stadt", slug="stadt")
    html = client.get("/en/politik/stadt/").content.decode()
    assert '<h1 class="article__headline">Die Stadt</h1>' in html
    assert NOTICE_EN not in html
    assert 'hreflang="en"' not in html.split("</head>")[0]


def test_reviewed_edition_says_so(client, translated, committed, users):
    committed(
        edition_actions.do_approve_edition,
        Edition.objects.get(article=translated),
        acting_user=users["editor"],
    )
    html = client.get("/en/politik/buergermeister/").content.decode()
    assert "automatically translated and reviewed by the editorial team" in html
    assert '<meta name="ai-generated" content="machine-translated; reviewed">' in html
    data = json_ld(html)
    assert data["creativeWorkStatus"] == "machine-translated, reviewed by the editorial team"


def test_stale_edition_says_the_original_was_updated(client, translated, committed):
    client.get("/en/politik/buergermeister/")  # now in the page cache
    translated.headline = "Der Bürgermeister sagte gestern"
    translated.save()
    committed(actions.do_save_article, translated, acting_user=None)
    html = client.get("/en/politik/buergermeister/").content.decode()
    assert "The Mayor said today" in html  # the previous edition meanwhile
    assert "The original article has been updated since" in html
    committed(workflow.run_translation, Edition.objects.get(article=translated).pk)
    html = client.get("/en/politik/buergermeister/").content.decode()
    assert "The Mayor said yesterday" in html
    assert "has been updated since" not in html


def test_german_notice_on_an_edition_into_german(client, engine, publish, committed, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    article = publish(
        headline="The mayor said today",
        kicker="City",
        lead="The city is new.",
        language="en",
        slug="mayor",
        blocks=[("paragraph", "The school is new.")],
    )
    committed(workflow.run_translation, Edition.objects.get(article=article, language="de").pk)
    html = client.get("/de/politik/mayor/").content.decode()
    assert "Dieser Artikel wurde automatisch übersetzt, den Originalartikel lesen Sie" in html
    assert '<a href="/en/politik/mayor/">hier</a>' in html
    assert "sagte heute</h1>" in html


def test_lists_show_the_edition_in_the_readers_language_with_one_query(
    client, engine, publish, committed, django_assert_max_num_queries
):
    wien = make_section("wien", "Wien")
    for number in range(3):
        article = publish(headline=f"Die Stadt hat {number} Haus", section=wien)
        committed(workflow.run_translation, Edition.objects.get(article=article).pk)
    cache.clear()
    english = client.get("/en/wien/").content.decode()
    for number in range(3):
        assert f"The City has {number} House" in english
    assert 'href="/en/wien/' in english
    assert "Die Stadt hat" not in english
    german = client.get("/de/wien/").content.decode()
    assert "Die Stadt hat 0 Haus" in german and "The City has" not in german

    from newsdesk.editions.reader import edition_displays
    from newsdesk.newsroom.models import Article

    articles = list(Article.objects.filter(section=wien).select_related("section"))
    with django_assert_max_num_queries(1):
        displays = edition_displays(articles, "en")
    assert len(displays) == 3 and all(d.is_translation for d in displays.values())


def test_feed_in_english_uses_the_edition(client, translated):
    feed = client.get("/en/feed/rss/")
    if feed.status_code == 404:
        pytest.skip("no language-prefixed feed")
    assert "The Mayor said today" in feed.content.decode()


def test_held_and_pending_editions_are_not_shown(client, engine, publish, committed):
    article = publish(headline="Karmeliterviertel bleibt autofrei bis Oktober", slug="karmeliter")
    committed(workflow.run_translation, Edition.objects.get(article=article).pk)
    assert Edition.objects.get(article=article).state == Edition.State.HELD
    html = client.get("/en/politik/karmeliter/").content.decode()
    assert NOTICE_EN not in html


def test_an_edition_in_the_originals_own_language_is_not_an_alternate(translated):
    from newsdesk.editions.reader import edition_alternates

    assert edition_alternates(translated) == [("en", "/en/politik/buergermeister/")]
    translated.language = "en"  # an editor corrected the original's language
    assert edition_alternates(translated) == []


def test_the_notice_ends_the_article_in_its_column_and_a_label_stands_by_the_headline(
    client, translated
):
    """Issue 11 item 15: as the page we model, the notice with "here" linking to the original
    at the end of the article, inside the text column; a short label near the headline."""
    html = client.get("/en/politik/buergermeister/").content.decode()
    article = html.split('<article class="article" lang="en">')[1].split("</article>")[0]
    header, after_header = article.split("</header>")
    assert '<p class="edition-label">Automatically translated · <a href="/de/politik/' in header
    assert header.index("edition-label") < header.index("article__headline")
    body_end = after_header.index("</div>")  # the end of .article__body
    assert after_header.index('<aside class="edition-notice"') > body_end
    assert (
        'read the original article <a href="/de/politik/buergermeister/">here</a>'
        in (after_header[body_end:])
    )
    assert "edition-notice" not in html.split('<article class="article"')[0]  # not above it
    assert "/static/editions/edition.css" in html.split("</head>")[0]


def test_an_article_without_its_english_edition_says_so_in_english(client, engine, publish):
    """Issue 11 item 13: the reader of /en/... of an article not yet translated is told, and
    the German text is marked as German."""
    publish(headline="Die Stadt", slug="stadt")
    html = client.get("/en/politik/stadt/").content.decode()
    assert '<article class="article" lang="de">' in html
    assert (
        '<p class="edition-label edition-label--missing" lang="en" role="note">This article is '
        "not yet available in English; here it is in the original German.</p>"
    ) in html
    german = client.get("/de/politik/stadt/").content.decode()
    assert "not yet available" not in german and "edition-label" not in german
