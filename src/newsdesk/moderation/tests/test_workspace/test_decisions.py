"""Approving and rejecting through the workspace, one by one and in bulk, with the refusals a
moderator meets: an unknown reason, a comment someone else decided first, a bad selection."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from newsdesk.community.models import Comment
from newsdesk.core.models import AuditEvent
from newsdesk.moderation import actions
from newsdesk.moderation.models import Case

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def held(post) -> list[Comment]:
    return [post(f"Kommentar {number}") for number in range(3)]


def test_approve_publishes_and_returns_to_the_queue(client_for, held):
    comment = held[0]
    response = client_for("moderator").post(
        f"/en/moderation/comments/{comment.pk}/approve/",
        {"expected": "pending", "next": "/en/moderation/queues/pending/?page=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/moderation/queues/pending/?page=1"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    case = Case.objects.get(comment=comment)
    assert case.queue == Case.Queue.APPROVED and case.decided_by.username == "moderator"
    event = AuditEvent.objects.filter(event_type="comment.approved").get()
    assert event.actor.username == "moderator"
    assert messages_of(response) == [f"Comment #{comment.pk} approved."]


def test_next_must_stay_on_this_site(client_for, held):
    response = client_for("moderator").post(
        f"/en/moderation/comments/{held[0].pk}/approve/",
        {"expected": "pending", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/en/moderation/queues/pending/"


def test_reject_with_a_reason_tells_the_author_why(client_for, held, reasons):
    comment = held[0]
    response = client_for("moderator").post(
        f"/en/moderation/comments/{comment.pk}/reject/",
        {"expected": "pending", "reason": "insult", "note": "Bitte sachlich bleiben."},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.status_note == (
        "Beleidigungen verstoßen gegen Punkt 2 der Netiquette.\n\nBitte sachlich bleiben."
    )
    case = Case.objects.get(comment=comment)
    assert case.reason == reasons["insult"] and case.note == "Bitte sachlich bleiben."


def test_the_script_gets_json_with_the_new_counts(client_for, held, reasons):
    response = client_for("moderator").post(
        f"/en/moderation/comments/{held[0].pk}/reject/",
        {"expected": "pending", "reason": "spam"},
        headers=JSON,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "rejected" and data["comment"] == held[0].pk
    assert data["counts"]["pending"] == 2 and data["counts"]["rejected"] == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("nonsense", "“nonsense” is not one of the team's reasons; choose one from the list."),
        ("retired", "“retired” is not one of the team's reasons; choose one from the list."),
        ("", "Choose one of the reasons."),
    ],
)
def test_reject_refuses_an_unknown_reason_and_changes_nothing(
    client_for, held, reasons, code, message
):
    comment = held[0]
    before = AuditEvent.objects.count()
    client = client_for("moderator")
    response = client.post(
        f"/en/moderation/comments/{comment.pk}/reject/", {"expected": "pending", "reason": code}
    )
    assert response.status_code == 302
    assert messages_of(response) == [message]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert AuditEvent.objects.count() == before
    as_json = client.post(
        f"/en/moderation/comments/{comment.pk}/reject/",
        {"expected": "pending", "reason": code},
        headers=JSON,
    )
    assert as_json.status_code == 400
    assert as_json.json()["message"] == message


def test_the_second_moderator_learns_who_decided_first(client_for, held, reasons):
    comment = held[0]
    # Both pages showed the comment as pending; the moderator approves first.
    client_for("moderator").post(
        f"/en/moderation/comments/{comment.pk}/approve/", {"expected": "pending"}
    )
    before = AuditEvent.objects.count()
    second = client_for("admin")
    response = second.post(
        f"/en/moderation/comments/{comment.pk}/reject/", {"expected": "pending", "reason": "spam"}
    )
    assert response.status_code == 302
    (message,) = messages_of(response)
    # The time in the page's language (English here), in the site's time zone.
    assert message.startswith("moderator already decided on this comment (approved, 11/27/2026")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert AuditEvent.objects.count() == before
    # The script gets the refusal as JSON, then reloads the item, which shows the decision.
    refused = second.post(
        f"/en/moderation/comments/{comment.pk}/approve/", {"expected": "pending"}, headers=JSON
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "already_decided"
    assert "moderator already decided" in refused.json()["message"]
    item = second.get(f"/en/moderation/comments/{comment.pk}/?fragment=1").content.decode()
    assert item.lstrip().startswith('<li class="ws-item ws-item--visible"')
    assert "by moderator" in item


def test_a_comment_deleted_by_its_author_is_not_decided(client_for, held, users):
    from newsdesk.community import actions as community

    community.do_delete_comment(held[0], acting_user=users["reader"])
    response = client_for("moderator").post(
        f"/en/moderation/comments/{held[0].pk}/approve/", {"expected": "pending"}
    )
    assert messages_of(response) == ["The author deleted this comment."]


def test_bulk_approve_reports_each_refusal(client_for, held, users):
    first, second, third = held
    actions.do_approve_comment(second, acting_user=users["admin"])
    response = client_for("moderator").post(
        "/en/moderation/comments/bulk/",
        {
            "decision": "approve",
            "selected": [f"{first.pk}:pending", f"{second.pk}:pending", f"{third.pk}:pending"],
        },
    )
    assert response.status_code == 302
    texts = messages_of(response)
    assert texts[0] == "2 comments approved."
    assert texts[1].startswith(f"Comment #{second.pk}: admin already decided on this comment")
    assert [c.status for c in Comment.objects.filter(pk__in=[first.pk, third.pk])] == [
        "visible",
        "visible",
    ]
    assert Case.objects.get(comment=second).decided_by == users["admin"]


def test_bulk_reject_with_a_reason(client_for, held, reasons):
    response = client_for("moderator").post(
        "/en/moderation/comments/bulk/",
        {"decision": "reject", "reason": "spam", "selected": [f"{c.pk}:pending" for c in held]},
        headers=JSON,
    )
    assert response.status_code == 200
    data = response.json()
    assert sorted(data["done"]) == sorted(c.pk for c in held) and data["refused"] == []
    assert set(Comment.objects.values_list("status", flat=True)) == {"rejected"}
    assert AuditEvent.objects.filter(event_type="comment.rejected").count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "reject", "reason": "nonsense"}, "“nonsense” is not one of the team's"),
        ({"decision": "reject", "reason": ""}, "Choose one of the reasons."),
        ({"decision": "approve", "selected": []}, "Select at least one comment."),
        ({"decision": "approve", "selected": ["1;pending"]}, "The selection is not valid"),
        ({"decision": "approve", "selected": ["1:maybe"]}, "The selection is not valid"),
        ({"decision": "delete"}, "Select a valid choice."),
    ],
)
def test_bulk_refuses_bad_input_and_changes_nothing(client_for, held, reasons, data, message):
    data = {"selected": [f"{c.pk}:pending" for c in held], **data}
    before = AuditEvent.objects.count()
    response = client_for("moderator").post("/en/moderation/comments/bulk/", data)
    assert response.status_code == 302
    (text,) = messages_of(response)
    assert text.startswith(message)
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    assert AuditEvent.objects.count() == before


def test_bulk_reports_a_comment_that_is_gone(client_for, held):
    response = client_for("moderator").post(
        "/en/moderation/comments/bulk/",
        {"decision": "approve", "selected": [f"{held[0].pk}:pending", "999999:pending"]},
    )
    assert messages_of(response) == [
        "1 comment approved.",
        "Comment #999999: This comment no longer exists.",
    ]
