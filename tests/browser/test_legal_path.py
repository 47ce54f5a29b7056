"""The whole legal path in a browser: an anonymous reader reports a comment and reads the
reference; a moderator removes it in the workspace; its author reads the statement of reasons
on their settings page and its own page, and complains; another moderator upholds the
complaint; the comment is back on the article page, and the author and the notifier were told
by e-mail.

The reader gets to the report page by the "Report" link beside the comment."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail

from newsdesk.community import actions
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.legal.models import Complaint, Ground, Notice, Statement
from newsdesk.legal.tdb import Category, DecisionGround
from newsdesk.moderation.models import Reason
from newsdesk.newsroom.testing import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIENNA = ZoneInfo("Europe/Vienna")
TEXT = "Wer für die Radwege ist, hat kein Hirn im Kopf."
NOTICE = "The comment calls everyone who supports the cycle lanes brainless: a personal insult."
NOTIFIER = "notifier@example.net"
COMPLAINT = "That was a sharp remark about a political opinion, not an insult of a person."
ANSWER = "Read in context, the comment criticises an opinion, which our netiquette allows."


@pytest.fixture(autouse=True)
def setting_the_scene(settings: Any) -> Any:
    """Tasks (e-mails) at once; the comment function open; the team's reason with its
    statement template."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.SITE_NAME = "newsdesk"
    reason, _ = Reason.objects.update_or_create(
        code="insult",
        defaults={
            "label": "Insult",
            "explanation": "Personal attacks break our netiquette.",
            "position": 1,
        },
    )
    Ground.objects.update_or_create(
        reason=reason,
        defaults={
            "decision_ground": DecisionGround.INCOMPATIBLE_CONTENT,
            "category": Category.ILLEGAL_OR_HARMFUL_SPEECH,
            "contractual_ground": "Netiquette, clause 2 (respect)",
            "explanation": "The comment insults people instead of discussing their arguments.",
        },
    )
    clock.set_now(dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA))
    yield
    clock.set_now(None)


def sign_in_as_reader(page: Any, base: str, user: Any) -> None:
    page.context.clear_cookies()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> None:
    if os.environ.get("NEWSDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["NEWSDESK_SCREENSHOTS"], name))


def test_report_remove_appeal_uphold(
    live_server: Any, page: Any, users: dict[str, Any], log_in: Any, django_user_model: Any
) -> None:
    article = make_article(headline="Neue Radwege für Favoriten")
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(conversation, text_value=TEXT, acting_user=users["reader"])
    base = live_server.url

    # 1. An anonymous reader reports the comment by the link beside it; the location is
    # filled in.
    page.goto(f"{base}/en/community/comments/{comment.pk}/")
    page.locator(f"#c-{comment.pk}").get_by_role("link", name="Report").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/en/legal/report/?comment={comment.pk}")
    assert page.locator("h1").inner_text() == "Report content"
    assert f"/community/comments/{comment.pk}/" in page.locator("#id_location").input_value()
    page.select_option("#id_category", Category.ILLEGAL_OR_HARMFUL_SPEECH)
    page.fill("#id_explanation", NOTICE)
    page.fill("#id_email", NOTIFIER)
    page.check("#id_good_faith")
    page.get_by_role("button", name="Send the notice").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thank you: your notice was received"
    notice = Notice.objects.get()
    assert f"Your reference is {notice.reference}." in page.locator("main").inner_text()
    assert notice.notifier is None and notice.notifier_email == NOTIFIER
    screenshot(page, "legal-notice-received.png")

    # 2. A moderator removes it from the reported queue, where the notice is shown.
    log_in("moderator")
    page.goto(f"{base}/en/moderation/queues/reported/")
    item = page.locator(f"#item-{comment.pk}")
    assert NOTICE in item.locator(".ws-reports").inner_text()
    assert notice.reference in item.locator(".ws-reports").inner_text()
    # The legal team's pages are in the workspace's navigation.
    assert page.locator(".ws-nav a", has_text="Complaints").count() == 1
    item.locator(f"#reason-{comment.pk}").select_option("insult")
    item.get_by_role("button", name="Reject").click()
    item.wait_for(state="detached")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    notice.refresh_from_db()
    assert notice.outcome == Notice.Outcome.ACTIONED
    statement = Statement.objects.get(comment=comment)

    # 3. The author reads the statement on their settings page and its own page, and complains.
    author = users["reader"]
    sign_in_as_reader(page, base, author)
    page.goto(f"{base}/en/community/settings/")
    entry = page.locator(f"#statement-{statement.pk}")
    assert "comment removed" in entry.inner_text() and "Insult" in entry.inner_text()
    entry.locator("a").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Statement of reasons" in text
    assert "Netiquette, clause 2 (respect)" in text
    assert "The comment insults people instead of discussing their arguments." in text
    screenshot(page, "legal-statement.png")
    page.get_by_role("link", name="complain about this decision").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Complain about a decision"
    page.fill("textarea[name=text]", COMPLAINT)
    page.get_by_role("button", name="Send the complaint").click()
    page.wait_for_load_state()
    complaint = Complaint.objects.get()
    assert "Your complaint" in page.locator("main").inner_text()
    assert COMPLAINT in page.locator("main").inner_text()

    # 4. The moderator who removed it may not decide; another moderator upholds it.
    page.context.clear_cookies()
    log_in("moderator")
    page.goto(f"{base}/en/legal/complaints/{complaint.pk}/")
    assert page.locator("[data-refusal=same_moderator]").is_visible()
    second = django_user_model.objects.create_user(
        username="second_moderator",
        email="second_moderator@example.org",
        password="correct horse battery",  # noqa: S106
        is_staff=True,
    )
    second.groups.add(Group.objects.get(name="moderator"))
    page.context.clear_cookies()
    log_in("second_moderator")
    page.goto(f"{base}/en/legal/complaints/")
    page.get_by_role("link", name=f"#{complaint.pk}").click()
    page.wait_for_load_state()
    assert COMPLAINT in page.locator("main").inner_text()
    page.get_by_label("Uphold: the decision is reversed").check()
    page.fill("textarea[name=answer]", ANSWER)
    page.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    assert "Decided by second_moderator" in page.locator("main").inner_text()
    screenshot(page, "legal-complaint-upheld.png")

    # 5. The comment is back on the article page, for anyone.
    page.context.clear_cookies()
    page.goto(f"{base}{article.get_absolute_url()}")
    page.locator(f"#c-{comment.pk}").wait_for()
    assert TEXT in page.locator(f"#c-{comment.pk}").inner_text()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE

    # 6. Both were told, each in their language: the author (the comment's language, German)
    # the statement, the receipt and the answer of the complaint; the notifier (the notice's
    # language, English) the receipt and decision of the notice, the complaint's outcome.
    to_author = [m for m in mail.outbox if m.to == [author.email]]
    to_notifier = [m for m in mail.outbox if m.to == [NOTIFIER]]
    assert any(
        "Begründung einer Moderationsentscheidung" in m.subject and statement.puid in m.body
        for m in to_author
    )
    assert any(f"Ihre Beschwerde Nr. {complaint.pk}" in m.subject for m in to_author)
    answer = next(m for m in to_author if ANSWER in m.body)
    assert "Wir haben Ihrer Beschwerde stattgegeben" in answer.body
    assert sum(notice.reference in m.subject for m in to_notifier) == 2  # receipt, decision
    told = next(m for m in to_notifier if ANSWER in m.body)
    assert "We have upheld the complaint: the content is shown again." in told.body
