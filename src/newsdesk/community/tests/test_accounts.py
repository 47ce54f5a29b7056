"""Accounts: sign-up with e-mail verification, login and its throttling, password reset,
the display name, settings, the public profile and account deletion."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.models import Comment, Profile

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


def sign_up(client: Client, email: str = "neu@example.org", name: str = "Neue Leserin"):
    return client.post(
        "/de/accounts/signup/",
        {
            "email": email,
            "password1": "ein sehr gutes Passwort",
            "password2": "ein sehr gutes Passwort",
            "display_name": name,
        },
    )


def confirmation_link(message) -> str:
    found = re.search(r"http://testserver(/\S+/confirm-email/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def test_sign_up_needs_verified_email_then_logs_in_with_display_name(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response["Location"]
    user = get_user_model().objects.get(email="neu@example.org")
    assert user.community_profile.display_name == "Neue Leserin"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu@example.org"]
    # Not verified yet: logging in only sends the confirmation again.
    other = Client()
    login = other.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert "_auth_user_id" not in other.session
    assert login.status_code == 302 and "confirm-email" in login["Location"]
    link = confirmation_link(mail.outbox[0])
    assert client.post(link).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified


def test_sign_up_refuses_taken_or_email_like_display_names(client, users):
    actions.profile_for(users["reader"]).display_name  # noqa: B018 (created)
    response = sign_up(client, name="READER")
    assert response.status_code == 200
    assert "Dieser Anzeigename ist vergeben" in response.content.decode()
    response = sign_up(client, name="ich@example.org")
    assert "darf keine E-Mail-Adresse sein" in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@example.org").exists()


def test_login_and_logout_with_verified_email(client):
    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/de/accounts/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_logins_are_throttled_per_account(client):
    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/de/accounts/logout/")
    for _attempt in range(5):
        response = client.post(
            "/de/accounts/login/", {"login": "neu@example.org", "password": "falsch"}
        )
        assert response.status_code == 200
    response = client.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()


def test_the_login_throttle_is_shared_by_all_server_processes(client):
    """Each server process has its own local memory; the throttle's counts must not live
    there. Emptying this process's cache between attempts, as if each attempt reached
    another process, still ends in the throttle."""
    from django.core.cache import cache, caches

    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/de/accounts/logout/")
    for _attempt in range(5):
        client.post("/de/accounts/login/", {"login": "neu@example.org", "password": "falsch"})
        cache.clear()  # another process: nothing of this one's memory
    response = client.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert "_auth_user_id" not in client.session
    assert "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
    # The counts are in the database cache under keyed hashes (allauth's keys name the
    # address); other entries stay local.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM core_shared_cache")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("127.0.0.1" not in key and ":h:" in key for key in stored)
    cache.set("community:something", 1)
    assert caches["shared"].get("community:something") is None


def test_login_behind_proxies_counts_the_address_the_rest_of_the_site_counts(client, settings):
    """allauth counts failed logins per address the way newsdesk.core.net reads it: behind
    one trusted proxy, two readers behind it are two addresses, and a request with fewer
    X-Forwarded-For entries than proxies still works (allauth's own reading answers 500)."""
    settings.TRUSTED_PROXIES = 1

    def attempt(number: int, address: str):
        return client.post(
            "/de/accounts/login/",
            {"login": f"niemand{number}@example.org", "password": "falsch"},
            HTTP_X_FORWARDED_FOR=address,
            REMOTE_ADDR="10.0.0.1",
        )

    for number in range(10):  # login_failed: 10 a minute per address
        assert "Zu viele" not in attempt(number, "203.0.113.7").content.decode()
    assert "Zu viele" in attempt(10, "203.0.113.7").content.decode()
    assert "Zu viele" not in attempt(11, "198.51.100.4").content.decode()
    settings.TRUSTED_PROXIES = 2
    assert attempt(12, "198.51.100.4").status_code == 200


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/de/accounts/logout/")
    mail.outbox.clear()
    response = client.post("/de/accounts/password/reset/", {"email": "neu@example.org"})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", str(mail.outbox[0].body))
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "noch ein gutes Passwort", "password2": "noch ein gutes Passwort"}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="neu@example.org")
    assert user.check_password("noch ein gutes Passwort")


def test_passwords_are_hashed_with_argon2(settings, db):
    from django.conf import settings as live

    assert "Argon2" in __import__("newsdesk.settings", fromlist=["x"]).PASSWORD_HASHERS[0]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("argon", "argon@example.org", "geheim genug!")
    assert user.password.startswith("argon2$")
    assert live.AUTHENTICATION_BACKENDS


@pytest.mark.parametrize("role", ROLES)
def test_settings_page_for_every_role(client_for, role, users):
    client = client_for(role)
    response = client.get("/de/community/settings/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    response = client.post(
        "/de/community/settings/", {"display_name": f"Neu {role}", "notify_replies": ""}
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=users[role])
    assert profile.display_name == f"Neu {role}" and profile.notify_replies is False


def test_settings_refuses_a_taken_name_and_keeps_the_old_one(client_for, users):
    actions.profile_for(users["other_reader"])
    response = client_for("reader").post(
        "/de/community/settings/", {"display_name": "Other_Reader", "notify_replies": "on"}
    )
    assert response.status_code == 409
    assert "Dieser Anzeigename ist vergeben" in response.content.decode()
    assert Profile.objects.get(user=users["reader"]).display_name == "reader"


@pytest.mark.parametrize("role", ROLES)
def test_profile_page_shows_display_name_and_comments_not_email(client_for, role, users, article):
    conversation = actions.conversation_for_article(article)
    actions.do_post_comment(conversation, text_value="Mein Beitrag", acting_user=users["reader"])
    profile = Profile.objects.get(user=users["reader"])
    response = client_for(role).get(f"/de/community/readers/{profile.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mein Beitrag" in html and "reader@example.org" not in html
    assert ("/de/community/settings/" in html) == (role == "reader")


def test_deleting_the_account_needs_the_password_and_removes_comment_texts(client, users, article):
    reader = users["reader"]
    conversation = actions.conversation_for_article(article)
    mine = actions.do_post_comment(conversation, text_value="Bald weg", acting_user=reader)
    reply = actions.do_post_comment(
        conversation, text_value="Antwort bleibt", acting_user=users["other_reader"], parent=mine
    )
    client.force_login(reader)
    response = client.post("/de/community/settings/delete/", {"password": "falsch"})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=reader.pk).exists()
    response = client.post("/de/community/settings/delete/", {"password": "correct horse battery"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=reader.pk).exists()
    mine.refresh_from_db()
    assert mine.text == "" and mine.author is None and mine.is_deleted
    assert Comment.objects.get(pk=reply.pk).text == "Antwort bleibt"
    conversation.refresh_from_db()
    assert conversation.comment_count == 1
    assert "_auth_user_id" not in client.session


def test_delete_account_page_for_anonymous_redirects_to_login(client):
    response = client.get("/de/community/settings/delete/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_stranger_cannot_lock_the_owner_out(client):
    """Five wrong passwords for someone's address from one IP lock out that IP for that
    account only: the owner, elsewhere, logs in."""
    from django.test import Client

    sign_up(client)
    client.post(confirmation_link(mail.outbox[0]))
    client.post("/de/accounts/logout/")
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _attempt in range(5):
        stranger.post("/de/accounts/login/", {"login": "neu@example.org", "password": "falsch"})
    refused = stranger.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert "_auth_user_id" not in stranger.session
    assert "Zu viele gescheiterte Anmeldeversuche" in refused.content.decode()
    owner = Client(REMOTE_ADDR="203.0.113.20")
    response = owner.post(
        "/de/accounts/login/", {"login": "neu@example.org", "password": "ein sehr gutes Passwort"}
    )
    assert response.status_code == 302 and "_auth_user_id" in owner.session


@pytest.mark.parametrize("told", [True, False])
def test_the_confirmation_page_says_where_console_mails_went(client, settings, told):
    settings.NEWSDESK_EMAILS_ON_CONSOLE = told
    response = sign_up(client, email=f"{told}@example.org")
    page = client.get(response["Location"]).content.decode()
    assert response.status_code == 302
    # The German page, in German.
    assert ("Konsole" in page) is told
    assert "console" not in page


def test_the_demo_banner_says_where_mails_go(settings):
    from newsdesk.core.management.commands.demo import demo_banner

    settings.NEWSDESK_EMAILS_ON_CONSOLE = True
    assert "e-mails:       printed on this console" in demo_banner("127.0.0.1:8000", "pw")
    settings.NEWSDESK_EMAILS_ON_CONSOLE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    banner = demo_banner("127.0.0.1:8000", "pw")
    assert "console" not in banner and "smtp" in banner
