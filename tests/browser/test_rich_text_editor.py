"""The back office's rich-text editor (issue 16 item 15): paragraph and fact-box blocks are
written with bold, italic, links and line breaks instead of raw HTML; subheadings and quotes
stay plain text; what is stored is the allowed inline markup, and nothing breaks the CSP."""

from __future__ import annotations

import re

import pytest

from newsdesk.newsroom.models import Article, Block
from newsdesk.newsroom.testing import make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editor_of(page, textarea: str):
    return page.locator(f".prose-editor:has({textarea}) .ProseMirror")


def test_editor_writes_bold_italic_and_lines_into_a_paragraph(live_server, page, users, log_in):
    make_section("politik", "Politik")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in("editor")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.select_option("#id_section", label="Politik")
    page.fill("#id_headline", "Budget beschlossen")
    page.fill("#id_lead", "Der Gemeinderat hat entschieden.")
    editor = editor_of(page, "#id_blocks-0-text")
    editor.wait_for()
    assert not page.locator("#id_blocks-0-text").is_visible()
    editor.click()
    page.keyboard.type("Der ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Gemeinderat")
    page.keyboard.press("Control+b")
    page.keyboard.type(" hat ")
    page.keyboard.press("Control+i")
    page.keyboard.type("heute")
    page.keyboard.press("Control+i")
    page.keyboard.press("Enter")
    page.keyboard.type("beschlossen <3")
    # A new block starts as a paragraph (with the editor); as a subheading it is plain
    # text: no editor, "<" stays a character.
    page.locator(".add-row a").click()
    editor_of(page, "#id_blocks-1-text").wait_for()
    page.select_option("#id_blocks-1-kind", "subheading")
    assert editor_of(page, "#id_blocks-1-text").count() == 0
    page.fill("#id_blocks-1-text", "Was 1 < 2 bedeutet")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/newsroom/article/")
    article = Article.objects.get(headline="Budget beschlossen")
    paragraph, subheading = article.blocks.order_by("position", "id")
    assert paragraph.kind == Block.Kind.PARAGRAPH
    # (Where the editor puts the spaces typed next to a mark is its business.)
    plain = re.sub(r"\s+", " ", paragraph.text.replace("&nbsp;", " "))
    assert re.fullmatch(
        r"Der ?<strong> ?Gemeinderat</strong> ?hat ?<em> ?heute</em><br>beschlossen &lt;3", plain
    ), paragraph.text
    assert subheading.text == "Was 1 < 2 bedeutet"
    assert not [text for text in console if "Content Security Policy" in text], console

    # Opening the article again shows the stored markup in the editor; turning the
    # paragraph into a quote gives the plain textarea back.
    page.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    editor = editor_of(page, "#id_blocks-0-text")
    editor.wait_for()
    assert editor.locator("strong").inner_text() == "Gemeinderat"
    assert editor.locator("em").inner_text() == "heute"
    page.select_option("#id_blocks-0-kind", "quote")
    assert page.locator("#id_blocks-0-text").is_visible()
    page.select_option("#id_blocks-0-kind", "factbox")
    editor_of(page, "#id_blocks-0-text").wait_for()
