"""With the database out of reach readers get a 503 with Retry-After (JSON on the APIs), not a
generic 500; ``/health`` reports the database and the cache, naming what fails."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from newsdesk.core import availability

# A request against settings whose database cannot be reached, in a process of its own (the
# test's own connection stays untouched). Prints {path: {status, retry_after, type, body}}.
SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    client = Client(raise_request_exception=False)
    # A returning reader: their session is looked up in the database.
    client.cookies["sessionid"] = "s" * 32
    out = {}
    for method, path in [
        ("get", "/de/"),
        ("get", "/health"),
        ("get", "/health/"),
        ("post", "/api/community/comments"),
        ("get", "/admin/"),
        ("get", "/de/accounts/login/"),
    ]:
        response = getattr(client, method)(
            path, data={"text": "Hallo"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="de"
        ) if method == "post" else client.get(path, HTTP_ACCEPT_LANGUAGE="de")
        out[path] = {
            "status": response.status_code,
            "retry_after": response.get("Retry-After"),
            "type": response.get("Content-Type", ""),
            "body": response.content.decode(),
        }
    print(json.dumps(out))
    """
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released at once: nothing listens there


def unreachable(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "DATABASE_CONN_MAX_AGE": "0",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(
    scope="module",
    params=["sqlite", "postgres"],
)
def answers(request, tmp_path_factory) -> dict:
    if request.param == "sqlite":
        missing = tmp_path_factory.mktemp("db") / "no-such-dir" / "newsdesk.sqlite3"
        return unreachable(f"sqlite:///{missing}")
    return unreachable(f"postgres://postgres@127.0.0.1:{closed_port()}/newsdesk")


@pytest.mark.parametrize("path", ["/de/", "/admin/", "/de/accounts/login/"])
def test_pages_answer_503_with_retry_after(answers, path):
    answer = answers[path]
    assert answer["status"] == 503
    assert answer["retry_after"] == str(availability.RETRY_AFTER_SECONDS)
    assert answer["type"].startswith("text/html")
    assert "<h1>" in answer["body"] and "Server error" not in answer["body"]


def test_the_page_is_in_the_readers_language(answers):
    body = answers["/de/"]["body"]
    assert 'lang="de"' in body and "Kurz nicht erreichbar" in body


def test_apis_answer_503_in_their_error_shape(answers):
    answer = answers["/api/community/comments"]
    assert answer["status"] == 503
    assert answer["retry_after"] == str(availability.RETRY_AFTER_SECONDS)
    assert json.loads(answer["body"])["error"] == "unavailable"


@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_names_the_database(answers, path):
    answer = answers[path]
    assert answer["status"] == 503 and answer["retry_after"]
    assert json.loads(answer["body"]) == {
        "status": "unavailable",
        "checks": {"database": "failing", "cache": "ok"},
        "failing": ["database"],
    }


@pytest.mark.django_db
def test_health_is_ok_when_everything_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
        "failing": [],
    }
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_health_names_a_failing_cache(client, monkeypatch):
    def broken() -> None:
        raise ConnectionError("cache down")

    monkeypatch.setitem(availability.CHECKS, "cache", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}


@pytest.mark.django_db
def test_an_ordinary_server_error_stays_a_500(client, monkeypatch):
    """A bug is not an outage: only a database out of reach turns into 503."""
    from django.db import OperationalError

    from newsdesk.core import middleware

    def boom(self, request):  # type: ignore[no-untyped-def]
        raise OperationalError("no such column: oops")

    monkeypatch.setattr(middleware.ContentSecurityPolicyMiddleware, "__call__", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
