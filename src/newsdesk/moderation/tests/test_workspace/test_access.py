"""Every workspace page for every role: moderators and admins in, anonymous visitors to the
login, readers and editors refused; no changing view changes anything for the refused."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.community.models import Comment
from newsdesk.core.models import AuditEvent
from newsdesk.moderation.models import Case, Sanction, TrustedReader, WordList

pytestmark = pytest.mark.django_db

REFUSED = ["anonymous", "reader", "editor"]
ALLOWED = ["moderator", "admin"]


@pytest.fixture
def world(post: Any, reasons: Any, users: dict[str, Any]) -> dict[str, Any]:
    comment = post("Ein Kommentar zum Budget")
    other = post("Noch einer", role="other_reader")
    sanction = Sanction.objects.create(
        user=users["other_reader"],
        kind=Sanction.Kind.BAN,
        reason=reasons["insult"],
        starts_at=comment.created_at,
    )
    return {"comment": comment, "other": other, "sanction": sanction, "users": users}


def pages(world: dict[str, Any]) -> list[str]:
    comment, reader = world["comment"], world["users"]["reader"]
    return [
        "/en/moderation/",
        "/en/moderation/queues/pending/",
        "/en/moderation/queues/system/",
        "/en/moderation/queues/reported/",
        "/en/moderation/queues/approved/",
        "/en/moderation/queues/rejected/",
        "/en/moderation/queues/all/?q=Budget",
        "/en/moderation/counts/",
        f"/en/moderation/comments/{comment.pk}/",
        f"/en/moderation/comments/{comment.pk}/?fragment=1",
        f"/en/moderation/readers/{reader.pk}/",
        "/en/moderation/word-lists/",
        "/en/moderation/audit/",
        "/en/moderation/audit/?format=csv",
        "/en/moderation/audit/?format=json",
        "/en/moderation/",
    ]


def changes(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    comment, other, users = world["comment"], world["other"], world["users"]
    reader = users["reader"]
    return [
        (f"/en/moderation/comments/{comment.pk}/approve/", {"expected": "pending"}),
        (
            f"/en/moderation/comments/{comment.pk}/reject/",
            {"expected": "pending", "reason": "insult"},
        ),
        (
            "/en/moderation/comments/bulk/",
            {"decision": "approve", "selected": [f"{comment.pk}:pending", f"{other.pk}:pending"]},
        ),
        (f"/en/moderation/readers/{reader.pk}/sanctions/", {"kind": "ban", "reason": "insult"}),
        (f"/en/moderation/readers/{reader.pk}/trust/", {"trusted": "1"}),
        (f"/en/moderation/sanctions/{world['sanction'].pk}/lift/", {}),
        ("/en/moderation/word-lists/", {"kind": "banned", "banned-source": "idiot\n"}),
    ]


def state() -> tuple[Any, ...]:
    """Everything the workspace's forms could change."""
    return (
        sorted(Comment.objects.values_list("pk", "status", "status_note")),
        sorted(Case.objects.values_list("pk", "queue", "decided_by_id", "reason_id")),
        sorted(Sanction.objects.values_list("pk", "kind", "lifted_at")),
        sorted(TrustedReader.objects.values_list("user_id", flat=True)),
        sorted(WordList.objects.values_list("kind", "source")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("role", REFUSED + ALLOWED)
def test_every_page_lets_in_only_moderators(client_for, world, role):
    client = client_for(role)
    for url in pages(world):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/?next="), url
        elif role in REFUSED:
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_every_changing_view_refuses_non_moderators_and_changes_nothing(client_for, world, role):
    client = client_for(role)
    before = state()
    for url, data in changes(world):
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
        else:
            assert response.status_code == 403, url
        assert state() == before, url
    # The script's JSON requests are refused the same way.
    response = client.post(
        changes(world)[0][0], {"expected": "pending"}, headers={"Accept": "application/json"}
    )
    assert response.status_code in (302, 403)
    assert state() == before


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("role", ALLOWED)
def test_moderators_and_admins_may_change(client_for, world, role, index):
    url, data = changes(world)[index]
    before = state()
    response = client_for(role).post(url, data)
    assert response.status_code == 302, response.content[:300]
    after = state()
    assert after != before
    assert after[-1] == before[-1] + (2 if "bulk" in url else 1)  # audit rows


def test_changing_views_only_take_post(client_for, world):
    client = client_for("moderator")
    for url, _data in changes(world):
        if "word-lists" in url:
            continue  # the word lists' page is also read with GET
        assert client.get(url).status_code == 405, url


def test_unknown_queue_and_missing_things_are_404(client_for):
    client = client_for("moderator")
    assert client.get("/en/moderation/queues/nonsense/").status_code == 404
    assert client.get("/en/moderation/comments/999999/").status_code == 404
    assert client.get("/en/moderation/readers/999999/").status_code == 404
    assert client.post("/en/moderation/comments/999999/approve/").status_code == 404
    assert client.post("/en/moderation/sanctions/999999/lift/").status_code == 404
