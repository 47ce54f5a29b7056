"""A reader's page: sanctions imposed (end in the site's time zone) and lifted, trust given
and taken back, and the refusals a moderator meets on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages

from newsdesk.core.models import AuditEvent
from newsdesk.moderation.models import Sanction, TrustedReader

from .conftest import NOW, VIENNA

pytestmark = pytest.mark.django_db


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def url(user: Any, tail: str = "") -> str:
    return f"/en/moderation/readers/{user.pk}/{tail}"


def test_mute_until_a_time_in_the_sites_time_zone(client_for, users, reasons):
    reader = users["reader"]
    response = client_for("moderator").post(
        url(reader, "sanctions/"),
        {
            "kind": "mute",
            "reason": "insult",
            "ends_at": "2026-12-01T18:30",
            "note": "Drei Tage Pause.",
            "next": "/en/moderation/queues/pending/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/moderation/queues/pending/"
    sanction = Sanction.objects.get(user=reader)
    assert sanction.kind == "mute" and sanction.reason == reasons["insult"]
    assert sanction.ends_at == dt.datetime(2026, 12, 1, 18, 30, tzinfo=VIENNA)
    assert sanction.created_by == users["moderator"] and sanction.note == "Drei Tage Pause."
    assert AuditEvent.objects.filter(event_type="sanction.imposed").count() == 1
    page = client_for("moderator").get(url(reader)).content.decode()
    # Shown in the site's time zone (18:30 in Vienna, 17:30 UTC), English format on /en/.
    assert "12/01/2026 6:30 p.m." in page and "in force" in page


def test_ban_without_an_end(client_for, users, reasons):
    response = client_for("admin").post(
        url(users["reader"], "sanctions/"), {"kind": "ban", "reason": "spam"}
    )
    assert response.status_code == 302
    assert Sanction.objects.get(user=users["reader"]).ends_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "mute", "reason": "insult", "ends_at": "2026-11-27T13:59"},
            "The end of a sanction must be in the future.",
        ),
        ({"kind": "suspend", "reason": "insult"}, "Muting and suspending need an end date."),
        ({"kind": "ban", "reason": "nonsense"}, "“nonsense” is not one of the team's reasons"),
        ({"kind": "ban", "reason": "retired"}, "“retired” is not one of the team's reasons"),
        ({"kind": "exile", "reason": "insult"}, "Measure: Select a valid choice."),
        ({"kind": "mute", "reason": "insult", "ends_at": "morgen"}, "Until: Enter a valid"),
    ],
)
def test_refused_sanctions_keep_the_form_and_change_nothing(
    client_for, users, reasons, data, message
):
    before = AuditEvent.objects.count()
    response = client_for("moderator").post(
        url(users["reader"], "sanctions/"), {**data, "note": "Mein Text bleibt."}
    )
    assert response.status_code in (400, 403)
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html or message in html
    assert "Mein Text bleibt.</textarea>" in html
    assert not Sanction.objects.exists()
    assert AuditEvent.objects.count() == before


def test_staff_accounts_are_not_sanctioned(client_for, users, reasons):
    response = client_for("moderator").post(
        url(users["editor"], "sanctions/"), {"kind": "ban", "reason": "insult"}
    )
    assert response.status_code == 400
    assert "Sanctions are for readers, not staff accounts." in response.content.decode()


def test_the_page_lists_sanctions_in_force_and_past_and_lifts_them(client_for, users, reasons):
    reader = users["reader"]
    past = Sanction.objects.create(
        user=reader,
        kind=Sanction.Kind.MUTE,
        reason=reasons["spam"],
        starts_at=NOW - dt.timedelta(days=10),
        ends_at=NOW - dt.timedelta(days=3),
    )
    current = Sanction.objects.create(
        user=reader, kind=Sanction.Kind.BAN, reason=reasons["insult"], starts_at=NOW
    )
    client = client_for("moderator")
    html = client.get(url(reader)).content.decode()
    assert "Werbung" in html and "Beleidigung" in html
    assert "ended" in html and "in force" in html
    assert f"/en/moderation/sanctions/{current.pk}/lift/" in html
    response = client.post(f"/en/moderation/sanctions/{current.pk}/lift/")
    assert response.status_code == 302 and response["Location"] == url(reader)
    current.refresh_from_db()
    assert current.lifted_by == users["moderator"]
    assert messages_of(response) == ["The sanction was lifted."]
    again = client.post(f"/en/moderation/sanctions/{current.pk}/lift/")
    assert messages_of(again)[-1] == "This sanction was lifted already."
    assert AuditEvent.objects.filter(event_type="sanction.lifted").count() == 1
    assert past.pk  # still listed, not liftable twice
    assert "lifted" in client.get(url(reader)).content.decode()


def test_trust_and_take_it_back(client_for, users):
    reader = users["reader"]
    client = client_for("moderator")
    response = client.post(url(reader, "trust/"), {"trusted": "1"})
    assert response.status_code == 302
    assert TrustedReader.objects.filter(user=reader, added_by=users["moderator"]).exists()
    assert "Stop trusting" in client.get(url(reader)).content.decode()
    client.post(url(reader, "trust/"), {"trusted": "0"})
    assert not TrustedReader.objects.exists()
    assert AuditEvent.objects.filter(event_type="reader.trust_changed").count() == 2


def test_the_ban_dialog_of_the_queue_posts_here(client_for, post, users, reasons):
    post("Ein Kommentar")
    html = client_for("moderator").get("/en/moderation/").content.decode()
    assert f'data-sanction-url="{url(users["reader"], "sanctions/")}"' in html
    assert '<dialog id="ws-sanction"' in html
