"""Editing the banned and suspect lists as text: saved when they parse, refused with the line
when not (the text stays in the form), emptied only on purpose; the reasons listed."""

from __future__ import annotations

import pytest

from newsdesk.core.models import AuditEvent
from newsdesk.moderation import actions
from newsdesk.moderation.models import WordList

pytestmark = pytest.mark.django_db
PAGE = "/en/moderation/word-lists/"


def test_saving_a_list(client_for, users):
    response = client_for("moderator").post(
        PAGE, {"kind": "suspect", "suspect-source": "idiot\n=sau\narsch*  # Kompositum\n"}
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert WordList.objects.get(kind="suspect").source == "idiot\n=sau\narsch*  # Kompositum\n"
    event = AuditEvent.objects.get(event_type="moderation.word_list_changed")
    assert event.actor == users["moderator"] and event.new_value["count"] == 3
    html = client_for("moderator").get(PAGE).content.decode()
    assert "idiot\n=sau\narsch*  # Kompositum\n</textarea>" in html


def test_a_bad_line_is_named_and_the_text_kept(client_for, users):
    actions.do_change_word_list("banned", source="idiot\n", acting_user=users["moderator"])
    submitted = "trottel\n*a*\nvollpfosten\n"
    response = client_for("moderator").post(PAGE, {"kind": "banned", "banned-source": submitted})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 2:" in html and "Nothing was changed." in html
    assert f"{submitted}</textarea>" in html
    assert WordList.objects.get(kind="banned").source == "idiot\n"
    assert AuditEvent.objects.filter(event_type="moderation.word_list_changed").count() == 1


def test_emptying_a_list_needs_a_confirmation(client_for, users):
    actions.do_change_word_list("banned", source="idiot\n", acting_user=users["moderator"])
    client = client_for("moderator")
    response = client.post(PAGE, {"kind": "banned", "banned-source": "# nichts mehr\n"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The list has no entries now" in html and 'name="banned-confirm_empty"' in html
    assert "# nichts mehr\n</textarea>" in html
    assert WordList.objects.get(kind="banned").source == "idiot\n"
    response = client.post(
        PAGE, {"kind": "banned", "banned-source": "", "banned-confirm_empty": "on"}
    )
    assert response.status_code == 302
    assert WordList.objects.get(kind="banned").source == ""


def test_an_empty_list_can_stay_empty(client_for):
    response = client_for("moderator").post(PAGE, {"kind": "suspect", "suspect-source": ""})
    assert response.status_code == 302


def test_an_unknown_list_is_404(client_for):
    assert client_for("moderator").post(PAGE, {"kind": "secret"}).status_code == 404


def test_the_reasons_are_listed(client_for, reasons):
    html = client_for("moderator").get(PAGE).content.decode()
    assert "<code>insult</code>" in html and "Beleidigungen verstoßen" in html
    assert "<code>retired</code>" in html
