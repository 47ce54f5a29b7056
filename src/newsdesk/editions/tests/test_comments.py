"""Comments across languages: "Show translation" on demand, labelled, cached."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from newsdesk.community.actions import conversation_for_article
from newsdesk.community.models import Comment
from newsdesk.editions import workflow
from newsdesk.editions.comments import translate_comment
from newsdesk.editions.models import CommentTranslation, Edition
from newsdesk.translation.models import MemoryEntry

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "moderator", "editor", "admin")


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


def test_requests_are_limited_per_address(client, comment):
    for _number in range(30):
        assert client.get(f"/en/editions/comments/{comment.pk}/translation/").status_code == 200
    limited = client.get(f"/en/editions/comments/{comment.pk}/translation/")
    assert limited.status_code == 429 and limited.json()["error"]


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
