"""The session store's plain-SQL read: same rows, same expiry rules as Django's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from newsdesk.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_this_store() -> None:
    assert settings.SESSION_ENGINE == "newsdesk.core.sessions"


def test_saved_session_loads_back() -> None:
    store = SessionStore()
    store["reader"] = 42
    store["name"] = "Grüß Gott"
    store.create()
    store.save()
    loaded = SessionStore(store.session_key)
    assert loaded["reader"] == 42
    assert loaded["name"] == "Grüß Gott"
    assert loaded.session_key == store.session_key


def test_expired_session_is_empty_and_forgotten() -> None:
    store = SessionStore()
    store["reader"] = 7
    store.create()
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    loaded = SessionStore(store.session_key)
    assert loaded.load() == {}
    assert loaded.session_key is None  # a new key on the next save, never the stale one


@pytest.mark.parametrize("key", ["does-not-exist-123", "short", ""])
def test_unknown_or_malformed_key_is_empty(key: str) -> None:
    loaded = SessionStore(key)
    assert loaded.load() == {}
    assert "reader" not in loaded


def test_login_survives_a_request(client, django_user_model) -> None:
    user = django_user_model.objects.create_user("leserin", "leserin@example.org", "pw-123456!")
    client.force_login(user)
    response = client.get("/de/community/settings/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
