"""Plain-text e-mails: reader-supplied text as typed (never HTML-escaped), one form of address
("Sie") in German, and the site's name rather than the request's host."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.tasks import notify_reply

pytestmark = pytest.mark.django_db

NAMES = ['Tom & Jerry\'s "Fan"', "<b>Bold</b> & Co", "Ali علي 77"]


def reply_mail(users, article, *, name: str, text: str, language: str):
    profile = actions.profile_for(users["other_reader"])
    profile.display_name = name
    profile.save(update_fields=["display_name"])
    conversation = actions.conversation_for_article(article)
    parent = actions.do_post_comment(
        conversation, text_value="Frage?", acting_user=users["reader"], language=language
    )
    reply = actions.do_post_comment(
        conversation,
        text_value=text,
        acting_user=users["other_reader"],
        parent=parent,
        language=language,
    )
    mail.outbox.clear()
    assert notify_reply.call(reply.pk) is True
    return mail.outbox[-1]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("de", "{name} hat auf Ihren Kommentar bei {site} geantwortet"),
        ("en", "{name} replied to your comment on {site}"),
    ],
)
def test_reply_notification_is_plain_text(users, article, settings, name, language, subject):
    settings.SITE_NAME = "Die Zeitung & Co"
    text = "Antwort mit <Klammern> & \"Zitaten\" und 'Apostroph'"
    message = reply_mail(users, article, name=name, text=text, language=language)
    assert message.subject == subject.format(name=name, site="Die Zeitung & Co")
    assert name in message.body and text in message.body
    for escaped in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;"):
        assert escaped not in message.subject and escaped not in message.body


def sign_up(language: str, name: str) -> Client:
    client = Client()
    response = client.post(
        f"/{language}/accounts/signup/",
        {
            "email": "neu@example.org",
            "password1": "ein sehr gutes Passwort",
            "password2": "ein sehr gutes Passwort",
            "display_name": name,
        },
    )
    assert response.status_code == 302
    return client


def test_german_confirmation_mail_says_sie_and_names_the_site(db, settings):
    settings.SITE_NAME = "Tagblatt & Co"
    sign_up("de", "Neue Leserin")
    (message,) = mail.outbox
    assert message.subject == (
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )
    body = message.body
    assert "Tagblatt & Co" in body and "Mit freundlichen Grüßen\ndas Tagblatt & Co-Team" in body
    assert "Bitte bestätigen Sie die Adresse hier: http://testserver/" in body
    assert not re.search(r"(?<!//)testserver", body)  # the host only inside links
    for informal in (" du ", "Du ", " dein", "Dein", " dich", " dir "):
        assert informal not in body
    assert "&amp;" not in body


def test_english_confirmation_mail_names_the_site(db, settings):
    settings.SITE_NAME = "Tagblatt & Co"
    sign_up("en", "New Reader")
    (message,) = mail.outbox
    assert message.subject.endswith("Please confirm your e-mail address")
    body = message.body
    assert "register an account on Tagblatt & Co." in body
    assert "Kind regards\nthe Tagblatt & Co team" in body
    assert "Please confirm the address here: http://testserver/" in body
    assert not re.search(r"(?<!//)testserver", body)  # the host only inside links


def test_german_mail_for_a_taken_address_says_sie(db, settings, users):
    settings.SITE_NAME = "Tagblatt"
    client = Client()
    client.post(
        "/de/accounts/signup/",
        {
            "email": users["reader"].email,
            "password1": "ein sehr gutes Passwort",
            "password2": "ein sehr gutes Passwort",
            "display_name": "Jemand Neues",
        },
    )
    (message,) = mail.outbox
    assert "Ein Konto mit dieser Adresse besteht bereits" in message.body
    assert " du " not in message.body and " dein" not in message.body
