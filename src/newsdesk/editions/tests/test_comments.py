"""Comments across languages: "Show translation" on demand, labelled, cached."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from newsdesk.community.actions import conversation_for_article, conversation_for_url
from newsdesk.community.models import Comment
from newsdesk.editions import workflow
from newsdesk.editions.comments import translate_comment
from newsdesk.editions.models import CommentTranslation, Edition
from newsdesk.translation.models import MemoryEntry

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "moderator", "editor", "admin")
PARTNER = "https://partner.example"
SCRIPT = "editions/comment-translation.js"


@pytest.fixture
def comment(engine, publish, users):
    article = publish(headline="Die Stadt", slug="stadt")
    return Comment.objects.create(
        conversation=conversation_for_article(article),
        author=users["other_reader"],
        language="de",
        text="Die Schule ist neu.\nDer Bürgermeister sagte heute.",
        html="<p>Die Schule ist neu.</p>",
        text_digest="x",
    )


def add_comment(conversation, author, language: str, text: str, parent=None) -> Comment:
    return Comment.objects.create(
        conversation=conversation,
        author=author,
        language=language,
        text=text,
        html=f"<p>{text}</p>",
        text_digest=text,
        parent=parent,
        root=parent,
        depth=1 if parent else 0,
    )


@pytest.fixture
def partner_comment(settings, users):
    """A German comment in the discussion of a partner site's page (the embeddable widget)."""
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    conversation = conversation_for_url(f"{PARTNER}/bericht", title="Bericht")
    return add_comment(conversation, users["other_reader"], "de", "Die Schule ist neu.")


def test_a_comment_is_translated_once_and_cached(comment, engine):
    first = translate_comment(comment, "en")
    assert first.text == "The School is new.\nThe Mayor said today."
    assert first.model_version == "dummy:de-en@t1"
    calls = len(engine.calls)
    assert translate_comment(comment, "en").pk == first.pk
    assert len(engine.calls) == calls  # from the cache
    assert not MemoryEntry.objects.exists()  # readers' text stays out of the memory


def test_an_edited_comment_is_translated_again(comment, engine):
    translate_comment(comment, "en")
    comment.text = "Das Haus ist neu."
    comment.save()
    assert translate_comment(comment, "en").text == "The House is new."
    assert CommentTranslation.objects.count() == 1


def test_refusals(comment):
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already in that language"):
            translate_comment(comment, "de")
        with pytest.raises(ValidationError, match="Unknown language"):
            translate_comment(comment, "xx")
        comment.deleted_at = timezone.now()
        comment.save()
        with pytest.raises(ValidationError, match="deleted"):
            translate_comment(comment, "en")
    assert not CommentTranslation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_reader_can_ask_for_a_translation(client_for, comment, role):
    response = client_for(role).get(f"/en/editions/comments/{comment.pk}/translation/")
    assert response.status_code == 200
    data = response.json()
    assert data["text"] == "The School is new.\nThe Mayor said today."
    assert data["label"] == "Machine-translated from German"
    assert data["language"] == "en" and data["source_language"] == "de"


def test_endpoint_errors_are_json_with_a_message(client, comment, failing_engine):
    missing = client.get("/en/editions/comments/999999/translation/")
    assert missing.status_code == 404 and missing.json()["error"]
    same = client.get(f"/de/editions/comments/{comment.pk}/translation/")
    assert same.status_code == 400 and same.json()["error"]
    down = client.get(f"/en/editions/comments/{comment.pk}/translation/")
    # The engine's own message (it may name internal addresses) is logged, not sent.
    assert down.status_code == 503 and down.json()["error"]
    assert "engine is down" not in down.content.decode()
    assert client.post(f"/en/editions/comments/{comment.pk}/translation/").status_code == 405


def test_requests_are_limited_per_address(client, comment, monkeypatch):
    from newsdesk.core import counters

    # All inside one fixed window, wherever the clock's minute is.
    monkeypatch.setattr(counters, "_now", lambda: 1_800_000_030.0)
    for _number in range(30):
        assert client.get(f"/en/editions/comments/{comment.pk}/translation/").status_code == 200
    limited = client.get(f"/en/editions/comments/{comment.pk}/translation/")
    assert limited.status_code == 429 and limited.json()["error"]
    # Another address has its own count.
    other = client.get(f"/en/editions/comments/{comment.pk}/translation/", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_article_pages_carry_the_show_translation_script(client, comment, committed):
    article = comment.conversation.article
    page = client.get(f"/de/politik/{article.slug}/").content.decode()
    assert "editions/comment-translation.js" in page
    assert 'data-endpoint="/de/editions/comments/0/translation/"' in page
    committed(workflow.run_translation, Edition.objects.get(article=article).pk)
    edition_page = client.get(f"/en/politik/{article.slug}/").content.decode()
    assert 'data-show="Show translation"' in edition_page
    # The edition shares the original's thread: no second conversation.
    assert article.conversation.pk == comment.conversation_id


def test_permalink_page_carries_the_script_for_a_comment_in_another_language(client, comment):
    english = client.get(f"/en/community/comments/{comment.pk}/").content.decode()
    assert english.count(SCRIPT) == 1
    assert 'data-endpoint="/en/editions/comments/0/translation/"' in english
    assert 'data-from="de" data-show="Show translation" data-hide="Hide translation"' in english
    assert 'data-label="Machine-translated"' in english
    # The same German comment on the German page: nothing to translate, no script.
    german = client.get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert "Die Schule ist neu." in german and SCRIPT not in german


def test_permalink_page_in_german_has_german_labels_for_an_english_reply(client, comment, users):
    reply = add_comment(
        comment.conversation, users["reader"], "en", "The school is new.", parent=comment
    )
    page = client.get(f"/de/community/comments/{reply.pk}/").content.decode()
    assert 'data-endpoint="/de/editions/comments/0/translation/"' in page
    assert 'data-show="Übersetzung anzeigen" data-hide="Übersetzung ausblenden"' in page
    assert 'data-label="Maschinell übersetzt"' in page
    assert 'data-failed="Die Übersetzung ist gerade nicht verfügbar."' in page


def test_a_deleted_comment_in_another_language_brings_no_script(client, comment):
    comment.deleted_at = timezone.now()
    comment.save()
    assert SCRIPT not in client.get(f"/en/community/comments/{comment.pk}/").content.decode()


def test_widget_frame_carries_the_script_from_this_site(client, engine, partner_comment):
    response = client.get(f"/community/embed/?url={PARTNER}/bericht&lang=en")
    assert response.status_code == 200
    html = response.content.decode()
    # Served from this site (a path, not another origin): the frame's CSP allows only 'self'.
    assert re.search(r'<script src="/static/editions/comment-translation\.js" defer', html)
    assert 'data-endpoint="/en/editions/comments/0/translation/"' in html
    assert 'data-show="Show translation"' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert f"frame-ancestors {PARTNER}" in policy
    assert not response.cookies
    german = client.get(f"/community/embed/?url={PARTNER}/bericht&lang=de").content.decode()
    assert "Die Schule ist neu." in german and SCRIPT not in german


def test_the_frame_asks_the_endpoint_as_an_anonymous_reader_without_cookies(
    engine, partner_comment
):
    """What the script in the widget frame sends: no session, no cookie comes back."""
    response = Client().get(f"/en/editions/comments/{partner_comment.pk}/translation/")
    assert response.status_code == 200
    assert response.json()["text"] == "The School is new."
    assert not response.cookies


def test_discussion_page_carries_the_script_only_for_other_languages(
    client, engine, partner_comment
):
    url = f"/community/conversations/{partner_comment.conversation_id}/"
    english = client.get(f"/en{url}").content.decode()
    assert english.count(SCRIPT) == 1
    assert 'data-endpoint="/en/editions/comments/0/translation/"' in english
    german = client.get(f"/de{url}").content.decode()
    assert "Die Schule ist neu." in german and SCRIPT not in german


def test_show_translation_is_offered_only_when_the_engine_can_translate(client, comment, settings):
    """Issue 11 item 14: no button that can only answer "not available"."""
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["en-de"]},  # nothing into English
    }
    english = client.get(f"/en/community/comments/{comment.pk}/").content.decode()
    assert "Die Schule ist neu." in english and SCRIPT not in english
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["fr-en"]},  # into English, but not from German
    }
    page = client.get(f"/en/community/comments/{comment.pk}/").content.decode()
    assert 'data-from="fr"' in page  # the script adds buttons under French comments only
