"""Every community page for every role; every changing view refuses outsiders."""

from __future__ import annotations

import pytest

from newsdesk.community import actions
from newsdesk.community.models import Comment, Conversation

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "reader", "other_reader", "moderator", "editor", "admin"]


@pytest.fixture
def thread(users, article, settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    root = actions.do_post_comment(conversation, text_value="Wurzel", acting_user=users["reader"])
    reply = actions.do_post_comment(
        conversation, text_value="Antwort", acting_user=users["other_reader"], parent=root
    )
    page = actions.conversation_for_url("https://partner.example/a", title="Partnerartikel")
    actions.do_post_comment(
        page, text_value="Auf der Partnerseite", acting_user=users["other_reader"]
    )
    return conversation, root, reply, page


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_for_every_role(client_for, users, thread, role):
    conversation, root, reply, page = thread
    client = client_for(role)
    permalink = client.get(f"/de/community/comments/{reply.pk}/")
    assert permalink.status_code == 200
    html = permalink.content.decode()
    assert "Wurzel" in html and "Antwort" in html and f'data-highlight="{reply.pk}"' in html
    assert ('id="reply"' in html) == (role != "anonymous")
    assert ('id="edit"' in html) == (role == "other_reader")
    fragment = client.get(f"/de/community/conversations/{conversation.pk}/thread/?csort=newest")
    assert fragment.status_code == 200 and "Wurzel" in fragment.content.decode()
    # An article's discussion lives on the article page.
    moved = client.get(f"/de/community/conversations/{conversation.pk}/")
    assert moved.status_code == 302
    assert moved["Location"] == conversation.article.get_absolute_url()
    standalone = client.get(f"/de/community/conversations/{page.pk}/")
    assert standalone.status_code == 200
    text = standalone.content.decode()
    assert "Partnerartikel" in text and "Auf der Partnerseite" in text
    assert ('name="text"' in text) == (role != "anonymous")
    profile = client.get(f"/de/community/readers/{users['reader'].community_profile.pk}/")
    assert profile.status_code == 200 and "Wurzel" in profile.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_posting_on_a_partner_page_discussion(client_for, users, thread, role, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    _conversation, _root, _reply, page = thread
    response = client_for(role).post(
        f"/de/community/conversations/{page.pk}/comments/", {"text": f"Beitrag von {role}"}
    )
    assert response.status_code == 302
    saved = Comment.objects.filter(conversation=page, text=f"Beitrag von {role}").exists()
    assert saved == (role != "anonymous")


@pytest.mark.parametrize("path", ["edit/", "delete/", "vote/"])
def test_changing_views_send_anonymous_readers_to_login(client, thread, path):
    _conversation, root, _reply, _page = thread
    response = client.post(f"/de/community/comments/{root.pk}/{path}", {"text": "x", "value": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    root.refresh_from_db()
    assert root.text == "Wurzel" and not root.is_deleted and root.upvotes == 0


def test_missing_things_are_404(client):
    assert client.get("/de/community/comments/999999/").status_code == 404
    assert client.get("/de/community/readers/999999/").status_code == 404
    assert client.get("/de/community/conversations/999999/").status_code == 404
    assert client.post("/de/community/article/999999/comments/", {"text": "x"}).status_code == 404


def test_get_is_not_allowed_on_posting_views(client, thread):
    conversation, root, _reply, _page = thread
    assert client.get(f"/de/community/conversations/{conversation.pk}/comments/").status_code == 405
    assert client.get(f"/de/community/comments/{root.pk}/vote/").status_code == 405


def test_moderators_get_the_community_permissions(users):
    moderator = users["moderator"]
    assert moderator.has_perm("community.change_comment")
    assert moderator.has_perm("community.change_closedperiod")
    assert not users["reader"].has_perm("community.change_comment")
    assert not users["editor"].has_perm("community.change_comment")


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_back_office_lists_comments_and_opening_hours(client_for, users, thread, role):
    client = client_for(role)
    assert client.get("/admin/community/comment/").status_code == 200
    assert client.get("/admin/community/closedperiod/").status_code == 200
    assert client.get("/admin/community/notice/").status_code == 200


def test_demo_comments_are_idempotent(db):
    from newsdesk.core.hooks import load_demo_content

    load_demo_content()
    load_demo_content()
    conversation = Conversation.objects.get(article__slug="staatsbesuch-praesidentin-virtanen-wien")
    from newsdesk.community.demo import READERS

    # The community's own demo readers (moderation's demo adds its cases to this thread).
    comments = list(
        Comment.objects.filter(
            conversation=conversation, author__username__in=[name for name, _ in READERS]
        )
    )
    assert len(comments) == 3
    assert sum(1 for comment in comments if comment.parent_id) == 1
    assert conversation.comment_count == 3
    assert {comment.language for comment in comments} == {"de"}
