"""Staff changes to comments and profiles, removals and account deletions are in the trail."""

from __future__ import annotations

import pytest

from newsdesk.community import actions
from newsdesk.community.models import Comment
from newsdesk.core.audit import EventType, trail_of
from newsdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(users, article):
    conversation = actions.conversation_for_article(article)
    return actions.do_post_comment(
        conversation, text_value="Ein Kommentar", acting_user=users["reader"]
    )


def test_a_moderator_edits_a_comment_through_the_action_and_the_trail_keeps_both_texts(
    comment, users
):
    actions.do_edit_comment_as_staff(
        comment, text_value="Ein gekürzter Kommentar", acting_user=users["moderator"]
    )
    event = trail_of(comment).get(event_type=EventType.COMMENT_EDITED_BY_STAFF)
    assert event.actor == users["moderator"]
    assert event.old_value == {"text": "Ein Kommentar"}
    assert event.new_value == {"text": "Ein gekürzter Kommentar"}
    assert comment.revisions.get().text == "Ein Kommentar"


@pytest.mark.parametrize("role", ["reader", "other_reader", "editor"])
def test_only_moderators_edit_other_readers_comments(comment, users, role):
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_edit_comment_as_staff(comment, text_value="x y z", acting_user=users[role])
    assert refused.value.code == "forbidden" and refused.value.status == 403
    assert not trail_of(comment).exists()


def test_removal_by_the_author_and_by_a_moderator_is_recorded(comment, users, article):
    actions.do_delete_comment(comment, acting_user=users["reader"])
    own = trail_of(comment).get(event_type=EventType.COMMENT_DELETED)
    assert own.actor == users["reader"] and own.new_value["by_staff"] is False
    other = actions.do_post_comment(
        comment.conversation, text_value="Noch einer", acting_user=users["other_reader"]
    )
    actions.do_delete_comment(other, acting_user=users["moderator"])
    removed = trail_of(other).get(event_type=EventType.COMMENT_DELETED)
    assert removed.actor == users["moderator"] and removed.new_value["by_staff"] is True
    with pytest.raises(actions.CommentRefused):
        actions.do_delete_comment(other, acting_user=users["moderator"])  # already removed


def test_profile_changes_are_recorded_and_an_unchanged_save_is_not(users):
    profile = actions.profile_for(users["reader"])
    actions.do_update_profile(
        profile, display_name="Neuer Name", notify_replies=True, acting_user=users["reader"]
    )
    actions.do_update_profile(
        profile, display_name="Neuer Name", notify_replies=True, acting_user=users["reader"]
    )
    events = trail_of(profile).filter(event_type=EventType.PROFILE_CHANGED)
    assert events.count() == 1
    assert events.get().new_value["display_name"] == "Neuer Name"


def test_account_deletion_is_recorded_without_name_or_address(users, comment):
    user = users["reader"]
    user_id = user.pk
    actions.do_delete_account(user, acting_user=user)
    event = AuditEvent.objects.get(event_type=EventType.ACCOUNT_DELETED)
    assert event.new_value == {"account": user_id, "comments": 1}
    assert event.actor is None and event.target_label == ""
    assert "reader" not in str(event.new_value)


def test_the_back_office_removes_comments_through_the_action(client_for, comment):
    response = client_for("moderator").post(
        "/admin/community/comment/",
        {"action": "remove_selected", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_deleted and Comment.objects.filter(pk=comment.pk).exists()
    assert trail_of(comment).filter(event_type=EventType.COMMENT_DELETED).exists()
    # No hard delete from the back office.
    page = client_for("moderator").get(f"/admin/community/comment/{comment.pk}/delete/")
    assert page.status_code == 403
