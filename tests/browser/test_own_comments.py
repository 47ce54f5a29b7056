"""What a reader sees (issue 16 item 11): "Edit" and "Delete" beside their own comments under
the article and in the widget, working in place; nothing of the kind beside other readers'
comments, nor in a frame on another site where the browser withholds our cookies."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress

from newsdesk.community import actions
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.newsroom.testing import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIENNA = ZoneInfo("Europe/Vienna")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], tmp_path
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def afternoon(settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    yield
    clock.set_now(None)


def log_in_reader(page, base: str, user, back: str) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto(f"{base}/de/accounts/login/?next={back}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form[action*='/login/'] button[type=submit]").click()
    page.wait_for_url(f"**{back}")


def edit_and_delete(scope, page, comment: Comment, other: Comment) -> None:
    """In `scope` (the page or the widget's frame): edit `comment` in place, then delete it."""
    own = scope.locator(f"#c-{comment.pk} > article .comment__own")
    own.wait_for(state="visible")
    assert not scope.locator(f"#c-{other.pk} > article .comment__own").is_visible()
    scope.locator(f"#c-{comment.pk} > article .comment__edit").click()
    area = scope.locator(f"#c-{comment.pk} > article .comment__edit-form textarea")
    area.wait_for()
    scope.wait_for_function(
        "id => document.querySelector(`#c-${id} textarea`).value !== ''", arg=comment.pk
    )
    assert area.input_value() == "Mein erster Gedanke"
    area.fill("Mein zweiter Gedanke <3")
    scope.locator(f"#c-{comment.pk} > article .comment__edit-form button[type=submit]").click()
    text = scope.locator(f"#c-{comment.pk} > article .comment__text")
    scope.wait_for_function(
        "id => document.querySelector(`#c-${id} .comment__text`).textContent.includes('zweiter')",
        arg=comment.pk,
    )
    assert text.inner_text() == "Mein zweiter Gedanke <3"
    assert scope.locator(f"#c-{comment.pk} > article .comment__edited").count() == 1
    assert Comment.objects.get(pk=comment.pk).text == "Mein zweiter Gedanke <3"

    scope.locator(f"#c-{comment.pk} > article .comment__delete > button").click()
    # Asked in place (no dialog: the widget's frame is sandboxed); "Cancel" keeps it.
    scope.locator(
        f"#c-{comment.pk} > article .comment__confirm button:not(.comment__confirm-yes)"
    ).click()
    assert Comment.objects.get(pk=comment.pk).deleted_at is None
    scope.locator(f"#c-{comment.pk} > article .comment__delete > button").click()
    scope.locator(f"#c-{comment.pk} > article .comment__confirm-yes").click()
    scope.locator(f"#c-{comment.pk} > article .comment__deleted").wait_for()
    assert scope.locator(f"#c-{comment.pk} > article .comment__actions").count() == 0
    assert Comment.objects.get(pk=comment.pk).deleted_at is not None
    # The other reader's comment is untouched.
    assert Comment.objects.get(pk=other.pk).deleted_at is None


def test_edit_and_delete_own_comment_under_the_article(live_server, page, users):
    article = make_article(headline="Neue Radwege")
    conversation = actions.conversation_for_article(article)
    other = actions.do_post_comment(
        conversation, text_value="Fremder Beitrag", acting_user=users["other_reader"]
    )
    mine = actions.do_post_comment(
        conversation, text_value="Mein erster Gedanke", acting_user=users["reader"]
    )
    back = article.get_absolute_url()
    log_in_reader(page, live_server.url, users["reader"], back)
    edit_and_delete(page, page, mine, other)
    # After a reload the thread (cached for everyone) shows the deletion too.
    page.reload()
    assert "Mein zweiter Gedanke" not in page.locator(".community__thread").inner_text()


def test_after_the_edit_window_only_delete_is_offered(live_server, page, users):
    article = make_article(headline="Alte Debatte")
    conversation = actions.conversation_for_article(article)
    clock.set_now(dt.datetime(2026, 11, 27, 13, 0, tzinfo=VIENNA))
    mine = actions.do_post_comment(
        conversation, text_value="Vor einer Stunde", acting_user=users["reader"]
    )
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    log_in_reader(page, live_server.url, users["reader"], article.get_absolute_url())
    page.locator(f"#c-{mine.pk} > article .comment__own").wait_for(state="visible")
    assert not page.locator(f"#c-{mine.pk} > article .comment__edit").is_visible()
    assert page.locator(f"#c-{mine.pk} > article .comment__delete > button").is_visible()


def embedding_page(root: Path, name: str, live_url: str) -> None:
    (root / name).write_text(
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Bericht</title>'
        "</head><body><h1>Ein Bericht</h1>"
        f'<script src="{live_url}/community/embed.js" async></script>'
        "</body></html>",
        encoding="utf-8",
    )


def test_edit_and_delete_own_comment_in_the_widget(live_server, page, users, settings, static_site):
    """A page of the same site (another port: the browser sends our cookies into the frame)."""
    port, root = static_site
    origin = f"http://localhost:{port}"
    settings.SITE_URL = live_server.url
    settings.COMMUNITY_ALLOWED_ORIGINS = [origin]
    conversation = actions.conversation_for_url(f"{origin}/bericht.html", title="Bericht")
    other = actions.do_post_comment(
        conversation, text_value="Fremder Beitrag", acting_user=users["other_reader"]
    )
    mine = actions.do_post_comment(
        conversation, text_value="Mein erster Gedanke", acting_user=users["reader"]
    )
    embedding_page(root, "bericht.html", live_server.url)
    log_in_reader(page, live_server.url, users["reader"], "/de/community/settings/")
    page.goto(f"{origin}/bericht.html")
    frame = page.wait_for_selector("iframe").content_frame()
    assert frame is not None
    edit_and_delete(frame, page, mine, other)


def test_widget_on_another_site_offers_no_controls(live_server, page, users, settings, static_site):
    """Another site (127.0.0.1 instead of localhost): the browser keeps our cookies out of the
    frame, which then shows the thread as to everyone."""
    port, root = static_site
    origin = f"http://127.0.0.1:{port}"
    settings.SITE_URL = live_server.url
    settings.COMMUNITY_ALLOWED_ORIGINS = [origin]
    conversation = actions.conversation_for_url(f"{origin}/bericht.html", title="Bericht")
    mine = actions.do_post_comment(
        conversation, text_value="Mein erster Gedanke", acting_user=users["reader"]
    )
    embedding_page(root, "bericht.html", live_server.url)
    log_in_reader(page, live_server.url, users["reader"], "/de/community/settings/")
    page.goto(f"{origin}/bericht.html")
    frame = page.wait_for_selector("iframe").content_frame()
    assert frame is not None
    frame.wait_for_selector(".comment__text")
    frame.wait_for_load_state("networkidle")
    assert not frame.locator(f"#c-{mine.pk} > article .comment__own").is_visible()
