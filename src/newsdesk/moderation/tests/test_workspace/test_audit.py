"""Moderation's audit trail: only its events, newest first, filtered by type, moderator and
date, paginated, exported as CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from newsdesk.core import clock
from newsdesk.core.audit import record_event
from newsdesk.moderation import actions, views

from .conftest import NOW

pytestmark = pytest.mark.django_db
PAGE = "/en/moderation/audit/"


@pytest.fixture
def trail(post, reasons, users):
    first = post("=SUMME(A1) Kommentar")  # held: comment.held by the system
    second = post("Noch einer")
    clock.set_now(NOW + dt.timedelta(days=1))
    actions.do_approve_comment(first, acting_user=users["moderator"])
    clock.set_now(NOW + dt.timedelta(days=2))
    actions.do_reject_comment(second, reason=reasons["spam"], acting_user=users["admin"])
    actions.do_set_trusted(users["reader"], trusted=True, acting_user=users["moderator"])
    # Not moderation's: must not be listed.
    record_event("article.saved", actor=users["editor"])
    return {"first": first, "second": second}


def types(response) -> list[str]:
    return [row["event"] for row in response.json()["events"]]


def test_lists_moderation_events_newest_first(client_for, trail):
    client = client_for("moderator")
    # Same time: the later row first.
    assert types(client.get(PAGE + "?format=json")) == [
        "reader.trust_changed",
        "comment.rejected",
        "comment.approved",
        "comment.held",
        "comment.held",
    ]
    html = client.get(PAGE).content.decode()
    assert "comment rejected" in html and "article saved" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("event_type=comment.held", ["comment.held", "comment.held"]),
        ("since=2026-11-28&until=2026-11-28", ["comment.approved"]),
        ("until=2026-11-27", ["comment.held", "comment.held"]),
    ],
)
def test_filters(client_for, trail, query, expected):
    assert types(client_for("moderator").get(f"{PAGE}?{query}&format=json")) == expected


def test_filter_by_moderator(client_for, trail, users):
    response = client_for("moderator").get(f"{PAGE}?actor={users['admin'].pk}&format=json")
    assert types(response) == ["comment.rejected"]
    assert response.json()["events"][0]["actor"] == "admin"


def test_a_bad_filter_is_a_400_page(client_for, trail):
    response = client_for("moderator").get(f"{PAGE}?event_type=article.saved")
    assert response.status_code == 400


def test_csv_export(client_for, trail):
    response = client_for("moderator").get(f"{PAGE}?event_type=comment.approved&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    (row,) = rows
    assert row["event"] == "comment.approved" and row["actor"] == "moderator"
    assert row["object_type"] == "community.comment"
    assert row["object_id"] == str(trail["first"].pk)
    # Comments are named by number in the trail, never by their text.
    assert row["object"] == f"comment #{trail['first'].pk}"
    assert (
        "SUMME"
        not in b"".join(
            client_for("moderator").get(f"{PAGE}?format=csv").streaming_content
        ).decode()
    )
    assert json.loads(row["before"]) == {"status": "pending", "queue": "pending"}
    assert json.loads(row["after"])["status"] == "visible"
    assert row["time"] == "2026-11-28T13:00:00+00:00"


def test_json_export(client_for, trail):
    response = client_for("moderator").get(f"{PAGE}?event_type=comment.rejected&format=json")
    (event,) = response.json()["events"]
    assert event["actor"] == "admin"
    assert event["after"]["reason"] == "spam"
    assert event["object"] == f"comment #{trail['second'].pk}"


def test_a_cell_that_looks_like_a_formula_stays_text(client_for, trail, users, reasons):
    # Account names are the reader's own text and name the target of sanctions.
    sneaky = type(users["reader"]).objects.create(username="=SUMME(A1)")
    actions.do_impose_sanction(
        sneaky, kind="ban", reason=reasons["spam"], acting_user=users["moderator"]
    )
    response = client_for("moderator").get(f"{PAGE}?event_type=sanction.imposed&format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["object"] == "'=SUMME(A1)"


def test_paginated(client_for, trail, monkeypatch):
    monkeypatch.setattr(views, "AUDIT_PAGE_SIZE", 2)
    client = client_for("moderator")
    html = client.get(PAGE).content.decode()
    assert 'href="?page=2"' in html and "Page 1 of 3" in html
    assert client.get(f"{PAGE}?page=3").status_code == 200
