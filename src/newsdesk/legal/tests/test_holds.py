"""Legal holds: placing and releasing them, what they cover, and who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newsdesk.community import actions as community
from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions.holds import place_hold, release_hold
from newsdesk.legal.holds import holds_for, holds_on
from newsdesk.legal.models import LegalHold

pytestmark = pytest.mark.django_db


def test_a_hold_on_a_comment_covers_it_and_not_the_authors_other_comments(
    comment: Any, users: dict[str, Any]
) -> None:
    other = community.do_post_comment(
        comment.conversation, text_value="Ein anderer Beitrag.", acting_user=users["reader"]
    )
    hold = place_hold(
        kind=LegalHold.Kind.NOTICE, reference="notice N-1", comment=comment, acting_user=None
    )
    assert list(holds_on(comment)) == [hold]
    assert list(holds_on(other)) == []
    assert list(holds_for(users["reader"])) == []
    event = AuditEvent.objects.get(event_type=EventType.HOLD_PLACED)
    assert event.new_value["comment"] == comment.pk and event.actor is None


def test_a_hold_on_an_account_covers_its_data_and_every_comment(
    comment: Any, users: dict[str, Any]
) -> None:
    hold = place_hold(
        kind=LegalHold.Kind.AUTHORITY_REQUEST,
        reference="request 7",
        account=users["reader"],
        acting_user=users["moderator"],
    )
    assert list(holds_for(users["reader"])) == [hold]
    assert list(holds_on(comment)) == [hold]
    assert list(holds_for(users["other_reader"])) == []


def test_a_hold_ends_when_released_or_when_its_time_is_up(
    comment: Any, users: dict[str, Any]
) -> None:
    until = clock.now() + dt.timedelta(days=10)
    timed = place_hold(
        kind=LegalHold.Kind.COMPLAINT,
        reference="complaint 1",
        comment=comment,
        until=until,
        acting_user=None,
    )
    other = place_hold(
        kind=LegalHold.Kind.NOTICE, reference="notice N-2", comment=comment, acting_user=None
    )
    assert set(holds_on(comment)) == {timed, other}
    assert list(holds_on(comment, now=until)) == [other]
    release_hold(other, acting_user=users["moderator"], note="decided")
    other.refresh_from_db()
    assert other.released_at is not None and other.released_by == users["moderator"]
    assert list(holds_on(comment)) == [timed]
    assert AuditEvent.objects.filter(event_type=EventType.HOLD_RELEASED).count() == 1
    with pytest.raises(ActionRefused) as refused:
        release_hold(other, acting_user=None)
    assert refused.value.code == "already_released"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "notice", "reference": "x"}, "nothing_to_hold"),
        ({"kind": "forever", "reference": "x", "with_comment": True}, "bad_kind"),
        ({"kind": "notice", "reference": " ", "with_comment": True}, "reference_needed"),
        ({"kind": "notice", "reference": "x", "with_comment": True, "past": True}, "bad_until"),
    ],
)
def test_bad_holds_are_refused(comment: Any, kwargs: dict[str, Any], code: str) -> None:
    kwargs = dict(kwargs)
    if kwargs.pop("with_comment", False):
        kwargs["comment"] = comment
    if kwargs.pop("past", False):
        kwargs["until"] = clock.now() - dt.timedelta(seconds=1)
    with pytest.raises(ActionRefused) as refused:
        place_hold(acting_user=None, **kwargs)
    assert refused.value.code == code
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_the_system_and_the_legal_team_place_and_release_holds(
    comment: Any, users: dict[str, Any], role: str
) -> None:
    with pytest.raises(ActionRefused) as refused:
        place_hold(kind="notice", reference="x", comment=comment, acting_user=users[role])
    assert refused.value.status == 403
    hold = place_hold(kind="notice", reference="x", comment=comment, acting_user=None)
    with pytest.raises(ActionRefused):
        release_hold(hold, acting_user=users[role])
    hold.refresh_from_db()
    assert hold.released_at is None
    assert not AuditEvent.objects.filter(event_type=EventType.HOLD_RELEASED).exists()


HOLDS_ROLES = {"anonymous": 302, "reader": 403, "moderator": 200, "editor": 403, "admin": 200}


@pytest.mark.parametrize(("role", "status"), HOLDS_ROLES.items())
def test_the_holds_page_is_for_the_legal_team(
    comment: Any, client_for: Any, role: str, status: int
) -> None:
    place_hold(kind="notice", reference="notice N-9", comment=comment, acting_user=None)
    response = client_for(role).get("/en/legal/holds/")
    assert response.status_code == status
    if status == 200:
        assert b"notice N-9" in response.content


@pytest.mark.parametrize(("role", "status"), HOLDS_ROLES.items())
def test_releasing_from_the_page(comment: Any, client_for: Any, role: str, status: int) -> None:
    hold = place_hold(kind="notice", reference="notice N-9", comment=comment, acting_user=None)
    response = client_for(role).post(f"/en/legal/holds/{hold.pk}/release/", {"note": "done"})
    hold.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert hold.released_at is not None
    else:
        assert response.status_code == status
        assert hold.released_at is None
        assert not AuditEvent.objects.filter(event_type=EventType.HOLD_RELEASED).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    {"anonymous": "login", "reader": 403, "moderator": 405, "editor": 403, "admin": 405}.items(),
)
def test_a_get_of_releasing_refuses_outsiders_first(
    comment: Any, client_for: Any, role: str, expected: int | str
) -> None:
    """Outsiders are refused before the method is looked at; the team gets 405."""
    hold = place_hold(kind="notice", reference="notice N-9", comment=comment, acting_user=None)
    response = client_for(role).get(f"/en/legal/holds/{hold.pk}/release/")
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected
    hold.refresh_from_db()
    assert hold.released_at is None


def test_the_holds_page_is_gone_when_data_rights_are_off(client_for: Any, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["data_rights"]
    assert client_for("moderator").get("/en/legal/holds/").status_code == 404
