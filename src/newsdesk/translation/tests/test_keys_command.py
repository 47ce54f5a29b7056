"""`newsdesk mt keys add|list|remove` (issue 11 item 10): through the same actions and audit
trail as the back office."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from newsdesk.core.models import AuditEvent
from newsdesk.translation.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("mt", "keys", *args, stdout=out)
    return out.getvalue()


def test_add_makes_a_key_with_its_limits_that_the_api_accepts(client, settings):
    settings.NEWSDESK_MT_API_KEYS_REQUIRED = True
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {},
    }
    secret = run("add", "120", "--description", "CMS plugin", "--max-characters", "900", "--quiet")
    secret = secret.strip()
    key = ApiKey.objects.get()
    assert (key.name, key.requests_per_minute, key.max_characters) == ("CMS plugin", 120, 900)
    assert key.key_hash == ApiKey.hash_key(secret) and secret not in str(key.__dict__)
    response = client.post(
        "/mt/translate",
        json.dumps({"q": "Die Stadt", "source": "de", "target": "en", "api_key": secret}),
        "application/json",
    )
    assert response.json() == {"translatedText": "The City"}
    assert AuditEvent.objects.filter(event_type="api_key.created").count() == 1


def test_list_shows_limits_and_never_the_key():
    secret = run("add", "--quiet").strip()
    run("add", "30", "--description", "Wagtail")
    listing = run("list")
    assert "Wagtail" in listing and "command line" in listing and " 30 " in listing
    assert secret not in listing and secret[:6] in listing


def test_remove_by_key_or_prefix_refuses_what_it_cannot_find():
    first = run("add", "--quiet").strip()
    second = run("add", "--quiet").strip()
    assert "Removed" in run("remove", first)
    assert "Removed" in run("remove", second[:6] + "…")
    assert not ApiKey.objects.exists()
    assert AuditEvent.objects.filter(event_type="api_key.removed").count() == 2
    with pytest.raises(CommandError, match="No API key"):
        run("remove", "nothing-like-it")


def test_bad_limits_are_refused_and_nothing_is_made():
    with pytest.raises(CommandError, match="at least 1"):
        run("add", "0")
    with pytest.raises(CommandError, match="longer than"):
        run("add", "--description", "x" * 101)
    assert not ApiKey.objects.exists()


def test_an_empty_list_says_how_to_make_a_key():
    assert "newsdesk mt keys add" in run("list")


def test_keys_never_start_with_a_dash(monkeypatch):
    """`newsdesk mt keys remove -abc…` would be read as an option."""
    made = iter(["-starts-with-a-dash-xxxxxxxxxxxxxx", "fine-key-xxxxxxxxxxxxxxxxxxxxxxx"])
    monkeypatch.setattr("secrets.token_urlsafe", lambda _n: next(made))
    assert ApiKey().set_new_key() == "fine-key-xxxxxxxxxxxxxxxxxxxxxxx"
