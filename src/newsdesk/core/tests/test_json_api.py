"""The JSON APIs' shared parts: reading nested JSON safely, error answers, control characters."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory
from django.utils import translation

from newsdesk.core import json_api
from newsdesk.core.errors import ActionRefused
from newsdesk.core.text_input import has_control_characters, refuse_control_characters

LIMIT = json_api.MAX_JSON_DEPTH


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("[" * 5000 + "]" * 5000, True),  # the example: 10 KB, 5,000 levels
        ("[" * 5000, True),  # not even closed
        ('{"a":' * 40 + "1" + "}" * 40, True),
        ('{"a":[' * 17 + "1" + "]}" * 17, True),  # 34 levels, alternating
        ("[" * LIMIT + "]" * LIMIT, False),  # exactly the limit
        ("[" * (LIMIT + 1) + "]" * (LIMIT + 1), True),
        ("[]" * 10000, False),  # long but flat
        ('{"text": "' + "[" * 5000 + '"}', False),  # brackets inside a string do not count
        ('{"text": "\\"' + "[" * 5000 + '"}', False),  # nor after an escaped quote
        ('["\\\\", ' + "[" * 40 + "]" * 40 + "]", True),  # an escaped backslash ends no string
        ('{"a": 1, "b": [1, 2, {"c": "d"}]}', False),
        ("", False),
    ],
)
def test_nesting_depth_is_measured_without_parsing(text, deep):
    assert json_api.nesting_depth_exceeds(text, LIMIT) is deep


def test_loads_refuses_deep_json_before_parsing_and_reads_the_rest():
    with pytest.raises(json_api.JsonTooDeep):
        json_api.loads(b"[" * 5000 + b"]" * 5000)
    with pytest.raises(json_api.JsonTooDeep):
        json_api.loads(("[" * 100 + "]" * 100).encode("utf-16"))
    assert json_api.loads(b'{"q": ["[[[", "\xc3\xa4"]}') == {"q": ["[[[", "ä"]}
    assert json_api.loads('{"q": "x"}'.encode("utf-16")) == {"q": "x"}
    assert json_api.loads(b"\xef\xbb\xbf[1]") == [1]
    for broken in (b"{", b"\xff\xfe\xfd", b"[1,]"):
        with pytest.raises(ValueError):
            json_api.loads(broken)


@pytest.mark.parametrize(
    ("value", "lines", "refused"),
    [
        ("https://partner.example/seite\x00", False, True),
        ("Ein Titel\x00mit NUL", False, True),
        ("Titel\twith tab", False, True),
        ("Titel\x0bvertical tab", False, True),
        ("Titel\x1f", False, True),
        ("Titel\x7f", False, True),
        ("Titel\x85", False, True),
        ("Zeile\nZeile", False, True),
        ("Ein Titel – mit Gedankenstrich, ümlaut, 😂", False, False),
        ("Text\x00", True, True),
        ("Text\nmit\tZeilen\r\n", True, False),
        ("Text\x0b", True, False),  # left to the field's own cleaning
    ],
)
def test_control_characters(value, lines, refused):
    assert has_control_characters(value, lines=lines) is refused
    if refused:
        with pytest.raises(ActionRefused) as error:
            refuse_control_characters(value, "title", lines=lines)
        assert error.value.code == "control_characters" and error.value.status == 400
        assert "title" in error.value.message
    else:
        assert refuse_control_characters(value, "title", lines=lines) == value


class Refused(ActionRefused):
    pass


def test_an_app_gets_its_own_refusal_class():
    with pytest.raises(Refused):
        refuse_control_characters("a\x00", "text", refusal=Refused)


@pytest.fixture
def api_prefix():
    """/api/ serves JSON (the root URLconf declares it; declaring it again changes nothing)."""
    json_api.serves_json("/api/")


def test_error_views_answer_json_under_registered_prefixes_and_pages_elsewhere(
    rf: RequestFactory, api_prefix
):
    request = rf.get("/api/nothing")
    with translation.override("en"):  # the message in the request's language
        response = json_api.page_not_found(request, Exception())
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": "not_found",
        "message": "There is nothing at this address.",
    }
    response = json_api.bad_request(rf.post("/api/x"), RequestDataTooBig())
    assert response.status_code == 413 and json.loads(response.content)["error"] == "too_large"
    response = json_api.bad_request(rf.post("/api/x"), ValueError())
    assert response.status_code == 400 and json.loads(response.content)["error"] == "bad_request"
    response = json_api.server_error(rf.get("/api/x"))
    assert response.status_code == 500 and json.loads(response.content)["error"] == "server_error"
    response = json_api.permission_denied(rf.get("/api/x"), Exception())
    assert response.status_code == 403 and json.loads(response.content)["error"] == "forbidden"
    page = json_api.page_not_found(rf.get("/de/nothing/"), Exception())
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_longer_prefix_wins_and_registering_again_replaces(rf: RequestFactory, api_prefix):
    def teapot(request, status, code, message):
        return json_api.error_response(request, 418, code, message)

    json_api.serves_json("/api/special/", teapot)
    try:
        assert json_api.page_not_found(rf.get("/api/special/x"), Exception()).status_code == 418
        assert json_api.page_not_found(rf.get("/api/other"), Exception()).status_code == 404
        json_api.serves_json("/api/special/")
        assert json_api.page_not_found(rf.get("/api/special/x"), Exception()).status_code == 404
    finally:
        json_api._apis[:] = [entry for entry in json_api._apis if entry[0] != "/api/special/"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "Hallo \\ud800 Welt"}',
        b'{"text": "\\udc00"}',
        b'{"\\udfff": "key"}',
        b'{"list": [["ok", "\\ud83d"]]}',
    ],
)
def test_loads_refuses_lone_surrogate_escapes(body):
    # json.loads accepts them, but no UTF-8 text holds them: the comment renderer, the
    # digest and PostgreSQL would fail on them later (a 500 from the comment API, issue 14).
    with pytest.raises(ValueError, match="surrogate"):
        json_api.loads(body)


def test_loads_keeps_surrogate_pairs_and_the_characters_they_spell():
    assert json_api.loads(b'{"text": "\\ud83d\\udca9 \\u00e4"}') == {"text": "\U0001f4a9 ä"}
