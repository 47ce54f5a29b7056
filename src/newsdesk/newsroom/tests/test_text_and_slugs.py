"""Plain-text blocks accept "<" and are escaped on output; the help text shows the allowed
tags; back-office slugs spell German out (form and script); the site has a favicon."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import django
import pytest
from django.utils import translation

from newsdesk.newsroom import seo
from newsdesk.newsroom.models import Article, Block
from newsdesk.newsroom.slugs import slugify
from newsdesk.newsroom.testing import make_article, make_section

pytestmark = pytest.mark.django_db

ADMIN_JS = Path(django.__file__).parent / "contrib/admin/static/admin/js"
SLUG_JS = Path(__file__).parents[1] / "static/newsroom/slugs.js"


@pytest.fixture(autouse=True)
def english_back_office(settings):
    settings.LANGUAGE_CODE = "en"


def add_form(section_id: int, **overrides: str) -> dict:
    data = {
        "section": section_id,
        "language": "de",
        "kicker": "",
        "headline": "Über die Straße",
        "lead": "Vorspann.",
        "byline": "",
        "slug": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "canonical_url": "",
        "external_id": "",
        "blocks-TOTAL_FORMS": "3",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    for index, (kind, text, attribution) in enumerate(
        [
            ("subheading", "<%= 7*7 %>", ""),
            ("quote", "&lt;escaped&gt; & <b>nicht fett</b>", "A <Chef>"),
            ("paragraph", "Absatz mit <em>Betonung</em>.", ""),
        ]
    ):
        data.update(
            {
                f"blocks-{index}-position": "",
                f"blocks-{index}-kind": kind,
                f"blocks-{index}-text": text,
                f"blocks-{index}-title": "",
                f"blocks-{index}-attribution": attribution,
                f"blocks-{index}-image": "",
                f"blocks-{index}-caption": "",
                f"blocks-{index}-credit": "",
            }
        )
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", ["en", "de"])
def test_help_text_shows_the_allowed_tags(client_for, settings, language):
    settings.LANGUAGE_CODE = language
    html = client_for("editor").get("/admin/newsroom/article/add/").content.decode()
    assert "&lt;a href&gt;, &lt;strong&gt;, &lt;em&gt;" in html
    assert "may use , , and" not in html and "dürfen , , und" not in html


def test_subheadings_and_quotes_take_angle_brackets_and_are_escaped(client_for):
    section = make_section()
    response = client_for("editor").post(
        "/admin/newsroom/article/add/", add_form(section.pk, _publish="1")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    texts = list(article.blocks.values_list("kind", "text", "attribution"))
    assert texts == [
        ("subheading", "<%= 7*7 %>", ""),
        ("quote", "&lt;escaped&gt; & <b>nicht fett</b>", "A <Chef>"),
        ("paragraph", "Absatz mit <em>Betonung</em>.", ""),
    ]
    html = client_for("anonymous").get(article.get_absolute_url()).content.decode()
    assert "&lt;%= 7*7 %&gt;</h2>" in html
    assert "<p>&amp;lt;escaped&amp;gt; &amp; &lt;b&gt;nicht fett&lt;/b&gt;</p>" in html
    assert "<cite>A &lt;Chef&gt;</cite>" in html
    assert "<em>Betonung</em>" in html  # paragraphs keep their markup


def test_structured_data_takes_plain_blocks_as_they_are():
    article = make_article(
        blocks=[("subheading", "&lt;escaped&gt;"), ("paragraph", "a &amp; <em>b</em>")]
    )
    blocks = list(article.blocks.all())
    assert [seo.block_plain_text(block) for block in blocks] == ["&lt;escaped&gt;", "a & b"]
    assert seo.news_article_ld(article, [])["wordCount"] == 4


def test_plain_blocks_still_need_text():
    block = Block(article=make_article(publish=False), kind="subheading", text="  ")
    with pytest.raises(django.core.exceptions.ValidationError):
        block.full_clean()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Über die Straße", "ueber-die-strasse"),
        ("Größe Ärger Öl", "groesse-aerger-oel"),
        ("GRÜSSE AUS ẞ-STADT", "gruesse-aus-ss-stadt"),
        ("Café crème", "cafe-creme"),
    ],
)
def test_slugify_spells_german_out(text, slug):
    assert slugify(text) == slug


def test_the_back_office_makes_a_missing_slug_from_the_headline(client_for):
    section = make_section()
    make_article(headline="Alt", slug="ueber-die-strasse")
    client = client_for("editor")
    assert client.post("/admin/newsroom/article/add/", add_form(section.pk)).status_code == 302
    assert Article.objects.filter(slug="ueber-die-strasse-2").exists()
    typed = add_form(section.pk, slug="eigener-slug", headline="Noch eine")
    assert client.post("/admin/newsroom/article/add/", typed).status_code == 302
    assert Article.objects.filter(slug="eigener-slug").exists()


@pytest.mark.parametrize("model", ["article", "section", "author"])
def test_the_slug_script_is_on_every_form_that_fills_slugs(client_for, model):
    html = client_for("admin").get(f"/admin/newsroom/{model}/add/").content.decode()
    assert "admin/js/urlify.js" in html and "newsroom/slugs.js" in html


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_slug_script_fills_slugs_like_the_server():
    samples = ["Über die Straße", "Größe Ärger Öl", "GRÜSSE AUS ẞ-STADT", "Café crème"]
    program = (
        "globalThis.window = globalThis;"
        # Without a page the script wraps URLify at once, so Django's script comes first here.
        f"require({json.dumps(str(ADMIN_JS / 'urlify.js'))});"
        f"require({json.dumps(str(SLUG_JS))});"
        f"console.log(JSON.stringify({json.dumps(samples)}.map((s) => URLify(s, 200, false))));"
    )
    result = subprocess.run(  # noqa: S603 - fixed program, no shell
        ["node", "-e", program],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(result.stdout) == [slugify(sample) for sample in samples]


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    with translation.override("de"):
        html = client.get("/de/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert "core/favicon" in html and "image/svg+xml" in html
