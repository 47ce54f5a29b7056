"""Control characters: refused by model validation, stripped by the back office and the
importer, and never breaking the feeds or sitemaps when they are already stored."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from newsdesk.newsroom.models import Article, Block, Section
from newsdesk.newsroom.plain_text import (
    control_characters,
    strip_control_characters,
    xml_safe,
)
from newsdesk.newsroom.testing import make_article, make_section

pytestmark = pytest.mark.django_db

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# One of each kind: vertical tab, form feed, NUL, escape, DEL, C1 (NEL, CSI), noncharacter.
CONTROLS = ["\x0b", "\x0c", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\ufffe"]


@pytest.mark.parametrize("char", CONTROLS)
def test_single_line_text_loses_every_control_character(char):
    assert strip_control_characters(f"Budget{char}beschlossen") in (
        "Budget beschlossen",
        "Budgetbeschlossen",
    )
    assert control_characters(f"a{char}b") == [f"U+{ord(char):04X}"]


def test_breaks_become_spaces_in_one_line_and_line_feeds_in_several():
    assert strip_control_characters("a\tb\nc\r\nd\x0be\x0cf") == "a b c  d e f"
    assert strip_control_characters("a\tb\nc\r\nd\x0be\x0cf\x1bg", lines=True) == (
        "a\tb\nc\nd\ne\nfg"
    )
    assert control_characters("Zeile\neins\tzwei", lines=True) == []
    assert control_characters("Zeile\neins\tzwei") == ["U+0009", "U+000A"]
    # Umlauts, emoji, right-to-left text and NBSP are text, not control characters.
    assert control_characters("Grüße 👍 علي\u00a0€") == []


def test_xml_safe_keeps_what_xml_allows():
    assert xml_safe("a\x0bb\x0c\x00c\ufffe\tz\n") == "abc\tz\n"
    assert xml_safe("Grüße & <Tags> €") == "Grüße & <Tags> €"


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("headline", "Budget\x0bbeschlossen", False),
        ("headline", "Budget\nbeschlossen", False),  # a headline is one line
        ("kicker", "Wien\x85", False),
        ("byline", "Von\x1bAnna", False),
        ("lead", "Erste Zeile\nzweite\tZeile", True),  # a lead may have lines
        ("lead", "Vorspann\x0c", False),
        ("headline", "Budget beschlossen", True),
    ],
)
def test_model_validation_refuses_control_characters(field, value, ok):
    article = make_article(publish=False)
    setattr(article, field, value)
    if ok:
        article.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            article.full_clean()
        assert field in refused.value.message_dict
        assert "Steuerzeichen" in refused.value.message_dict[field][0]


def test_block_and_section_validation_refuse_control_characters():
    article = make_article(publish=False)
    for kind, name, value in [
        ("subheading", "text", "Zwischen\x0btitel"),
        ("quote", "attribution", "Anna\x00"),
        ("factbox", "title", "Fakten\x9b"),
    ]:
        block = Block(article=article, kind=kind, **{"text": "Text", name: value})
        with pytest.raises(ValidationError) as refused:
            block.full_clean()
        assert name in refused.value.message_dict
    Block(article=article, kind="paragraph", text="Zeile<br>\nzwei").full_clean()
    section = Section(name="Sport", slug="sport2", names={"en": "Sports\x0b"})
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert "names" in refused.value.message_dict


def test_back_office_strips_control_characters(client_for, settings):
    settings.LANGUAGE_CODE = "en"
    section = make_section()
    data = {
        "section": section.pk,
        "language": "de",
        "kicker": "Wien\x0b",
        "headline": "Neue\x0bBim-Linie\x0c",
        "lead": "Erste Zeile\r\nzweite\x0bZeile\x1b",
        "byline": "",
        "slug": "neue-bim-linie",
        "publish_at_0": "",
        "publish_at_1": "",
        "canonical_url": "",
        "external_id": "",
        "blocks-TOTAL_FORMS": "1",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-position": "",
        "blocks-0-kind": "quote",
        "blocks-0-text": "Wir\x0cfahren",
        "blocks-0-title": "",
        "blocks-0-attribution": "Anna\x85Berger",
        "blocks-0-image": "",
        "blocks-0-caption": "",
        "blocks-0-credit": "",
    }
    response = client_for("editor").post("/admin/newsroom/article/add/", data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.kicker, article.headline) == ("Wien", "Neue Bim-Linie")
    assert article.lead == "Erste Zeile\nzweite\nZeile"
    block = article.blocks.get()
    assert (block.text, block.attribution) == ("Wir\nfahren", "Anna Berger")


def test_importer_strips_control_characters(tmp_path):
    make_section("politik", "Politik")
    record = {
        "id": "cc-1",
        "section": "politik",
        "kicker": "Staats\x0bbesuch",
        "headline": "Präsidentin\x0cbesucht\x00 Graz",  # NUL goes, the form feed is a space
        "lead": "Erste Zeile\nzweite\x1bZeile",
        "authors": ["Anna\x0bBerger"],
        "body": [
            {"type": "paragraph", "text": "Absatz\x0b eins."},
            {"type": "subheading", "text": "Zwischen\x85titel"},
        ],
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    call_command("import", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    article = Article.objects.get(external_id="cc-1")
    assert article.kicker == "Staats besuch"
    assert article.headline == "Präsidentin besucht Graz"
    assert article.lead == "Erste Zeile\nzweiteZeile"
    assert list(article.authors.values_list("name", flat=True)) == ["Anna Berger"]
    assert [b.text for b in article.blocks.all()] == ["Absatz\n eins.", "Zwischen titel"]


def store_dirty_article() -> Article:
    """An article whose fields carry control characters, written past every check."""
    article = make_article(headline="Sauber", kicker="Dach")
    Article.objects.filter(pk=article.pk).update(
        headline="Budget\x0bbeschlossen\x0c",
        kicker="Gemeinde\x1brat",
        lead="Mit\x01 54\x08 Stimmen\ufffe.",  # (PostgreSQL cannot store NUL at all)
        byline="Von\x0bAnna",
    )
    Section.objects.filter(pk=article.section_id).update(name="Poli\x0btik")
    return article


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("prefix", ["", "politik/"])
def test_feeds_stay_valid_xml_with_stored_control_characters(client, kind, prefix):
    store_dirty_article()
    response = client.get(f"/de/{prefix}feed/{kind}/")
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314 (our own XML)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == "Gemeinderat: Budgetbeschlossen"
    assert "Mit 54 Stimmen." in feed.entries[0].summary


def test_sitemaps_stay_valid_xml_with_stored_control_characters(client):
    store_dirty_article()
    news = client.get("/news-sitemap.xml")
    root = ET.fromstring(news.content)  # noqa: S314 (our own XML)
    assert [el.text for el in root.iter(f"{NEWS}title")] == ["Budgetbeschlossen"]
    ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
