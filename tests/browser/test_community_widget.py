"""The embeddable widget in a real browser: a page on another origin shows a discussion."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsdesk.community import actions
from newsdesk.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def partner_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Another site (another origin: 127.0.0.1 instead of localhost) serving tmp_path."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def test_partner_page_shows_the_discussion_in_a_frame(
    live_server, page, partner_site, settings, users
):
    origin, root = partner_site
    settings.SITE_URL = live_server.url
    settings.COMMUNITY_ALLOWED_ORIGINS = [origin]
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Vienna")))
    try:
        conversation = actions.conversation_for_url(f"{origin}/bericht.html", title="Bericht")
        actions.do_post_comment(
            conversation, text_value="Grüße von der Partnerseite", acting_user=users["reader"]
        )
        (root / "bericht.html").write_text(
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Bericht</title>'
            "</head><body><h1>Ein Bericht</h1>"
            f'<script src="{live_server.url}/community/embed.js" async></script>'
            "</body></html>",
            encoding="utf-8",
        )
        page.goto(f"{origin}/bericht.html")
        frame_element = page.wait_for_selector("iframe")
        frame = frame_element.content_frame()
        assert frame is not None
        frame.wait_for_selector(".comment__text")
        assert "Grüße von der Partnerseite" in frame.locator(".comment__text").inner_text()
        # No form in a third-party frame: the link opens the discussion on our site.
        assert frame.locator("textarea").count() == 0
        login = frame.locator(".community__login a")
        assert login.get_attribute("href") == f"/de/community/conversations/{conversation.pk}/"
        # The frame reported its height to the embedding page.
        page.wait_for_function("document.querySelector('iframe').style.height !== ''")
        # Nothing of ours is readable by the partner page.
        assert page.evaluate("document.cookie") == ""
    finally:
        clock.set_now(None)


def test_frame_shows_a_translation_of_a_comment_in_another_language(
    live_server, page, partner_site, settings, users
):
    """The translated editions' "Show translation" script works inside the widget's frame:
    served from our site under the frame's CSP, asking our endpoint without cookies."""
    origin, root = partner_site
    settings.SITE_URL = live_server.url
    settings.COMMUNITY_ALLOWED_ORIGINS = [origin]
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "browser"},
    }
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Vienna")))
    try:
        conversation = actions.conversation_for_url(f"{origin}/report.html", title="Report")
        actions.do_post_comment(
            conversation,
            text_value="Die Schule ist neu.",
            acting_user=users["reader"],
            language="de",
        )
        (root / "report.html").write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Report</title>'
            "</head><body><h1>A report</h1>"
            f'<script src="{live_server.url}/community/embed.js" async></script>'
            "</body></html>",
            encoding="utf-8",
        )
        blocked: list[str] = []
        page.on("console", lambda message: blocked.append(message.text))
        page.goto(f"{origin}/report.html")
        frame = page.wait_for_selector("iframe").content_frame()
        assert frame is not None
        frame.get_by_role("button", name="Show translation").click()
        translation = frame.locator(".comment__translation")
        translation.wait_for()
        assert translation.get_attribute("lang") == "en"
        assert "Machine-translated from German" in translation.inner_text()
        assert "The School is new." in translation.inner_text()
        assert not [text for text in blocked if "Content Security Policy" in text]
    finally:
        clock.set_now(None)


def test_frame_is_refused_for_origins_not_allowed(live_server, page, settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = []
    response = page.goto(f"{live_server.url}/community/embed/?url=https://evil.example/x")
    assert response is not None and response.status == 403
    assert "nicht freigeschaltet" in page.inner_text("body")


def test_the_widget_finds_the_page_by_query_and_canonical_link(
    live_server, page, partner_site, settings, users
):
    """Without data-url: ?id=1 and ?id=2 are two discussions; a tracking link to a page with
    a canonical link shows the canonical page's discussion."""
    origin, root = partner_site
    settings.SITE_URL = live_server.url
    settings.COMMUNITY_ALLOWED_ORIGINS = [origin]
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Vienna")))
    try:
        for number in (1, 2):
            conversation = actions.conversation_for_url(
                f"{origin}/artikel.html?id={number}", title=f"Artikel {number}"
            )
            actions.do_post_comment(
                conversation, text_value=f"Zu Artikel {number}", acting_user=users["reader"]
            )
        script = f'<script src="{live_server.url}/community/embed.js" async></script>'
        (root / "artikel.html").write_text(
            f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"></head><body>{script}'
            "</body></html>",
            encoding="utf-8",
        )
        (root / "kopie.html").write_text(
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f'<link rel="canonical" href="{origin}/artikel.html?id=2"></head><body>{script}'
            "</body></html>",
            encoding="utf-8",
        )
        for path, expected in (
            ("artikel.html?id=1", "Zu Artikel 1"),
            ("artikel.html?id=2&utm_source=newsletter", "Zu Artikel 2"),
            ("kopie.html?fbclid=abc", "Zu Artikel 2"),
        ):
            page.goto(f"{origin}/{path}")
            frame = page.wait_for_selector("iframe").content_frame()
            assert frame is not None
            frame.wait_for_selector(".comment__text")
            assert frame.locator(".comment__text").inner_text() == expected, path
    finally:
        clock.set_now(None)
