"""What a review of the moderation change found, kept as tests: held and removed text never
reaches people who may not read it, decisions are taken on what the moderator saw, and
counts stay right when authors and moderators act at the same time."""

from __future__ import annotations

import pytest
from django.core import mail

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.community.tasks import notify_reply
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent
from newsdesk.moderation import actions
from newsdesk.moderation.learning import site_examples
from newsdesk.moderation.models import Case, ModerationPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspect(settings, users):
    """Screening holds comments with the word "verdacht"."""
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.BannedTerms"},
        {"CLASS": "newsdesk.moderation.screening.SuspectTerms"},
        {"CLASS": "newsdesk.moderation.screening.Links"},
        {"CLASS": "newsdesk.moderation.screening.Premoderation"},
    ]
    actions.do_change_word_list("suspect", source="verdacht\n", acting_user=users["moderator"])


@pytest.mark.parametrize("role", ["anonymous", "other_reader", "editor"])
def test_the_edit_history_of_a_removed_comment_is_not_public(
    post, users, reasons, client_for, role
):
    comment = post("Erste Fassung: Schwachkopf")
    community.do_edit_comment(comment, text_value="Zweite Fassung", acting_user=users["reader"])
    actions.do_reject_comment(comment, reason=reasons["insult"], acting_user=users["moderator"])
    page = client_for(role).get(f"/en/community/comments/{comment.pk}/").content.decode()
    assert "Schwachkopf" not in page and "Zweite Fassung" not in page
    own = client_for("reader").get(f"/en/community/comments/{comment.pk}/").content.decode()
    assert "Schwachkopf" in own  # the author keeps their history


def test_an_approval_refers_to_the_text_the_moderator_saw(post, users, suspect):
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    comment = post("Harmlos und freundlich")
    seen = f"{comment.status}:{comment.text_digest}"
    community.do_edit_comment(comment, text_value="Ganz anderer Text", acting_user=users["reader"])
    with pytest.raises(ActionRefused) as refused:
        actions.do_approve_comment(comment, acting_user=users["moderator"], expected=seen)
    assert refused.value.code == "changed"
    comment.refresh_from_db()
    assert comment.is_pending


def test_a_reply_mail_never_carries_held_text(post, users, suspect):
    root = post("Wurzel", author="other_reader")
    reply = post("Nette Antwort", parent=root)
    community.do_edit_comment(reply, text_value="Gemeiner verdacht", acting_user=users["reader"])
    assert notify_reply.call(reply.pk) is False
    assert not any("verdacht" in message.body for message in mail.outbox)


def test_a_visible_reply_keeps_its_page_and_thread_when_its_root_is_held(
    post, users, client_for, suspect
):
    root = post("Ein harmloser Anfang")
    reply = post("Eine Antwort", author="other_reader", parent=root)
    community.do_edit_comment(root, text_value="Jetzt verdacht", acting_user=users["reader"])
    for role in ("anonymous", "other_reader"):
        page = client_for(role).get(f"/en/community/comments/{reply.pk}/")
        assert page.status_code == 200
        assert "Eine Antwort" in page.content.decode()
        assert "Jetzt verdacht" not in page.content.decode()
    thread = (
        client_for("anonymous")
        .get(f"/api/community/threads?article={root.conversation.article_id}")
        .json()
    )
    (shown,) = thread["comments"]
    assert shown["status"] == "pending" and shown["html"] == "" and shown["author"] is None
    assert [child["html"] for child in shown["replies"]] == ["<p>Eine Antwort</p>"]


def test_an_edit_after_a_removal_cannot_bring_the_comment_back(post, users, reasons, suspect):
    post("Andere Meinung", author="other_reader")
    comment = post("Text eins")
    stale = Comment.objects.get(pk=comment.pk)  # the author's page loaded it before
    actions.do_reject_comment(comment, reason=reasons["insult"], acting_user=users["moderator"])
    with pytest.raises(community.CommentRefused) as refused:
        community.do_edit_comment(stale, text_value="Text verdacht", acting_user=users["reader"])
    assert refused.value.code == "removed"
    comment.refresh_from_db()
    comment.conversation.refresh_from_db()
    assert (comment.status, comment.conversation.comment_count) == ("rejected", 1)


def test_a_delete_after_an_approval_counts_right(post, users):
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    comment = post("Wartet")
    stale = Comment.objects.get(pk=comment.pk)
    actions.do_approve_comment(comment, acting_user=users["moderator"])
    community.do_delete_comment(stale, acting_user=users["reader"])
    comment.conversation.refresh_from_db()
    assert comment.conversation.comment_count == 0


@pytest.mark.parametrize("held_by", ["screening", "moderator"])
def test_nobody_replies_to_a_held_or_removed_comment(post, users, reasons, suspect, held_by):
    if held_by == "screening":
        parent = post("verdacht hier")
    else:
        parent = post("Wird entfernt")
        actions.do_reject_comment(parent, reason=reasons["insult"], acting_user=users["moderator"])
    with pytest.raises(community.CommentRefused) as refused:
        post("Antwort", author="other_reader", parent=parent)
    assert refused.value.code == "parent_unavailable"
    parent.conversation.refresh_from_db()
    assert parent.conversation.comment_count == 0


def test_a_reply_is_announced_once(post, users, suspect, django_capture_on_commit_callbacks):
    root = post("Wurzel", author="other_reader")
    with django_capture_on_commit_callbacks(execute=False) as first:
        reply = post("Antwort", parent=root)
    assert len(first) >= 1
    community.do_edit_comment(reply, text_value="Antwort verdacht", acting_user=users["reader"])
    reply.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_approve_comment(reply, acting_user=users["moderator"])
    assert notify_reply.call(reply.pk) is True  # the mail itself still works
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=False) as again:
        community.apply_comment_status(reply, status="visible")
    assert not again and len(mail.outbox) == sent_before


def test_bare_domains_count_as_links(settings, post):
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": {"allowed": 0}}
    ]
    comment = post("Billige Pillen auf cheap-pills.com kaufen")
    assert "<a " in comment.html and comment.status == "pending"
    assert Case.objects.get(comment=comment).holds[0]["evidence"] == {"links": 1}


def test_deleting_an_account_leaves_no_comment_text_in_the_trail(post, users, suspect):
    comment = post("Mein persoenlicher verdacht Text, siehe meine-seite.example/ich")
    assert comment.status == "pending"
    community.do_delete_account(users["reader"], acting_user=users["reader"])
    for label, old, new in AuditEvent.objects.values_list("target_label", "old_value", "new_value"):
        assert "persoenlicher" not in label + str(old) + str(new)
        assert "meine-seite" not in label + str(old) + str(new)


def test_sanctioned_readers_cannot_rename_themselves_and_names_are_screened(post, users, reasons):
    actions.do_change_word_list("banned", source="*idiot\n", acting_user=users["moderator"])
    profile = community.profile_for(users["other_reader"])
    with pytest.raises(community.CommentRefused) as refused:
        community.do_update_profile(
            profile,
            display_name="Der Vollidiot",
            notify_replies=False,
            acting_user=users["other_reader"],
        )
    assert refused.value.code == "bad_name"
    actions.do_impose_sanction(
        users["reader"], kind="ban", reason=reasons["insult"], acting_user=users["moderator"]
    )
    with pytest.raises(community.CommentRefused) as refused:
        community.do_update_profile(
            community.profile_for(users["reader"]),
            display_name="Neuer Name",
            notify_replies=False,
            acting_user=users["reader"],
        )
    assert refused.value.code == "banned"


def test_training_leaves_out_text_edited_after_the_decision(post, users):
    comment = post("Freundlich")
    actions.do_approve_comment(comment, acting_user=users["moderator"])
    other = post("Unverändert freundlich", author="other_reader")
    actions.do_approve_comment(other, acting_user=users["moderator"])
    community.do_edit_comment(comment, text_value="Ganz anders", acting_user=users["reader"])
    texts = [text for text, _label, _weight in site_examples()]
    assert texts == ["Unverändert freundlich"]


def test_voting_on_a_held_comment_says_so(post, users, suspect):
    comment = post("verdacht")
    with pytest.raises(community.CommentRefused) as refused:
        community.do_vote(comment, value=1, acting_user=users["other_reader"])
    assert refused.value.code == "not_visible"
