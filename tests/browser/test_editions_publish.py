"""An editor publishes a German article; after the worker ran, English readers get its edition."""

from __future__ import annotations

import os
import re

import pytest
from django.core.management import call_command

from newsdesk.editions.models import Edition
from newsdesk.newsroom.testing import make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("NEWSDESK_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_published_article_gets_an_english_edition(live_server, page, users, settings, log_in):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "browser"},
    }
    settings.SITE_URL = live_server.url  # hreflang links and the switcher are absolute
    make_section("politik", "Politik", names={"en": "Politics"})
    log_in("editor")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.select_option("#id_section", label="Politik")
    page.fill("#id_kicker", "Stadt")
    page.fill("#id_headline", "Der Bürgermeister sagte heute")
    page.fill("#id_lead", "Die Stadt hat ein Budget.")
    # The paragraph is written in the rich-text editor that replaces its textarea.
    page.locator(".prose-editor:has(#id_blocks-0-text) .ProseMirror").fill(
        "Der Gemeinderat hat das Budget beschlossen."
    )
    page.locator("input[name=_publish]").click()
    page.wait_for_url("**/change/")

    call_command("worker", "--batch")
    edition = Edition.objects.select_related("article").get(language="en")
    assert edition.state == Edition.State.PUBLISHED
    slug = edition.article.slug

    page.goto(f"{live_server.url}/en/politik/{slug}/")
    shot(page, "edition-en")
    assert page.get_by_role("heading", level=1).inner_text() == "The Mayor said today"
    assert page.locator("article.article").get_attribute("lang") == "en"
    assert "The City council has the Budget decided." in page.locator(".article__body").inner_text()
    notice = page.locator(".edition-notice")
    assert "This article has been automatically translated" in notice.inner_text()

    notice.get_by_role("link", name="here").click()
    page.wait_for_url(f"**/de/politik/{slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Der Bürgermeister sagte heute"
    assert page.locator(".edition-notice").count() == 0
    hreflang_en = page.locator('link[rel=alternate][hreflang="en"]')
    assert hreflang_en.get_attribute("href").endswith(f"/en/politik/{slug}/")

    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    page.wait_for_url(f"**/en/politik/{slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "The Mayor said today"

    page.goto(f"{live_server.url}/en/")
    assert page.get_by_role("link", name="The Mayor said today").first.is_visible()


def _german_comment(live_server, users, settings, slug: str):
    """A German reader comment under a new article, with the dummy engine configured."""
    from newsdesk.community.actions import conversation_for_article
    from newsdesk.community.models import Comment
    from newsdesk.newsroom.testing import make_article

    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "browser"},
    }
    settings.SITE_URL = live_server.url
    article = make_article(headline="Die Stadt", slug=slug)
    return Comment.objects.create(
        conversation=conversation_for_article(article),
        author=users["reader"],
        language="de",
        text="Die Schule ist neu.",
        html="<p>Die Schule ist neu.</p>",
        text_digest=f"browser-{slug}",
    )


def test_reader_shows_a_comment_in_english(live_server, page, users, settings):
    _german_comment(live_server, users, settings, "stadt-kommentar")
    page.goto(f"{live_server.url}/en/politik/stadt-kommentar/")
    comment = page.locator("li.comment").first
    assert comment.inner_text().count("Die Schule ist neu.") == 1
    comment.get_by_role("button", name="Show translation").click()
    translation = comment.locator(".comment__translation")
    translation.wait_for()
    assert translation.get_attribute("lang") == "en"
    assert "Machine-translated from German" in translation.inner_text()
    assert "The School is new." in translation.inner_text()
    comment.get_by_role("button", name="Hide translation").click()
    assert translation.is_hidden()


def test_reader_shows_a_comment_in_english_on_its_permalink_page(
    live_server, page, users, settings
):
    comment = _german_comment(live_server, users, settings, "stadt-permalink")
    page.goto(f"{live_server.url}/en/community/comments/{comment.pk}/")
    item = page.locator(f"li#c-{comment.pk}")
    assert item.inner_text().count("Die Schule ist neu.") == 1
    item.get_by_role("button", name="Show translation").click()
    translation = item.locator(".comment__translation")
    translation.wait_for()
    shot(page, "comment-permalink-translated")
    assert translation.get_attribute("lang") == "en"
    assert translation.locator(".comment__translation-label").inner_text() == (
        "Machine-translated from German"
    )
    assert translation.locator(".comment__translation-text").inner_text() == "The School is new."
    item.get_by_role("button", name="Hide translation").click()
    assert translation.is_hidden()
    # The German page of the same comment has nothing to translate.
    page.goto(f"{live_server.url}/de/community/comments/{comment.pk}/")
    assert "Die Schule ist neu." in page.locator(f"li#c-{comment.pk}").inner_text()
    assert page.locator(".comment__translate").count() == 0


def test_editor_post_edits_and_approves_a_held_edition(live_server, page, users, settings, log_in):
    from newsdesk.editions import workflow
    from newsdesk.newsroom.testing import make_article

    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "browser"},
    }
    settings.SITE_URL = live_server.url
    article = make_article(
        headline="Karmeliterviertel bleibt autofrei",
        slug="karmeliter",
        kicker="Stadt",
        lead="Die Stadt ist neu.",
        blocks=[("paragraph", "Der Bürgermeister sagte heute.")],
    )
    edition = Edition.objects.get(article=article)
    assert workflow.run_translation(edition.pk) == "held for review"

    log_in("editor")
    page.goto(f"{live_server.url}/admin/editions/heldedition/")
    page.get_by_role("link", name=re.compile("Karmeliterviertel bleibt autofrei")).first.click()
    row = page.locator("tr.flagged").first
    assert "Karmeliterviertel bleibt autofrei" in row.locator("td").nth(0).inner_text()
    assert row.locator(".reason").count() >= 1  # the checks' reason beside the segment
    shot(page, "post-edit")
    row.locator("textarea").fill("Carmelite quarter stays car-free")
    page.locator("input[name=_approve]").click()
    page.wait_for_load_state()
    assert "geprüft" in page.locator(".edition-state").inner_text().lower() or (
        "reviewed" in page.locator(".edition-state").inner_text().lower()
    )

    page.goto(f"{live_server.url}/en/politik/karmeliter/")
    assert page.get_by_role("heading", level=1).inner_text() == "Carmelite quarter stays car-free"
    assert "reviewed by the editorial team" in page.locator(".edition-notice").inner_text()
