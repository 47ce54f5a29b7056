"""The demo fills the moderators' workspace: approved, held and removed comments, a warning."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from newsdesk.community.models import Comment
from newsdesk.moderation.demo import HELD_TEXT, REMOVED_TEXT, SLUG
from newsdesk.moderation.models import Case, Sanction, WordList

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_queue_and_is_idempotent(full_pipeline, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "demo"},
    }
    call_command("load_demo_content", verbosity=0)
    counts = sorted(Case.objects.values_list("queue", flat=True))
    call_command("load_demo_content", verbosity=0)  # again: nothing changes
    assert sorted(Case.objects.values_list("queue", flat=True)) == counts
    assert Comment.objects.get(text=HELD_TEXT).status == Comment.Status.PENDING
    removed = Comment.objects.get(text=REMOVED_TEXT)
    assert removed.status == Comment.Status.REJECTED and removed.status_note
    # This demo's article (the legal channels' demo has its cases on another one).
    here = Case.objects.filter(comment__conversation__article__slug=SLUG)
    queues = sorted(here.values_list("queue", flat=True))
    assert queues.count(Case.Queue.APPROVED) == 3
    assert Case.Queue.SYSTEM in queues and Case.Queue.REJECTED in queues
    assert Sanction.objects.filter(kind=Sanction.Kind.WARN).count() == 1
    assert WordList.objects.count() == 2
    others = Comment.objects.filter(conversation__article__slug=SLUG).exclude(
        text__in=[HELD_TEXT, REMOVED_TEXT]
    )
    assert others.count() == 3 and all(c.status == Comment.Status.VISIBLE for c in others)
