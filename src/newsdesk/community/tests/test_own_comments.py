"""Issue 16 item 11: a reader edits and deletes their own comments under the article and in
the widget (the thread's HTML stays the same for every reader); after confirming the e-mail
address the reader is back on the article; the account pages wear the site's look; allauth's
login messages never turn up later on unrelated pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from newsdesk.community import actions, rendering
from newsdesk.community.models import Comment
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "reader", "other_reader", "moderator", "editor", "admin"]
PARTNER = "https://partner.example"


@pytest.fixture
def posted(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_EDIT_WINDOW_SECONDS = 900
    conversation = actions.conversation_for_article(article)
    clock.set_now(vienna(2026, 11, 27, 13, 40))
    old = actions.do_post_comment(conversation, text_value="Alt", acting_user=users["reader"])
    clock.set_now(vienna(2026, 11, 27, 13, 55))
    fresh = actions.do_post_comment(conversation, text_value="Neu", acting_user=users["reader"])
    other = actions.do_post_comment(
        conversation, text_value="Fremd", acting_user=users["other_reader"]
    )
    clock.set_now(vienna(2026, 11, 27, 14, 0))
    return conversation, old, fresh, other


def section_attr(html: str, name: str) -> str | None:
    found = re.search(rf'<div class="community"[^>]*\b{name}="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.mark.parametrize("role", ROLES)
def test_article_page_names_the_comments_its_reader_may_still_edit(client_for, users, posted, role):
    conversation, old, fresh, other = posted
    html = client_for(role).get(conversation.article.get_absolute_url()).content.decode()
    expected = {"reader": str(fresh.pk), "other_reader": str(other.pk)}.get(role, "")
    if role == "anonymous":
        assert section_attr(html, "data-editable") is None
        assert section_attr(html, "data-user") is None
    else:
        # 13:40 is outside the 15-minute window at 14:00, 13:55 inside.
        assert section_attr(html, "data-editable") == expected
        assert section_attr(html, "data-user") == str(users[role].community_profile.pk)
    # The script adds "Edit" and "Delete" beside the reader's own comments, in the page's
    # language; the shared thread carries nothing of the kind.
    assert section_attr(html, "data-label-edit") == "Bearbeiten"
    assert section_attr(html, "data-label-delete") == "Löschen"
    assert 'class="comment__own' not in html and 'data-delete="' not in html


def test_thread_html_is_the_same_for_every_reader(client_for, posted):
    conversation, *_ = posted
    threads = set()
    for role in ROLES:
        html = client_for(role).get(conversation.article.get_absolute_url()).content.decode()
        start = html.index('<ol class="community__thread"')
        threads.add(html[start : html.index("</ol>", start)])
    assert len(threads) == 1
    thread = rendering.thread_html(conversation, "best", 1)
    assert thread.count('class="comment"') == 3 and "comment__own" not in thread


def test_editable_ids_leave_out_deleted_removed_and_others(users, posted):
    conversation, old, fresh, other = posted
    assert actions.editable_comment_ids(conversation.pk, users["reader"]) == [fresh.pk]
    actions.do_delete_comment(fresh, acting_user=users["reader"])
    assert actions.editable_comment_ids(conversation.pk, users["reader"]) == []
    assert actions.editable_comment_ids(conversation.pk, users["other_reader"]) == [other.pk]
    Comment.objects.filter(pk=other.pk).update(status=Comment.Status.REJECTED)
    assert actions.editable_comment_ids(conversation.pk, users["other_reader"]) == []
    clock.set_now(vienna(2026, 11, 27, 14, 11))  # 16 minutes after 13:55
    assert actions.editable_comment_ids(conversation.pk, users["reader"]) == []


@pytest.mark.parametrize("role", ROLES)
def test_reader_endpoint_says_who_reads_and_what_they_may_edit(
    client_for, users, posted, role, settings
):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    conversation, _old, fresh, other = posted
    response = client_for(role).get(
        f"/api/community/reader?conversation={conversation.pk}", HTTP_ORIGIN=PARTNER
    )
    assert response.status_code == 200
    # Other sites never read it, not even allowed ones.
    assert "Access-Control-Allow-Origin" not in response
    data = response.json()
    if role == "anonymous":
        assert data == {"profile": None, "editable": [], "csrf_token": None}
        return
    assert data["profile"] == users[role].community_profile.pk
    assert data["editable"] == {"reader": [fresh.pk], "other_reader": [other.pk]}.get(role, [])
    assert data["csrf_token"]
    assert response["Cache-Control"] == "private, no-store"


def test_reader_endpoint_refuses_a_bad_conversation(client_for):
    response = client_for("reader").get("/api/community/reader?conversation=x")
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


@pytest.mark.parametrize("role", ROLES)
def test_comment_text_as_written_only_for_its_author(client_for, posted, role):
    _conversation, _old, fresh, _other = posted
    data = client_for(role).get(f"/api/community/comments/{fresh.pk}").json()
    assert data["html"] == "<p>Neu</p>" or "Neu" in data["html"]
    assert data.get("text") == ("Neu" if role == "reader" else None)


def test_edit_in_place_returns_the_new_html_and_text(users, posted):
    _conversation, _old, fresh, _other = posted
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reader"])
    token = client.get("/api/community/reader").json()["csrf_token"]
    response = client.patch(
        f"/api/community/comments/{fresh.pk}",
        data='{"text": "Neu <b>und</b> besser"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["text"] == "Neu <b>und</b> besser" and "&lt;b&gt;" in data["html"]
    assert data["edited_at"]
    gone = client.delete(f"/api/community/comments/{fresh.pk}", HTTP_X_CSRFTOKEN=token)
    assert gone.status_code == 204
    assert Comment.objects.get(pk=fresh.pk).deleted_at is not None


def test_widget_frame_asks_who_reads_and_is_the_same_for_everyone(client_for, users, settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    conversation = actions.conversation_for_url(f"{PARTNER}/bericht", title="Bericht")
    actions.do_post_comment(conversation, text_value="Vom Partner", acting_user=users["reader"])
    pages = set()
    for role in ("anonymous", "reader"):
        response = client_for(role).get(f"/community/embed/?url={PARTNER}/bericht&lang=de")
        html = response.content.decode()
        assert section_attr(html, "data-reader") == (
            f"/api/community/reader?conversation={conversation.pk}"
        )
        assert section_attr(html, "data-user") is None
        assert not response.cookies
        pages.add(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html))
    assert len(pages) == 1


def sign_up(client: Client, next_url: str) -> None:
    response = client.post(
        "/de/accounts/signup/",
        {
            "email": "lena@example.org",
            "password1": "ein sehr gutes Passwort",
            "password2": "ein sehr gutes Passwort",
            "display_name": "Lena",
            "next": next_url,
        },
    )
    assert response.status_code == 302


def confirmation_path(body: str) -> str:
    found = re.search(r"http://testserver(/\S+/confirm-email/\S+)", body)
    assert found, body
    return found.group(1)


@pytest.mark.parametrize("same_browser", [True, False])
def test_confirming_the_address_leads_back_to_the_article(article, same_browser):
    back = article.get_absolute_url()
    client = Client()
    sign_up(client, back)
    path = confirmation_path(str(mail.outbox[0].body))
    assert path.endswith("?next=" + back.replace("/", "%2F"))
    confirmer = client if same_browser else Client()
    page = confirmer.get(path)
    assert page.status_code == 200
    assert f'name="next" value="{back}"' in page.content.decode()
    response = confirmer.post(path.split("?")[0], {"next": back})
    assert response.status_code == 302 and response["Location"] == back


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x"])
def test_confirmation_link_never_carries_another_site(article, evil):
    sign_up(Client(), evil)
    assert "next=" not in confirmation_path(str(mail.outbox[0].body))


def test_signup_link_under_the_article_keeps_the_way_back(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/de/accounts/signup/?next={article.get_absolute_url().replace("/", "%2F")}"' in (
        html
    )


@pytest.mark.parametrize(
    "path",
    [
        "/de/accounts/signup/",
        "/de/accounts/login/",
        "/de/accounts/password/reset/",
        "/de/accounts/confirm-email/",
    ],
)
def test_account_pages_wear_the_site_look(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "core/site.css" in html and "community/accounts.css" in html
    assert 'class="site-header"' in html and '<h1 class="account__title">' in html
    assert "Menu:" not in html  # allauth's bare default layout is gone


def test_login_messages_do_not_follow_the_reader_to_other_pages(users, article):
    EmailAddress.objects.create(
        user=users["reader"], email=users["reader"].email, verified=True, primary=True
    )
    client = Client()
    response = client.post(
        "/de/accounts/login/",
        {
            "login": users["reader"].email,
            "password": "correct horse battery",
            "next": article.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    client.get(article.get_absolute_url())
    settings_page = client.get("/de/community/settings/").content.decode()
    assert 'class="messages"' not in settings_page
    client.post("/de/accounts/logout/")
    login_page = client.get("/de/accounts/login/").content.decode()
    assert 'class="messages"' not in login_page


def test_account_page_messages_show_on_the_account_page(users):
    client = Client()
    client.force_login(users["reader"])
    response = client.post(
        "/de/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "ein neues gutes Passwort",
            "password2": "ein neues gutes Passwort",
        },
        follow=True,
    )
    html = response.content.decode()
    assert 'class="messages"' in html
    assert 'class="messages"' not in client.get("/de/community/settings/").content.decode()


def test_deadline_helper_matches_the_window(posted, settings):
    _conversation, old, fresh, _other = posted
    assert actions.edit_deadline(fresh) - fresh.created_at == dt.timedelta(seconds=900)
