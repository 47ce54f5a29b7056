"""The JSON API and the widget: every endpoint for every role, CORS, CSRF, no cookies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.models import Comment, Conversation
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "reader", "other_reader", "moderator", "editor", "admin"]
PARTNER = "https://partner.example"


@pytest.fixture(autouse=True)
def partner_origin(settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]


def post_json(client: Client, url: str, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


@pytest.mark.parametrize("role", ROLES)
def test_thread_counts_and_opening_are_readable_by_everyone(client_for, role, users, article):
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    conversation = actions.conversation_for_article(article)
    root = actions.do_post_comment(conversation, text_value="Oben", acting_user=users["reader"])
    actions.do_post_comment(
        conversation,
        text_value="Darunter https://example.org",
        acting_user=users["other_reader"],
        parent=root,
    )
    response = client.get(f"/api/community/threads?article={article.pk}&sort=newest")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["sort"] == "newest" and data["has_more"] is False
    [top] = data["comments"]
    assert top["author"] == "reader" and top["html"] == "<p>Oben</p>"
    assert top["replies"][0]["author"] == "other_reader"
    assert 'href="https://example.org"' in top["replies"][0]["html"]
    assert "reader@example.org" not in response.content.decode()
    counts = client.get(
        f"/api/community/counts?article={article.pk}&article=999999&url={PARTNER}/seite"
    ).json()
    assert counts == {
        "articles": {str(article.pk): 2, "999999": 0},
        "urls": {f"{PARTNER}/seite": 0},
    }
    opening = client.get(f"/api/community/opening?article={article.pk}").json()
    assert opening["open"] is True and opening["message"] == ""
    assert not response.cookies and "Set-Cookie" not in response


def test_opening_while_closed_gives_next_time_and_message(client):
    clock.set_now(vienna(2026, 11, 27, 1, 0))
    data = client.get("/api/community/opening", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["open"] is False and data["reason"] == "schedule"
    assert data["next_open"] == "2026-11-27T05:00:00+00:00"
    data = client.get("/api/community/opening?article=0").json()
    assert data["error"] == "not_found"


@pytest.mark.parametrize("role", ["reader", "moderator", "editor", "admin"])
def test_logged_in_roles_post_through_the_api(client_for, role, users, article):
    response = post_json(
        client_for(role),
        "/api/community/comments",
        {"article": article.pk, "text": "Per API", "language": "en"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"] == role and data["language"] == "en"
    assert Comment.objects.get(pk=data["id"]).author == users[role]


def test_anonymous_api_post_is_refused(client, article):
    response = post_json(client, "/api/community/comments", {"article": article.pk, "text": "x"})
    assert response.status_code == 401
    assert response.json()["error"] == "login_required"
    assert not Comment.objects.exists()


def test_api_post_is_refused_while_closed_with_the_message(client_for, article):
    clock.set_now(vienna(2026, 11, 27, 1, 0))
    response = post_json(
        client_for("reader"),
        "/api/community/comments",
        {"article": article.pk, "text": "Nachts"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "closed",
        "message": "Die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung.",
    }
    clock.set_now(vienna(2026, 11, 27, 7, 0))
    response = post_json(
        client_for("reader"), "/api/community/comments", {"article": article.pk, "text": "Morgens"}
    )
    assert response.status_code == 201


def test_api_writes_need_the_csrf_token(users, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reader"])
    response = post_json(
        client, "/api/community/comments", {"article": article.pk, "text": "x"}, HTTP_ORIGIN=PARTNER
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()
    client.get(article.get_absolute_url())  # the page sets the token cookie
    token = client.cookies["csrftoken"].value
    response = post_json(
        client,
        "/api/community/comments",
        {"article": article.pk, "text": "ok"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body,code",
    [
        ({"article": 1}, "empty"),
        ({"text": "ohne Ziel"}, "bad_request"),
        ({"url": "ftp://x", "text": "x"}, "bad_url"),
        ({"url": "https://evil.example/page", "text": "x"}, "origin_not_allowed"),
        ({"article": "abc", "text": "x"}, "bad_request"),
        ([1, 2], "bad_request"),
    ],
)
def test_bad_api_posts_are_refused_with_clear_errors(client_for, article, body, code):
    if isinstance(body, dict) and body.get("article") == 1:
        body["article"] = article.pk
    response = post_json(client_for("reader"), "/api/community/comments", body)
    assert response.status_code in (400, 403)
    data = response.json()
    assert data["error"] == code and data["message"]
    assert not Comment.objects.exists()


def test_oversized_and_non_json_bodies_are_refused(client_for, article):
    client = client_for("reader")
    response = post_json(
        client, "/api/community/comments", {"article": article.pk, "text": "x" * 40000}
    )
    assert response.status_code == 413
    response = client.post("/api/community/comments", {"text": "x"})
    assert response.status_code == 415


def test_comments_for_an_allowed_page_create_its_conversation(client_for):
    response = post_json(
        client_for("reader"),
        "/api/community/comments",
        {"url": f"{PARTNER}/artikel?id=3#oben", "title": "Partner", "text": "Hi"},
    )
    assert response.status_code == 201
    conversation = Conversation.objects.get()
    assert conversation.url == f"{PARTNER}/artikel?id=3" and conversation.title == "Partner"
    counts = client_for("anonymous").get(f"/api/community/counts?url={PARTNER}/artikel?id=3").json()
    assert list(counts["urls"].values()) == [1]


def test_edit_delete_and_vote_through_the_api(client_for, users, article):
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Vorher", acting_user=users["reader"]
    )
    url = f"/api/community/comments/{comment.pk}"
    other = Client()
    other.force_login(users["other_reader"])
    response = other.patch(url, json.dumps({"text": "Fremd"}), content_type="application/json")
    assert response.status_code == 403 and response.json()["error"] == "not_author"
    reader = client_for("reader")
    response = reader.patch(url, json.dumps({"text": "Nachher"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["html"] == "<p>Nachher</p>"
    response = post_json(other, f"{url}/vote", {"value": 1})
    assert response.json()["upvotes"] == 1
    response = post_json(other, f"{url}/vote", {"value": -1})
    assert (response.json()["upvotes"], response.json()["downvotes"]) == (0, 1)
    response = post_json(reader, f"{url}/vote", {"value": 1})
    assert response.status_code == 403
    response = post_json(client_for("anonymous"), f"{url}/vote", {"value": 1})
    assert response.status_code == 401
    response = post_json(other, f"{url}/vote", {"value": True})
    assert response.status_code == 400
    assert other.delete(url).status_code == 403
    assert reader.delete(url).status_code == 204
    assert client_for("anonymous").get(url).json()["deleted"] is True


def test_cors_only_for_allowed_origins_and_never_with_credentials(client, article):
    response = client.get(f"/api/community/threads?article={article.pk}", HTTP_ORIGIN=PARTNER)
    assert response["Access-Control-Allow-Origin"] == PARTNER
    assert "Access-Control-Allow-Credentials" not in response
    response = client.get(
        f"/api/community/threads?article={article.pk}", HTTP_ORIGIN="https://evil.example"
    )
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options("/api/community/counts", HTTP_ORIGIN=PARTNER)
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET"
    response = post_json(
        client, "/api/community/comments", {"article": article.pk, "text": "x"}, HTTP_ORIGIN=PARTNER
    )
    assert "Access-Control-Allow-Origin" not in response


def test_thread_json_is_cached_and_never_stale(client, users, article):
    conversation = actions.conversation_for_article(article)
    actions.do_post_comment(conversation, text_value="Eins", acting_user=users["reader"])
    url = f"/api/community/threads?article={article.pk}"
    assert client.get(url).json()["count"] == 1
    actions.do_post_comment(conversation, text_value="Zwei", acting_user=users["other_reader"])
    assert client.get(url).json()["count"] == 2


def test_thread_names_authors_by_public_profile_never_by_account(client, users, article):
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="Öffentlich", acting_user=users["reader"]
    )
    reply = actions.do_post_comment(
        conversation, text_value="Antwort", acting_user=users["other_reader"], parent=comment
    )
    actions.do_delete_comment(reply, acting_user=users["other_reader"])
    data = client.get(f"/api/community/threads?article={article.pk}").json()
    (shown,) = data["comments"]
    profile = actions.profile_for(users["reader"])
    assert shown["author_profile"] == profile.pk
    assert client.get(f"/de/community/readers/{profile.pk}/").status_code == 200
    assert "author_id" not in shown
    # Neither the thread nor a deleted comment reveals whose account it was.
    assert shown["replies"][0]["author_profile"] is None
    assert shown["replies"][0]["author"] is None
    page = client.get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert f'data-author="{profile.pk}"' in page


def test_article_conversation_is_found_only_for_published_articles(article):
    conversation = actions.conversation_for_article(article)
    found = actions.published_article_conversation(article.pk)
    assert found is not None
    assert (found.pk, found.version, found.comment_count) == (
        conversation.pk,
        conversation.version,
        conversation.comment_count,
    )
    assert found.article.section_id == article.section_id
    assert found.article.headline == article.headline  # other fields load on use
    article.status = article.Status.DRAFT
    article.save()
    assert actions.published_article_conversation(article.pk) is None
    assert actions.published_article_conversation(article.pk + 1000) is None


def test_openapi_schema_lists_every_endpoint(client):
    schema = client.get("/api/community/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/community/threads",
        "/api/community/counts",
        "/api/community/opening",
        "/api/community/comments",
        "/api/community/comments/{id}",
        "/api/community/comments/{id}/vote",
        "/api/community/reader",
    }


def test_counts_refuse_more_than_100_keys(client):
    query = "&".join(f"article={number}" for number in range(101))
    response = client.get(f"/api/community/counts?{query}")
    assert response.status_code == 400 and response.json()["error"] == "too_many"


@pytest.mark.parametrize("role", ROLES[:2] + ROLES[3:])
def test_widget_frame_renders_anonymously_for_allowed_pages_only(client_for, role, users):
    client = client_for(role)
    page = f"{PARTNER}/bericht"
    conversation = actions.conversation_for_url(page, title="Bericht")
    actions.do_post_comment(conversation, text_value="Vom Partner", acting_user=users["reader"])
    response = client.get(f"/community/embed/?url={page}&lang=de")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vom Partner" in html
    assert 'name="text"' not in html and 'csrfmiddlewaretoken" value=""' in html
    assert f"frame-ancestors {PARTNER}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert not response.cookies
    refused = client.get("/community/embed/?url=https://evil.example/x")
    assert refused.status_code == 403
    assert "frame-ancestors 'none'" in refused["Content-Security-Policy"]


def test_embed_script_points_at_this_site(client, settings):
    response = client.get("/community/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "http://testserver/community/embed/?url=" in response.content.decode().replace(
        '" + "', ""
    ).replace('site + "', "http://testserver")


@pytest.mark.parametrize(
    ("method", "query", "extra"),
    [
        ("get", "article={article}", {}),
        ("get", "article={article}&sort=newest", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("get", "article={article}", {"HTTP_COOKIE": "django_language=en"}),
        ("get", "article={article}", {"HTTP_ORIGIN": PARTNER}),
        ("get", "article={article}", {"HTTP_ORIGIN": "https://evil.example"}),
        ("get", "url=https://partner.example/a", {}),
        ("get", "article=abc", {}),
        ("get", "article=999999", {}),
        ("get", "article={article}&page=0", {}),
        ("options", "article={article}", {"HTTP_ORIGIN": PARTNER}),
        ("post", "article={article}", {}),
        ("head", "article={article}", {}),
    ],
)
def test_public_thread_read_path_answers_as_the_full_stack(
    client, users, article, settings, method, query, extra
):
    """The short path for thread reads: same status, headers and body as without it."""
    conversation = actions.conversation_for_article(article)
    actions.do_post_comment(conversation, text_value="Hallo", acting_user=users["reader"])
    url = "/api/community/threads?" + query.format(article=article.pk)
    # One request id for both (core.observability sets X-Request-ID on every response).
    short = getattr(Client(HTTP_X_REQUEST_ID="thread-read"), method)(url, **extra)
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("PublicThreadReadMiddleware")
    ]
    full = getattr(Client(HTTP_X_REQUEST_ID="thread-read"), method)(url, **extra)
    assert short.status_code == full.status_code
    assert sorted(short.headers.items()) == sorted(full.headers.items())
    assert short.content == full.content
    assert not short.cookies


def test_public_thread_read_path_is_in_place(settings):
    assert "newsdesk.community.middleware.PublicThreadReadMiddleware" in settings.MIDDLEWARE
