"""Every /mt/ answer is JSON in LibreTranslate's error shape ({"error": text}); nested JSON,
NUL and control characters are refused with 400 before anything reaches the database."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from newsdesk.translation import api
from newsdesk.translation.engines.dummy import DummyEngine
from newsdesk.translation.models import ApiKey

pytestmark = pytest.mark.django_db
DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"
DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    monkeypatch.setattr(api, "_minute", lambda: 29_000_000)


@pytest.fixture(autouse=True)
def dummy_engine(settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {}}
    settings.NEWSDESK_MT_API_KEYS_REQUIRED = False


def assert_error(response, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


@pytest.mark.parametrize("path", ["/mt/", "/mt/nothing", "/mt/translate/", "/mt/health/x"])
def test_unknown_addresses_are_json_404(client, path):
    assert_error(client.get(path), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/mt/translate", "POST"),
        ("put", "/mt/detect", "POST"),
        ("post", "/mt/languages", "GET"),
        ("post", "/mt/openapi.json", "GET, HEAD"),
    ],
)
def test_wrong_methods_are_json_405_with_allow(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert_error(response, 405)
    assert response["Allow"] == allowed


def test_bodies_over_django_s_limit_are_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = json.dumps({"q": "x" * (100 * 1024), "source": "de", "target": "en"})
    assert_error(client.post("/mt/translate", body, content_type="application/json"), 413)
    form = client.post("/mt/translate", {"q": "x" * (100 * 1024), "source": "de", "target": "en"})
    assert_error(form, 413)


def test_an_unexpected_failure_is_json_500_without_details(client, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(DummyEngine, "language_pairs", broken)
    client.raise_request_exception = False
    response = client.get("/mt/languages")
    message = assert_error(response, 500)
    assert "secret" not in message


def test_error_messages_follow_accept_language_else_english(client):
    english = assert_error(client.get("/mt/nothing"), 404)
    german = assert_error(client.get("/mt/nothing", HTTP_ACCEPT_LANGUAGE="de"), 404)
    assert english == "There is nothing at this address."
    assert german  # translated where the catalogue has it, English otherwise


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"q": ' + DEEP + ', "source": "de", "target": "en"}',
        '{"q": ["a", ' + "[" * 40 + '"b"' + "]" * 40 + '], "source": "de", "target": "en"}',
    ],
)
@pytest.mark.parametrize("path", ["/mt/translate", "/mt/detect"])
def test_deeply_nested_json_is_400_anonymously(client, path, body):
    message = assert_error(client.post(path, body, content_type="application/json"), 400)
    assert "nested" in message


def test_brackets_in_texts_are_translated(client):
    response = client.post(
        "/mt/translate",
        json.dumps({"q": "[[[[" * 30, "source": "de", "target": "en"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"q": "Die Stadt\x00", "source": "de", "target": "en"}, "q"),
        ({"q": ["Die Stadt", "\x00"], "source": "de", "target": "en"}, "q"),
        ({"q": "Die Stadt", "source": "de\x00", "target": "en"}, "source"),
        ({"q": "Die Stadt", "source": "de", "target": "en\x0b"}, "target"),
        ({"q": "Die Stadt", "source": "de", "target": "en", "format": "text\x00"}, "format"),
        ({"q": "Die Stadt", "source": "de", "target": "en", "api_key": "k\x00"}, "api_key"),
        ({"q": "Die Stadt", "source": "de", "target": "en", "api_key": "k\t"}, "api_key"),
    ],
)
def test_control_characters_are_400_in_json_and_forms(client, params, name):
    before = ApiKey.objects.count()
    response = client.post("/mt/translate", json.dumps(params), content_type="application/json")
    assert name in assert_error(response, 400)
    if not isinstance(params["q"], list):
        assert name in assert_error(client.post("/mt/translate", params), 400)
    assert ApiKey.objects.count() == before


def test_nul_in_detect_is_400(client):
    response = client.post(
        "/mt/detect", json.dumps({"q": "Hallo\x00"}), content_type="application/json"
    )
    assert "q" in assert_error(response, 400)


def test_texts_keep_their_lines_and_tabs(client):
    response = client.post(
        "/mt/translate",
        json.dumps({"q": "Die Stadt\n\tDer Rat", "source": "de", "target": "en"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_a_valid_request_still_translates(client):
    response = Client().post(
        "/mt/translate",
        {"q": "Die Stadt", "source": "de", "target": "en"},
    )
    assert response.status_code == 200 and "translatedText" in response.json()
