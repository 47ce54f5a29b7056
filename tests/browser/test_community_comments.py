"""A reader in a real browser: signs up, verifies, comments, replies, votes, edits; at night
the form gives way to the closed message and the API refuses; in the morning it works again."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.models import ClosedPeriod, Comment
from newsdesk.core import clock
from newsdesk.newsroom.testing import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIENNA = ZoneInfo("Europe/Vienna")


@pytest.fixture(autouse=True)
def community_clock(settings):
    # The default schedule comes from a data migration, which an earlier transactional test's
    # flush may have removed: state it here, as this test depends on it.
    ClosedPeriod.objects.get_or_create(weekday=None, starts=dt.time(0), ends=dt.time(6))
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    yield
    clock.set_now(None)


def api_post(page, body: dict) -> dict:
    """POST to the comment API from the page, as the site's own script would."""
    return page.evaluate(
        """async (body) => {
            const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
            const response = await fetch("/api/community/comments", {
                method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify(body)});
            return {status: response.status, data: await response.json()};
        }""",
        body,
    )


def test_reader_signs_up_comments_replies_votes_edits_and_meets_the_night(live_server, page, users):
    article = make_article(headline="Neue Radwege für Favoriten")
    other = actions.do_post_comment(
        actions.conversation_for_article(article),
        text_value="Endlich mehr Platz fürs Rad!",
        acting_user=users["other_reader"],
    )
    base = live_server.url

    # Sign up with a display name, then verify the e-mail address from the mail.
    page.goto(f"{base}/de/accounts/signup/")
    page.fill("input[name=email]", "lena@example.org")
    page.fill("input[name=display_name]", "Lena aus Favoriten")
    page.fill("input[name=password1]", "Radfahren ist super 2026")
    page.fill("input[name=password2]", "Radfahren ist super 2026")
    page.locator("form[action$='/signup/'] button[type=submit]").click()
    page.wait_for_url("**/confirm-email/**")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/confirm-email/\S+/", mail.outbox[0].body)
    assert link
    page.goto(link.group(0).replace("http://testserver", base))
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()

    # Comment on the article.
    page.goto(f"{base}{article.get_absolute_url()}")
    assert "Lena aus Favoriten" in page.locator(".community__as").inner_text()
    page.fill(
        "#comment-text",
        "Ich fahre jeden Tag durch Favoriten. Mehr unter https://example.org/radweg",
    )
    page.get_by_role("button", name="Kommentar posten").click()
    page.wait_for_url("**#c-*")
    mine = Comment.objects.get(author__email="lena@example.org", parent=None)
    item = page.locator(f"#c-{mine.pk}")
    assert "Ich fahre jeden Tag" in item.locator(".comment__text").inner_text()
    assert item.locator(".comment__text a").get_attribute("href") == "https://example.org/radweg"
    assert item.locator(".comment__author").inner_text() == "Lena aus Favoriten"

    # Reply to the other reader's comment, in place.
    page.locator(f"#c-{other.pk} .comment__reply").click()
    page.fill("#comment-text", "Stimmt, vor allem am Reumannplatz.")
    page.get_by_role("button", name="Kommentar posten").click()
    page.wait_for_url("**#c-*")
    reply = Comment.objects.get(parent=other)
    assert reply.author.email == "lena@example.org"
    assert page.locator(f"#c-{other.pk} .comment__replies #c-{reply.pk}").is_visible()

    # Vote for the other reader's comment, then change the vote.
    page.locator(f"#c-{other.pk} > article .comment__vote button[value='1']").click()
    page.wait_for_load_state()
    assert page.locator(f"#c-{other.pk} > article .comment__up").inner_text() == "1"
    page.locator(f"#c-{other.pk} > article .comment__vote button[value='-1']").click()
    page.wait_for_load_state()
    assert page.locator(f"#c-{other.pk} > article .comment__up").inner_text() == "0"
    assert page.locator(f"#c-{other.pk} > article .comment__down").inner_text() == "1"
    # One's own comment offers no vote buttons.
    assert page.locator(f"#c-{mine.pk} > article .comment__vote").is_hidden()

    # Edit the comment on its permalink page; the history keeps the first version.
    page.goto(f"{base}/de/community/comments/{mine.pk}/")
    page.fill("#edit-text", "Ich fahre fast jeden Tag durch Favoriten.")
    page.get_by_role("button", name="Änderungen speichern").click()
    page.wait_for_load_state()
    assert "Ich fahre fast jeden Tag" in page.locator(f"#c-{mine.pk} .comment__text").inner_text()
    assert "Ich fahre jeden Tag" in page.locator(".community__history").inner_text()

    # 01:00 in Vienna: the form is replaced by the closed message, the API refuses.
    clock.set_now(dt.datetime(2026, 11, 28, 1, 0, tzinfo=VIENNA))
    page.goto(f"{base}{article.get_absolute_url()}")
    closed = page.locator(".community__closed").inner_text()
    assert closed.startswith("Liebe Leserin, lieber Leser,")
    assert "Die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung." in closed
    assert "Mit freundlichen Grüßen" in closed
    assert page.locator("#comment-text").count() == 0
    assert "Ich fahre fast jeden Tag" in page.locator(".community__thread").inner_text()
    refused = api_post(page, {"article": article.pk, "text": "Noch ein Gedanke in der Nacht"})
    assert refused["status"] == 403 and refused["data"]["error"] == "closed"
    assert "6 Uhr" in refused["data"]["message"]

    # 07:00: posting works again, through the form and through the API.
    clock.set_now(dt.datetime(2026, 11, 28, 7, 0, tzinfo=VIENNA))
    page.goto(f"{base}{article.get_absolute_url()}")
    assert page.locator(".community__closed").count() == 0
    accepted = api_post(page, {"article": article.pk, "text": "Guten Morgen, Favoriten!"})
    assert accepted["status"] == 201
    page.reload()
    assert "Guten Morgen, Favoriten!" in page.locator(".community__thread").inner_text()


def test_anonymous_reader_sees_comments_and_is_led_to_login(live_server, page, users):
    article = make_article(headline="Öffi-Ausbau")
    actions.do_post_comment(
        actions.conversation_for_article(article),
        text_value="<script>document.title='pwned'</script> Gute Idee",
        acting_user=users["reader"],
    )
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert page.title() != "pwned"
    assert "<script>" in page.locator(".comment__text").inner_text()
    page.locator(".comment__vote button[value='1']").click()
    page.wait_for_url("**/accounts/login/**")


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_reader_votes_on_a_comment_s_own_page(live_server, browser, users, script):
    """The permalink page's vote form carries its CSRF token (it used to be empty there, and
    only the article page's script filled it in): voting works with and without JavaScript."""
    article = make_article(headline="Ein Artikel mit Kommentaren")
    conversation = actions.conversation_for_article(article)
    root = actions.do_post_comment(
        conversation, text_value="Oben steht meine Meinung.", acting_user=users["other_reader"]
    )
    reply = actions.do_post_comment(
        conversation, text_value="Und hier eine Antwort.", acting_user=users["editor"], parent=root
    )
    context = browser.new_context(
        locale="de-AT", timezone_id="Europe/Vienna", java_script_enabled=script
    )
    session = Client()
    session.force_login(users["reader"])  # a reader without a profile yet
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/de/community/comments/{reply.pk}/")
        with page.expect_navigation():
            page.locator(f"#c-{root.pk} > article .comment__vote button[value='1']").click()
        assert "CSRF" not in page.content()
        root.refresh_from_db()
        assert (root.upvotes, root.downvotes) == (1, 0)
        page.goto(f"{live_server.url}/de/community/comments/{reply.pk}/")
        with page.expect_navigation():
            page.locator(f"#c-{reply.pk} > article .comment__vote button[value='-1']").click()
        assert "CSRF" not in page.content()
        reply.refresh_from_db()
        assert (reply.upvotes, reply.downvotes) == (0, 1)
    finally:
        context.close()
