"""Abuse resistance: every refusal has its own clear message, and nothing is lost or saved."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from newsdesk.community import actions
from newsdesk.community.models import Comment
from newsdesk.core import clock

pytestmark = pytest.mark.django_db


def post(client, article, text="Ein Kommentar", **extra):
    return client.post(f"/de/community/article/{article.pk}/comments/", {"text": text, **extra})


def refusal(response) -> str:
    html = response.content.decode()
    assert 'role="alert"' in html
    return html


def test_honeypot_field_filled_is_refused(client_for, article):
    response = post(client_for("reader"), article, website="http://spam.example")
    assert response.status_code == 400
    assert "Formularen" in refusal(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\u202e\u202d"])
def test_empty_comments_are_refused(client_for, article, text):
    response = post(client_for("reader"), article, text=text)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_long_comment_is_refused_and_given_back(client_for, article, settings):
    settings.COMMUNITY_COMMENT_MAX_LENGTH = 100
    text = "Wort " * 30
    response = post(client_for("reader"), article, text=text)
    assert response.status_code == 400
    html = refusal(response)
    assert "149 Zeichen; erlaubt sind 100" in html
    assert text.strip()[:50] in html
    assert not Comment.objects.exists()


def test_second_comment_within_30_seconds_is_refused(client_for, article):
    client = client_for("reader")
    assert post(client, article, text="Erster Gedanke").status_code == 302
    response = post(client, article, text="Zweiter Gedanke")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "alle 30 Sekunden" in refusal(response)
    assert Comment.objects.count() == 1


def test_hourly_burst_limit_per_account(client_for, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 3
    client = client_for("reader")
    for number in range(3):
        assert post(client, article, text=f"Gedanke {number}").status_code == 302
    response = post(client, article, text="Noch einer")
    assert response.status_code == 429
    assert "in der letzten Stunde 3 Kommentare" in refusal(response)


def test_per_ip_limit_across_accounts(client_for, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_IP_PER_MINUTE = 2
    assert post(client_for("reader"), article, text="A eins").status_code == 302
    assert post(client_for("other_reader"), article, text="B zwei").status_code == 302
    response = post(client_for("editor"), article, text="C drei")
    assert response.status_code == 429
    assert "Aus Ihrem Netz" in refusal(response)


def test_limits_hold_without_a_shared_cache_and_their_windows_slide(users, article, settings):
    """The limits count stored comments, not a per-process cache: with a cache that keeps
    nothing (as another server process's local memory would be) they still hold."""
    # Through pytest-django's fixture, not override_settings as a decorator: the two undo
    # their changes in the wrong order and would leave this cache to later tests.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.COMMUNITY_ACCOUNT_BURST = 3
    conversation = actions.conversation_for_article(article)
    start = clock.now()

    def post_at(minutes: float, words: str) -> None:
        with clock.frozen(start + dt.timedelta(minutes=minutes)):
            actions.do_post_comment(conversation, text_value=words, acting_user=users["reader"])

    post_at(0, "Erster Gedanke")
    with pytest.raises(actions.CommentRefused) as refused:
        post_at(0.45, "Zu schnell")  # 27 seconds later
    assert refused.value.code == "too_fast"
    post_at(0.55, "Zweiter Gedanke")  # 33 seconds later: fine
    post_at(40, "Dritter Gedanke")
    with pytest.raises(actions.CommentRefused) as refused:
        post_at(59, "Vierter Gedanke")  # three in the last hour
    assert refused.value.code == "rate_limited"
    post_at(61, "Vierter Gedanke")  # the first one left the hour: the window slides
    assert Comment.objects.filter(author=users["reader"]).count() == 4


def test_duplicate_text_by_the_same_reader_is_refused(client_for, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    client = client_for("reader")
    assert post(client, article, text="Das ist meine Meinung!").status_code == 302
    response = post(client, article, text="das ist   MEINE meinung! ")
    assert response.status_code == 409
    assert "schon geschrieben" in refusal(response)


def test_the_same_text_from_many_accounts_is_a_flood(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    for role in ("reader", "other_reader", "editor"):
        actions.do_post_comment(conversation, text_value="Kauft jetzt!", acting_user=users[role])
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            conversation, text_value="Kauft jetzt!", acting_user=users["moderator"]
        )
    assert refused.value.code == "flood"
    # Ten minutes later the same words are fine again.
    with clock.frozen(clock.now() + dt.timedelta(minutes=11)):
        cache.clear()
        actions.do_post_comment(
            conversation, text_value="Kauft jetzt!", acting_user=users["moderator"]
        )


def test_a_refused_post_does_not_use_up_the_rate_limit(client_for, article):
    client = client_for("reader")
    assert post(client, article, text="").status_code == 400
    assert post(client, article, text="Jetzt aber").status_code == 302


def test_inactive_accounts_cannot_post(users, article):
    users["reader"].is_active = False
    users["reader"].save()
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            actions.conversation_for_article(article),
            text_value="Hallo",
            acting_user=users["reader"],
        )
    assert refused.value.code == "inactive"


def test_reply_to_a_deleted_comment_is_refused(users, article):
    conversation = actions.conversation_for_article(article)
    parent = actions.do_post_comment(
        conversation, text_value="Weg damit", acting_user=users["reader"]
    )
    actions.do_delete_comment(parent, acting_user=users["reader"])
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            conversation, text_value="Zu spät", acting_user=users["other_reader"], parent=parent
        )
    assert refused.value.code == "parent_deleted"


def test_reply_to_a_missing_comment_is_refused_with_text_kept(client_for, article):
    response = post(client_for("reader"), article, text="Antwort ins Leere", parent="99999")
    assert response.status_code == 404
    assert "Antwort ins Leere" in refusal(response)


def test_screeners_from_other_apps_can_refuse(users, article):
    def no_shouting(draft):
        if draft.text.isupper():
            raise actions.CommentRefused("shouting", "Bitte nicht schreien.")

    actions.comment_screeners.append(no_shouting)
    try:
        with pytest.raises(actions.CommentRefused, match="schreien"):
            actions.do_post_comment(
                actions.conversation_for_article(article),
                text_value="ALLES GROSS",
                acting_user=users["reader"],
            )
    finally:
        actions.comment_screeners.remove(no_shouting)
    assert not Comment.objects.exists()


def test_client_address_behind_trusted_proxies(rf, settings):
    from newsdesk.core.net import client_ip

    request = rf.post(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.2", REMOTE_ADDR="10.0.0.1"
    )
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # the header is not trusted by default
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "203.0.113.7"  # a forged left-most entry is ignored
    garbage = rf.post("/", HTTP_X_FORWARDED_FOR="nonsense, x", REMOTE_ADDR="10.0.0.1")
    assert client_ip(garbage) == "10.0.0.1"
    # One address, one spelling (as the database stores it), so that limits count it once.
    settings.TRUSTED_PROXIES = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:DB8:0:0::1")) == "2001:db8::1"
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the file lock is for SQLite databases"
)
def test_sqlite_comment_writes_exclude_other_processes(tmp_path, monkeypatch):
    """While one process writes, another cannot take the lock beside the database file."""
    from django.db import connection

    database = tmp_path / "site.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    probe = (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "try:\n"
        "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n"
        "    print('busy')\n"
        "else:\n"
        "    print('free')\n"
    )

    def other_process_sees() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, f"{database}.writelock"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return done.stdout.strip()

    with actions.write_lock():
        assert other_process_sees() == "busy"
    assert other_process_sees() == "free"


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_of_one_account_cannot_all_pass_the_checks(users, article):
    """Two posts of one account arrive together (a script, a double click): both pass the
    screening side by side, but checking and storing happen one post at a time, so the
    second one meets the first and is refused."""
    import threading

    from django.db import connection

    conversation = actions.conversation_for_article(article)
    together = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def wait_for_the_other(draft):
        together.wait()

    def post(words: str) -> None:
        try:
            actions.do_post_comment(conversation, text_value=words, acting_user=users["reader"])
            outcomes.append("stored")
        except actions.CommentRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    actions.comment_screeners.append(wait_for_the_other)
    try:
        threads = [
            threading.Thread(target=post, args=(words,)) for words in ("Erstens", "Zweitens")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        actions.comment_screeners.remove(wait_for_the_other)
    assert sorted(outcomes) == ["stored", "too_fast"]
    assert Comment.objects.filter(author=users["reader"]).count() == 1


def test_per_address_limit_knows_one_address_however_it_is_written(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_IP_PER_MINUTE = 1
    conversation = actions.conversation_for_article(article)
    actions.do_post_comment(
        conversation, text_value="Eins", acting_user=users["reader"], ip_address="2001:DB8::1"
    )
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            conversation,
            text_value="Zwei",
            acting_user=users["other_reader"],
            ip_address="2001:db8:0:0::1",
        )
    assert refused.value.code == "rate_limited"
    # 0 turns the per-address limit off (e.g. behind a proxy that hides the addresses).
    settings.COMMUNITY_IP_PER_MINUTE = 0
    for role in ("other_reader", "editor", "moderator"):
        actions.do_post_comment(
            conversation,
            text_value=f"Von {role}",
            acting_user=users[role],
            ip_address="2001:db8::1",
        )
    assert Comment.objects.filter(ip_address="2001:db8::1").count() == 4
