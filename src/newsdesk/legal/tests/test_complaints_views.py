"""The complaint pages for every role: the complainant's page (reader, notifier with a token),
the moderators' queue, complaint page and decision; refusals keep the text; parts off."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.models import AuditEvent
from newsdesk.legal.actions.complaints import do_file_complaint
from newsdesk.legal.models import Complaint, Notice
from newsdesk.legal.tests.test_complaints_make import make_notice, make_statement
from newsdesk.moderation import actions as moderation

VIENNA = ZoneInfo("Europe/Vienna")
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.fixture
def world(comment: Comment, insult: Any, users: dict[str, Any]) -> dict[str, Any]:
    moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    statement = make_statement(
        users["reader"], comment=comment, decided_by=users["moderator"], sent_at=clock.now()
    )
    notice = make_notice(
        comment=comment,
        email="n@example.org",
        outcome=Notice.Outcome.NO_ACTION,
        decided_by=users["moderator"],
        token="tok-abc",
    )
    return {"statement": statement, "notice": notice, "comment": comment}


def state() -> tuple[Any, ...]:
    return (
        sorted(Complaint.objects.values_list("pk", "status", "decided_by_id", "answer")),
        sorted(Comment.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


def test_the_statement_page_for_every_role(world: dict[str, Any], client_for: Any) -> None:
    url = f"/en/legal/statements/{world['statement'].pk}/complaint/"
    expected = {"anonymous": 302, "reader": 200, "moderator": 403, "editor": 403, "admin": 403}
    for role in ROLES:
        response = client_for(role).get(url)
        assert response.status_code == expected[role], role
        if response.status_code == 403:
            page = response.content.decode()
            assert "Only the reader this statement" in page
            assert world["statement"].puid not in page  # nothing about the decision
    page = client_for("reader").get(url).content.decode()
    assert "Send the complaint" in page and world["statement"].puid in page


def test_posting_as_anyone_but_the_reader_files_nothing(
    world: dict[str, Any], client_for: Any
) -> None:
    url = f"/en/legal/statements/{world['statement'].pk}/complaint/"
    before = state()
    for role in ["anonymous", "moderator", "editor", "admin"]:
        response = client_for(role).post(url, {"text": "Hm."})
        assert response.status_code in (302, 403), role
        if role == "anonymous":
            assert "/login" in response["Location"]
    assert state() == before


def test_the_reader_files_and_sees_the_status(world: dict[str, Any], client_for: Any) -> None:
    url = f"/en/legal/statements/{world['statement'].pk}/complaint/"
    client = client_for("reader")
    response = client.post(url, {"text": "It was a quote."})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Your complaint has arrived" in page and "It was a quote." in page
    assert "open" in page and "Send the complaint" not in page
    again = client.post(url, {"text": "Once more."})
    assert again.status_code == 409 and Complaint.objects.count() == 1


def test_after_the_window_the_reader_is_told_and_keeps_the_text(
    world: dict[str, Any], client_for: Any
) -> None:
    statement = world["statement"]
    statement.sent_at = dt.datetime(2026, 3, 15, 10, 0, tzinfo=VIENNA)
    statement.save(update_fields=["sent_at"])
    clock.set_now(dt.datetime(2026, 9, 16, 0, 0, 1, tzinfo=VIENNA))
    url = f"/en/legal/statements/{statement.pk}/complaint/"
    page = client_for("reader").get(url).content.decode()
    assert 'data-refusal="window_closed"' in page and "Send the complaint" not in page
    response = client_for("reader").post(url, {"text": "My long careful text."})
    assert response.status_code == 403
    page = response.content.decode()
    assert "could be filed until" in page and "My long careful text." in page
    assert not Complaint.objects.exists()


def test_a_notifier_without_an_account_complains_with_the_token(
    world: dict[str, Any], client_for: Any
) -> None:
    reference = world["notice"].reference
    url = f"/en/legal/notices/{reference}/complaint/"
    assert client_for("anonymous").get(url).status_code == 403
    assert client_for("anonymous").get(url + "?token=wrong").status_code == 403
    assert client_for("reader").get(url).status_code == 403
    page = client_for("anonymous").get(url + "?token=tok-abc")
    assert page.status_code == 200 and reference in page.content.decode()
    response = client_for("anonymous").post(url, {"text": "Still an insult.", "token": "tok-abc"})
    assert response.status_code == 302 and response["Location"] == url + "?token=tok-abc"
    complaint = Complaint.objects.get()
    assert complaint.notice == world["notice"] and complaint.complainant_email == "n@example.org"
    assert client_for("anonymous").get("/en/legal/notices/nope/complaint/").status_code == 404


@pytest.fixture
def filed(world: dict[str, Any], users: dict[str, Any]) -> Complaint:
    return do_file_complaint(world["statement"], text="Irony!", acting_user=users["reader"])


def test_the_team_pages_for_every_role(filed: Complaint, client_for: Any) -> None:
    expected = {"anonymous": 302, "reader": 403, "moderator": 200, "editor": 403, "admin": 200}
    for url in [
        "/en/legal/complaints/",
        "/en/legal/complaints/?status=all",
        f"/en/legal/complaints/{filed.pk}/",
    ]:
        for role in ROLES:
            assert client_for(role).get(url).status_code == expected[role], (url, role)
    queue = client_for("admin").get("/en/legal/complaints/").content.decode()
    assert f"/en/legal/complaints/{filed.pk}/" in queue
    # The moderator decided the removal: the page says another must decide.
    page = client_for("moderator").get(f"/en/legal/complaints/{filed.pk}/").content.decode()
    assert 'data-refusal="same_moderator"' in page and "Irony!" in page
    page = client_for("admin").get(f"/en/legal/complaints/{filed.pk}/").content.decode()
    assert "Decide" in page and 'data-refusal="same_moderator"' not in page


def test_deciding_is_refused_for_every_role_that_may_not(filed: Complaint, client_for: Any) -> None:
    url = f"/en/legal/complaints/{filed.pk}/decide/"
    data = {"decision": "upheld", "answer": "You are right."}
    before = state()
    for role, status in [
        ("anonymous", 302),
        ("reader", 403),
        ("editor", 403),
        ("moderator", 403),  # the one who decided the removal
    ]:
        assert client_for(role).post(url, data).status_code == status, role
    assert state() == before
    response = client_for("admin").post(url, {"decision": "upheld", "answer": ""})
    assert response.status_code == 400 and state() == before
    response = client_for("admin").post(url, data)
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Complaint.Status.UPHELD
    assert Comment.objects.get(pk=filed.statement.comment_id).status == Comment.Status.VISIBLE


def test_switched_off_every_complaint_page_is_gone(
    filed: Complaint, world: dict[str, Any], client_for: Any, settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["complaints"]
    urls = [
        f"/en/legal/statements/{world['statement'].pk}/complaint/",
        f"/en/legal/notices/{world['notice'].reference}/complaint/?token=tok-abc",
        "/en/legal/complaints/",
        f"/en/legal/complaints/{filed.pk}/",
    ]
    for role in ROLES:
        for url in urls:
            assert client_for(role).get(url).status_code == 404, (role, url)
        assert (
            client_for(role)
            .post(
                f"/en/legal/complaints/{filed.pk}/decide/", {"decision": "rejected", "answer": "x"}
            )
            .status_code
            == 404
        )
    assert Complaint.objects.get().status == Complaint.Status.OPEN
