"""A moderator works the pending queue with the keyboard alone: moves with j/k, rejects a
comment with r, a reason and Enter; its author then sees on the comment's page that it was
removed, and why."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress

from newsdesk.community import actions
from newsdesk.community.models import ClosedPeriod, Comment
from newsdesk.core import clock
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Case, ModerationPolicy, Reason
from newsdesk.newsroom.testing import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIENNA = ZoneInfo("Europe/Vienna")
EXPLANATION = "Beleidigungen verstoßen gegen Punkt 2 unserer Netiquette."


@pytest.fixture(autouse=True)
def premoderation(settings):
    ClosedPeriod.objects.get_or_create(weekday=None, starts=dt.time(0), ends=dt.time(6))
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.Premoderation"}
    ]
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    Reason.objects.all().delete()  # exactly the test's reasons, not the site's defaults
    Reason.objects.create(code="spam", label="Werbung", explanation="Keine Werbung.", position=1)
    Reason.objects.create(code="insult", label="Beleidigung", explanation=EXPLANATION, position=2)
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    yield
    clock.set_now(None)


def selected(page) -> str:
    return page.locator(".ws-item--selected").get_attribute("data-comment") or ""


def test_moderator_rejects_by_keyboard_and_the_author_reads_why(live_server, page, users, log_in):
    article = make_article(headline="Neue Radwege für Favoriten")
    conversation = actions.conversation_for_article(article)
    first = actions.do_post_comment(
        conversation, text_value="Gute Sache, endlich!", acting_user=users["other_reader"]
    )
    rude = actions.do_post_comment(
        conversation, text_value="Wer dagegen ist, ist ein Trottel.", acting_user=users["reader"]
    )
    third = actions.do_post_comment(
        conversation, text_value="Und was kostet das?", acting_user=users["other_reader"]
    )
    base = live_server.url

    log_in("moderator")
    page.goto(f"{base}/de/moderation/queues/pending/")
    assert page.locator(".ws-count[data-count='pending']").inner_text() == "3"
    assert selected(page) == str(first.pk)
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert selected(page) == str(third.pk)
    page.keyboard.press("k")
    assert selected(page) == str(rude.pk)

    # The help overlay lists the keys.
    page.keyboard.press("?")
    assert page.locator("#ws-help").is_visible()
    assert "Tastenkürzel" in page.locator("#ws-help").inner_text() or "Keyboard" in (
        page.locator("#ws-help").inner_text()
    )
    page.keyboard.press("Escape")
    assert page.locator("#ws-help").is_hidden()

    if os.environ.get("NEWSDESK_SCREENSHOTS"):
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.screenshot(path=os.path.join(os.environ["NEWSDESK_SCREENSHOTS"], "workspace.png"))

    # r focuses the reason picker of the selected comment; the arrow picks, Enter rejects.
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == f"reason-{rude.pk}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#reason-{rude.pk}").input_value() == "insult"
    page.keyboard.press("Enter")
    page.locator(f"#item-{rude.pk}").wait_for(state="detached")
    assert selected(page) == str(third.pk)
    assert page.locator(".ws-count[data-count='rejected']").inner_text() == "1"
    assert page.locator(".ws-count[data-count='pending']").inner_text() == "2"
    rude.refresh_from_db()
    assert rude.status == Comment.Status.REJECTED
    case = Case.objects.get(comment=rude)
    assert case.reason.code == "insult" and case.decided_by == users["moderator"]

    # a approves the selected one, without a mouse either.
    page.keyboard.press("a")
    page.locator(f"#item-{third.pk}").wait_for(state="detached")
    assert Comment.objects.get(pk=third.pk).status == Comment.Status.VISIBLE

    # Meanwhile another moderator approved the first one: the decision here is refused with
    # their name, and the item is reloaded in its new state.
    assert selected(page) == str(first.pk)
    moderation.do_approve_comment(first, acting_user=users["admin"])
    page.keyboard.press("a")
    page.locator(f"#item-{first.pk}[data-status='visible']").wait_for()
    message = page.locator(f"#item-{first.pk} .ws-item__message")
    assert message.is_visible() and "admin" in message.inner_text()
    assert page.locator(f"#item-{first.pk} .ws-approve").count() == 0

    # b opens the sanction dialog for the selected comment's author.
    page.keyboard.press("b")
    dialog = page.locator("#ws-sanction")
    assert dialog.is_visible()
    assert dialog.locator(".ws-sanction-name").inner_text() == "other_reader"
    assert dialog.locator("select[name=kind]").input_value() == "ban"
    if os.environ.get("NEWSDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["NEWSDESK_SCREENSHOTS"], "ban.png"))
    page.keyboard.press("Escape")

    # The author signs in and opens the comment's page.
    page.context.clear_cookies()
    reader = users["reader"]
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    page.goto(f"{base}/de/accounts/login/")
    page.fill("input[name=login]", reader.email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/de/community/comments/{rude.pk}/")
    item = page.locator(f"#c-{rude.pk}")
    assert item.locator(".comment__removed").is_visible()
    assert "Wer dagegen ist" not in page.locator(".community__thread").inner_text()
    note = page.locator("#status-note")
    assert note.is_visible()
    assert "removed" in note.inner_text() or "entfernt" in note.inner_text()
    assert EXPLANATION in note.inner_text()
