"""Every /api/ answer is JSON in the documented error shape; nested JSON, control characters and
NUL bytes are refused with 400 on every database; HEAD on the widget; the schema's security."""

from __future__ import annotations

import http.client
import json
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from newsdesk.community import actions, api
from newsdesk.community.models import Comment, Conversation, Profile

pytestmark = pytest.mark.django_db
PARTNER = "https://partner.example"
DEEP = "[" * 5000 + "]" * 5000  # the example: 10 KB, 5,000 levels


@pytest.fixture(autouse=True)
def partner_origin(settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0


def post_json(client: Client, url: str, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == code and body["message"], body
    assert set(body) == {"error", "message"}
    return body


# 401 and 403: CSRF on the API.


def test_anonymous_post_without_csrf_token_is_json_401_login_required(article):
    client = Client(enforce_csrf_checks=True)
    for url, data in [
        ("/api/community/comments", {"article": article.pk, "text": "Hallo"}),
        ("/api/community/comments/1/vote", {"value": 1}),
    ]:
        assert_error(post_json(client, url, data), 401, "login_required")
    assert_error(client.delete("/api/community/comments/1"), 401, "login_required")
    assert not Comment.objects.exists()


def test_logged_in_write_without_csrf_token_is_json_403(users, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reader"])
    response = post_json(client, "/api/community/comments", {"article": article.pk, "text": "Hi"})
    assert_error(response, 403, "csrf_failed")
    assert not Comment.objects.exists()


def test_pages_keep_django_s_csrf_page(users, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reader"])
    response = client.post(f"/de/community/article/{article.pk}/comments/", {"text": "Hallo"})
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")


# 404, 405, 413, 500.


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/nothing", "/api/community/threads/", "/api/community/comments/999999"],
)
def test_unknown_addresses_and_objects_are_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_missing_comment_for_vote_and_edit_is_json_404(client_for):
    client = client_for("reader")
    assert_error(
        post_json(client, "/api/community/comments/999999/vote", {"value": 1}), 404, "not_found"
    )
    response = client.patch(
        "/api/community/comments/999999", json.dumps({"text": "x"}), content_type="application/json"
    )
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/api/community/threads", "GET, HEAD, OPTIONS"),
        ("delete", "/api/community/counts", "GET, HEAD, OPTIONS"),
        ("put", "/api/community/opening", "GET, HEAD, OPTIONS"),
        ("get", "/api/community/comments", "POST"),
        ("put", "/api/community/comments/1", "GET, PATCH, DELETE"),
        ("get", "/api/community/comments/1/vote", "POST"),
        ("post", "/api/community/openapi.json", "GET, HEAD, OPTIONS"),
    ],
)
def test_wrong_methods_are_json_405_with_allow(client_for, method, path, allowed):
    response = getattr(client_for("reader"), method)(path)
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == allowed


def test_bodies_over_the_limit_are_413(client_for, article, settings):
    client = client_for("reader")
    text = "x" * (api.MAX_BODY_BYTES + 1)
    response = post_json(client, "/api/community/comments", {"article": article.pk, "text": text})
    assert_error(response, 413, "too_large")
    # Over Django's own limit: 413 too, never a 400.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    big = json.dumps({"article": article.pk, "text": "x" * (100 * 1024)})
    assert_error(post_json(client, "/api/community/comments", big), 413, "too_large")
    form = client.post("/api/community/comments", {"text": "x" * (100 * 1024)})
    assert_error(form, 413, "too_large")
    assert not Comment.objects.exists()


def test_a_server_error_is_json_500(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(actions, "normalise_url", broken)
    client.raise_request_exception = False
    response = client.get(f"/api/community/counts?url={PARTNER}/a")
    assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()


def test_pages_outside_the_api_stay_html(client):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_the_schema_declares_session_and_csrf_for_writes(client):
    schema = client.get("/api/community/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["session"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["session"]["description"],
    }
    assert schemes["csrf"]["in"] == "header" and schemes["csrf"]["name"] == "X-CSRFToken"
    paths = schema["paths"]
    writes = [
        paths["/api/community/comments"]["post"],
        paths["/api/community/comments/{id}"]["patch"],
        paths["/api/community/comments/{id}"]["delete"],
        paths["/api/community/comments/{id}/vote"]["post"],
    ]
    for operation in writes:
        assert operation["security"] == [{"session": [], "csrf": []}]
        assert {"401", "403", "413"} <= set(operation["responses"])
    assert "security" not in paths["/api/community/threads"]["get"]
    assert schema["security"] == [{}]


# Deeply nested JSON.


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"text": ' + DEEP + "}",
        '{"article": 1, "text": "x", "parent": ' + "{" + '"a":{' * 3000 + "}" * 3001 + "}",
        "[" * 33 + "]" * 33,
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_deeply_nested_json_is_400(client_for, role, body):
    response = post_json(client_for(role), "/api/community/comments", body)
    assert_error(response, 400, "too_deep")
    response = client_for(role).patch(
        "/api/community/comments/1", body, content_type="application/json"
    )
    assert response.status_code in (400, 404)  # no comment 1: found missing first, or too deep
    assert response["Content-Type"] == "application/json"


def test_brackets_inside_the_text_are_fine(client_for, article):
    text = '[[ {{ "a" ' * 30
    response = post_json(
        client_for("reader"), "/api/community/comments", {"article": article.pk, "text": text}
    )
    assert response.status_code == 201, response.content
    assert Comment.objects.get().text == text.strip()


# NUL and control characters: 400 on every database, nothing stored.


NUL_URLS = [
    f"{PARTNER}/seite\x00",
    f"{PARTNER}/\x00seite",
    f"{PARTNER}/seite?id=1\x00",
    f"{PARTNER}/seite\x1f",
    f"{PARTNER}/sei\tte",
    f"{PARTNER}/seite\x7f",
]


@pytest.mark.parametrize("url", NUL_URLS)
@pytest.mark.parametrize("endpoint", ["threads", "counts", "opening"])
def test_control_characters_in_read_addresses_are_400(client, url, endpoint):
    response = client.get(f"/api/community/{endpoint}?url={quote(url)}")
    assert_error(response, 400, "control_characters")
    assert "url" in response.json()["message"]


def test_nul_among_many_counted_addresses_is_400(client):
    query = (
        "&".join(f"url={quote(f'{PARTNER}/{n}')}" for n in range(5))
        + "&url="
        + quote(f"{PARTNER}/x\x00")
    )
    assert_error(client.get(f"/api/community/counts?{query}"), 400, "control_characters")


@pytest.mark.parametrize("url", NUL_URLS)
def test_control_characters_in_the_posted_address_are_400(client_for, url):
    response = post_json(
        client_for("reader"), "/api/community/comments", {"url": url, "text": "Hi"}
    )
    assert_error(response, 400, "control_characters")
    assert not Conversation.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize(
    "title", ["Titel\x00", "\x00", "Titel\x0bmit Tab", "Titel\nzwei Zeilen", "T\x85"]
)
def test_control_characters_in_the_title_are_400(client_for, title):
    response = post_json(
        client_for("reader"),
        "/api/community/comments",
        {"url": f"{PARTNER}/seite", "title": title, "text": "Hi"},
    )
    assert_error(response, 400, "control_characters")
    assert "title" in response.json()["message"]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("text", ["Hallo\x00Welt", "\x00", "Hallo\x00"])
def test_nul_in_the_text_is_400_when_posting_and_editing(client_for, users, article, text):
    client = client_for("reader")
    response = post_json(client, "/api/community/comments", {"article": article.pk, "text": text})
    assert_error(response, 400, "control_characters")
    assert not Comment.objects.exists()
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Vorher", acting_user=users["reader"]
    )
    response = client.patch(
        f"/api/community/comments/{comment.pk}",
        json.dumps({"text": text}),
        content_type="application/json",
    )
    assert_error(response, 400, "control_characters")
    comment.refresh_from_db()
    assert comment.text == "Vorher"


def test_text_keeps_its_lines_and_tabs(client_for, article):
    response = post_json(
        client_for("reader"),
        "/api/community/comments",
        {"article": article.pk, "text": "Erste Zeile\n\tzweite Zeile\x0b"},
    )
    assert response.status_code == 201, response.content
    assert Comment.objects.get().text == "Erste Zeile\n\tzweite Zeile"


@pytest.mark.parametrize("value", ["1\x00", "²", "١", "1 ", "-1", "9" * 19])
def test_ids_that_are_not_plain_digits_are_400(client, value):
    response = client.get(f"/api/community/threads?article={quote(value)}")
    assert_error(response, 400, "bad_request")
    response = client.get(f"/api/community/counts?article={quote(value)}")
    assert_error(response, 400, "bad_request")


def test_forms_refuse_nul_with_400(client_for, users, article):
    client = client_for("reader")
    response = client.post(f"/de/community/article/{article.pk}/comments/", {"text": "Hi\x00"})
    assert response.status_code == 400
    assert not Comment.objects.exists()
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Vorher", acting_user=users["reader"]
    )
    response = client.post(f"/de/community/comments/{comment.pk}/edit/", {"text": "Neu\x00"})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.text == "Vorher"
    for name in ("Neuer\x00Name", "Neuer\x0bName", "Neuer\tName"):
        response = client.post("/de/community/settings/", {"display_name": name})
        assert response.status_code == 400
    assert Profile.objects.get(user=users["reader"]).display_name == "reader"


def test_the_widget_refuses_control_characters_with_400(client):
    for query in (
        f"url={quote(PARTNER + '/seite' + chr(0))}",
        f"url={quote(PARTNER + '/seite')}&title=T%00",
        f"url={quote(PARTNER + '/seite')}&title=T%0A",
    ):
        response = client.get(f"/community/embed/?{query}")
        assert response.status_code == 400, query
    assert not Conversation.objects.exists()


# HEAD on the widget.


def test_head_on_the_widget_answers_as_get(client):
    frame = f"/community/embed/?url={quote(PARTNER + '/seite')}"
    for path in ("/community/embed.js", frame):
        get = client.get(path)
        head = client.head(path)
        assert get.status_code == head.status_code == 200
        assert head["Content-Type"] == get["Content-Type"] and head.content == b""
    assert client.post("/community/embed.js").status_code == 405


def test_head_on_the_widget_over_http(live_server):
    frame = f"/community/embed/?url={quote(PARTNER + '/seite')}"
    parts = urlsplit(live_server.url)
    for path in ("/community/embed.js", frame):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("HEAD", path)
        response = connection.getresponse()
        assert response.status == 200
        assert response.read() == b""
        connection.close()


def test_a_lone_surrogate_escape_is_refused_with_400_when_posting_and_editing(
    client_for, users, article
):
    # Issue 14's hostile corpus: "\ud800" parses as JSON but cannot be rendered, hashed or
    # stored; it was a 500 from the renderer (nh3) on posting and editing.
    client = client_for("reader")
    body = '{"article": ARTICLE, "text": "Hallo \\ud800 Welt"}'.replace("ARTICLE", str(article.pk))
    assert_error(post_json(client, "/api/community/comments", body), 400, "bad_request")
    assert not Comment.objects.exists()
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Hallo", acting_user=users["reader"]
    )
    response = client.patch(
        f"/api/community/comments/{comment.pk}",
        '{"text": "\\udc00 Welt"}',
        content_type="application/json",
    )
    assert_error(response, 400, "bad_request")
    comment.refresh_from_db()
    assert comment.text == "Hallo"
