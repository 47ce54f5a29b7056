"""Duplicate and flood checks compare texts in every script: different texts stay different,
trivial differences (case, spacing, Unicode normal form) do not count; old digests are
recomputed by a migration."""

from __future__ import annotations

import importlib
import unicodedata

import pytest
from django.apps import apps as global_apps

from newsdesk.community import actions
from newsdesk.community.comment_text import digest
from newsdesk.community.models import Comment

DIFFERENT = [
    ("👍", "🎉❤️"),
    ("😂", "🙏"),
    ("🤔", "👏"),
    ("?!", "!?"),
    ("?!", "?"),
    ("...", "…"),
    ("1+1=2", "11=2"),
    ("1,000", "1.000"),
    ("C++", "C#"),
    ("Das ist gut!", "Das ist gut?"),
    ("a_b", "ab"),
    # Devanagari: "kam" (less) and "kām" (work) differ only in the vowel sign ā.
    ("कम", "काम"),
    # Devanagari: "dil" and "dal", a vowel sign against none.
    ("दिल", "दल"),
    # Thai: "mai" with and without a tone mark, and two vowel signs.
    ("ไม้", "ไม"),
    ("กิน", "กัน"),
    # Hebrew points and Arabic harakat change the word read.
    ("كَتَبَ", "كُتُبٌ"),
    ("中文", "中方"),
    ("😂", "😂😂"),
]

SAME = [
    ("Das ist meine Meinung", "das ist MEINE meinung"),
    ("  Hallo Welt  ", "Hallo Welt"),
    ("Hallo   Welt", "Hallo Welt"),
    ("Hallo\n\nWelt", "Hallo Welt"),
    ("Hallo\u00a0Welt", "Hallo Welt"),
    ("Straße", "STRASSE"),
    ("👍", " 👍 "),
    ("hel\u200blo", "hello"),
    (unicodedata.normalize("NFC", "Café crème"), unicodedata.normalize("NFD", "Café crème")),
    (unicodedata.normalize("NFC", "ĂÂÎȘȚ"), unicodedata.normalize("NFD", "ăâîșț")),
]


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_different_texts_have_different_digests(first, second):
    assert digest(first) != digest(second)


@pytest.mark.parametrize(("first", "second"), SAME)
def test_trivial_differences_do_not_count(first, second):
    assert digest(first) == digest(second)


@pytest.mark.django_db
def test_one_reader_posts_different_emoji_and_punctuation(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    for text in ("👍", "🎉❤️", "?!", "1+1=2", "11=2", "कम", "काम", "ไม้", "ไม"):
        actions.do_post_comment(conversation, text_value=text, acting_user=users["reader"])
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(conversation, text_value=" 👍 ", acting_user=users["reader"])
    assert refused.value.code == "duplicate" and refused.value.status == 409
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            conversation,
            text_value=unicodedata.normalize("NFD", "Café"),
            acting_user=users["other_reader"],
        )
        actions.do_post_comment(conversation, text_value="café", acting_user=users["other_reader"])
    assert refused.value.code == "duplicate"


@pytest.mark.django_db
def test_four_readers_posting_four_emoji_are_no_flood(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    for role, text in zip(
        ("reader", "other_reader", "editor", "moderator"), ("😂", "🙏", "🤔", "👏"), strict=True
    ):
        actions.do_post_comment(conversation, text_value=text, acting_user=users[role])
    assert Comment.objects.filter(conversation=conversation).count() == 4
    # The same emoji three times is still a flood.
    actions.do_post_comment(conversation, text_value="😂", acting_user=users["admin"])
    actions.do_post_comment(conversation, text_value="😂", acting_user=users["editor"])
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(conversation, text_value="😂 ", acting_user=users["other_reader"])
    assert refused.value.code == "flood"


def test_the_migration_freezes_the_digest_of_this_version():
    migration = importlib.import_module("newsdesk.community.migrations.0008_recompute_text_digests")
    for first, second in DIFFERENT + SAME:
        assert migration.digest_keeping_every_character(first) == digest(first)
        assert migration.digest_keeping_every_character(second) == digest(second)


@pytest.mark.django_db
def test_the_migration_recomputes_old_digests_in_batches(users, article, monkeypatch):
    migration = importlib.import_module("newsdesk.community.migrations.0008_recompute_text_digests")
    monkeypatch.setattr(migration, "BATCH", 2)
    conversation = actions.conversation_for_article(article)
    texts = ["👍", "🎉❤️", "?!", "1+1=2", "11=2"]
    comments = [
        Comment.objects.create(
            conversation=conversation,
            author=users["reader"],
            text=text,
            html="",
            text_digest=migration.digest_of_letters_and_digits(text),
        )
        for text in texts
    ]
    # The old digests made these equal: that is the fault.
    assert len({comment.text_digest for comment in comments}) == 2
    migration.forwards(global_apps, None)
    stored = dict(Comment.objects.values_list("text", "text_digest"))
    assert stored == {text: digest(text) for text in texts}
    assert len(set(stored.values())) == 5
    # Again: nothing changes. Backwards gives the old digests back.
    migration.forwards(global_apps, None)
    assert dict(Comment.objects.values_list("text", "text_digest")) == stored
    migration.backwards(global_apps, None)
    assert dict(Comment.objects.values_list("text", "text_digest")) == {
        text: migration.digest_of_letters_and_digits(text) for text in texts
    }
