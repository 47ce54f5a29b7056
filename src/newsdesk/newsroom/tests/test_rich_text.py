"""The back office's rich-text editor (issue 16 item 15): its HTML (lines as <p>) becomes a
block's inline markup, the server still checks and sanitises, subheadings and quotes stay
plain text; the article form carries the editor for every role that may edit articles."""

from __future__ import annotations

import pytest

from newsdesk.newsroom.inline_html import from_editor_html
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.testing import make_section
from newsdesk.newsroom.tests.test_backoffice import article_form, form_errors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_back_office(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize(
    ("editor_html", "stored"),
    [
        ("<p>Ein Satz.</p>", "Ein Satz."),
        ("<p>Zeile 1</p><p>Zeile 2</p>", "Zeile 1<br>Zeile 2"),
        ("<p>a</p>\n<p></p><p>b</p>", "a<br><br>b"),
        (
            "<p><strong>fett</strong> und <em>schräg</em><br>neu</p>",
            "<strong>fett</strong> und <em>schräg</em><br>neu",
        ),
        ('<p><a href="https://example.org">Link</a></p>', '<a href="https://example.org">Link</a>'),
        ("ohne Editor <b>getippt</b>", "ohne Editor <b>getippt</b>"),
        ('<p class="x">a</p><p>b</p>', '<p class="x">a</p><p>b</p>'),  # not the editor's
        ("<p>a<p>b</p></p>", "<p>a<p>b</p></p>"),
        ("", ""),
    ],
)
def test_editor_html_becomes_inline_markup(editor_html, stored):
    assert from_editor_html(editor_html) == stored


def test_editor_output_is_stored_as_inline_markup(client_for):
    section = make_section()
    data = article_form(
        section.pk,
        **{
            "blocks-0-text": '<p>Ab <strong>Montag</strong></p><p>mit <a href="https://example.org/plan">Fahrplan</a>.</p>',
            "blocks-1-text": "<p>Die Strecke</p>",  # a subheading: plain text, kept as typed
        },
    )
    response = client_for("editor").post("/admin/newsroom/article/add/", data)
    assert response.status_code == 302, form_errors(response)
    paragraph, subheading = Article.objects.get(slug="neue-bim-linie").blocks.all()
    assert paragraph.text == (
        'Ab <strong>Montag</strong><br>mit <a href="https://example.org/plan" '
        'rel="noopener noreferrer">Fahrplan</a>.'
    )
    assert subheading.text == "<p>Die Strecke</p>"


@pytest.mark.parametrize(
    "smuggled",
    [
        "<p>Text <script>alert(1)</script></p>",
        '<p><a href="javascript:alert(1)">x</a></p>',
        '<p><span style="color:red">rot</span></p>',
        "<p>a</p><h2>b</h2>",
    ],
)
def test_markup_the_editor_cannot_make_is_still_refused(client_for, smuggled):
    """Hand-made requests get no further than before: the server checks what arrives."""
    section = make_section()
    data = article_form(section.pk, **{"blocks-0-text": smuggled})
    response = client_for("editor").post("/admin/newsroom/article/add/", data)
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_fact_box_lines_from_the_editor(client_for):
    section = make_section()
    data = article_form(
        section.pk,
        **{
            "blocks-0-kind": "factbox",
            "blocks-0-title": "Zahlen",
            "blocks-0-text": "<p>12 Stationen</p><p>7 km</p>",
        },
    )
    response = client_for("editor").post("/admin/newsroom/article/add/", data)
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get().blocks.first().text == "12 Stationen<br>7 km"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("reader", 302), ("moderator", 403), ("editor", 200), ("admin", 200)],
)
def test_article_form_brings_the_editor(client_for, role, status):
    response = client_for(role).get("/admin/newsroom/article/add/")
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert 'data-newsdesk-rich-text="inline"' in html
    assert 'type="module"' in html and "newsroom/rich_text.js" in html
    assert "django_prose_editor/editor.css" in html and "newsroom/rich_text.css" in html
    assert "importmap" not in html  # the CSP allows no inline script
