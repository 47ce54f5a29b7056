"""A reader in a real browser: front page → article, kicker, headline, lead, subheadings."""

from __future__ import annotations

import os

import pytest

from newsdesk.newsroom.testing import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("NEWSDESK_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_reader_follows_an_article_from_the_front_page(live_server, page):
    wien = make_section("wien", "Wien", names={"en": "Vienna"})
    make_article(
        section=wien,
        kicker="Gemeinderat",
        headline="Karmeliterviertel wird autofrei",
        lead="Der Gemeinderat hat die Sperre für den Durchzugsverkehr beschlossen.",
        blocks=[
            ("paragraph", "Nach sechs Stunden Debatte fiel die Entscheidung."),
            ("subheading", "Was sich für Anrainer ändert"),
            ("paragraph", 'Details im <a href="https://example.org/amtsblatt">Amtsblatt</a>.'),
            ("subheading", "Kritik der Opposition"),
            ("quote", "Man verlagert den Verkehr nur."),
        ],
    )
    make_article(headline="Eine andere Meldung")

    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/de/"
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("link", name="Karmeliterviertel wird autofrei").first.click()
    page.wait_for_url("**/de/wien/**")
    shot(page, "article-de")

    article = page.locator("article.article")
    assert article.locator(".kicker").inner_text().lower() == "gemeinderat"
    assert page.get_by_role("heading", level=1).inner_text() == "Karmeliterviertel wird autofrei"
    assert article.locator(".article__lead").inner_text().startswith("Der Gemeinderat hat")
    subheadings = page.locator(".article__body h2").all_inner_texts()
    assert subheadings == ["Was sich für Anrainer ändert", "Kritik der Opposition"]
    link = article.get_by_role("link", name="Amtsblatt")
    assert link.get_attribute("href") == "https://example.org/amtsblatt"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert page.locator("#comments").is_visible()
    # The stylesheet applied (CSP allows our own static files).
    assert (
        page.locator(".kicker").first.evaluate("e => getComputedStyle(e).textTransform")
        == "uppercase"
    )

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/wien/**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("article.article").get_attribute("lang") == "de"
    assert (
        page.get_by_role("navigation", name="Sections")
        .get_by_role("link", name="Vienna")
        .is_visible()
    )


def test_editor_writes_and_publishes_in_the_back_office(live_server, page, users, log_in):
    make_section("politik", "Politik")
    log_in("editor")
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.select_option("#id_section", label="Politik")
    page.fill("#id_kicker", "Staatsbesuch")
    page.fill("#id_headline", "Präsidentin in Wien eingetroffen")
    page.fill("#id_lead", "Zwei Tage, drei Abkommen.")
    # The paragraph is written in the rich-text editor that replaces its textarea.
    page.locator(".prose-editor:has(#id_blocks-0-text) .ProseMirror").fill(
        "Der Besuch beginnt mit militärischen Ehren."
    )
    shot(page, "backoffice-add")
    page.locator("input[name=_publish]").click()
    page.wait_for_url("**/change/")
    assert (
        "published" in page.locator(".messagelist").inner_text().lower()
        or "veröffentlicht" in page.locator(".messagelist").inner_text().lower()
    )

    page.goto(f"{live_server.url}/de/")
    page.get_by_role("link", name="Präsidentin in Wien eingetroffen").first.click()
    assert page.locator("article .kicker").inner_text().lower() == "staatsbesuch"
    assert "militärischen Ehren" in page.locator(".article__body").inner_text()
