"""The transparency report: figures checked against hand-counted rows, an empty period, the
period's edges in Vienna, the downloads and the page for every role."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.core import clock
from newsdesk.legal.models import Complaint, MisuseMeasure, Notice, TrustedFlagger
from newsdesk.legal.reports import Period, build_report, default_period
from newsdesk.legal.tdb import Category, DecisionAccount, DecisionGround, DecisionVisibility
from newsdesk.legal.tests.test_complaints_make import make_notice, make_statement

VIENNA = ZoneInfo("Europe/Vienna")
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]
H1 = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
ILLEGAL = DecisionGround.ILLEGAL_CONTENT
SPEECH = Category.ILLEGAL_OR_HARMFUL_SPEECH


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIENNA)


@pytest.fixture
def handled(db: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Hand-counted rows for the first half of 2026 (and some just outside it)."""
    flagger = TrustedFlagger.objects.create(name="Safer Internet", registered_at=at(1, 1))
    # Notices: 4 inside (2 decided inside: after 2 h and 6 h; 1 open), 2 outside.
    n1 = make_notice(
        email="a@example.org",
        received_at=at(1, 1, 0, 5),  # just after the start in Vienna (31 Dec 23:05 UTC)
        outcome=Notice.Outcome.ACTIONED,
        decided_at=at(1, 1, 2, 5),
    )
    make_notice(
        notifier=users["other_reader"],
        received_at=at(3, 10),
        outcome=Notice.Outcome.UNFOUNDED,
        decided_at=at(3, 10, 18),
        category=Category.SCAMS_AND_FRAUD,
    )
    make_notice(trusted_flagger=flagger, received_at=at(6, 30, 23, 30))  # open, last evening
    make_notice(
        trusted_flagger=flagger,
        received_at=at(5, 5),
        category=Category.PROTECTION_OF_MINORS,
        outcome=Notice.Outcome.NO_ACTION,
        decided_at=at(7, 1, 9),  # decided after the period: not counted as decided
    )
    make_notice(received_at=at(12, 31, 23, 59, year=2025))  # before
    make_notice(received_at=at(7, 1, 0, 0))  # after
    # Actions: 3 inside, 1 outside.
    make_statement(
        users["reader"],
        decided_by=users["moderator"],
        ground=ILLEGAL,
        created_at=at(2, 1),
        notice=n1,
    )
    make_statement(users["reader"], decided_by=users["moderator"], created_at=at(2, 2))
    make_statement(
        users["reader"],
        created_at=at(4, 4),
        automated_detection=True,
        decision_visibility=[],
        decision_account=DecisionAccount.SUSPENDED,
        automated_decision="AUTOMATED_DECISION_PARTIALLY",
    )
    make_statement(users["reader"], created_at=at(7, 2))
    # Complaints: 3 filed inside (1 upheld after 24 h, 1 rejected after 48 h, 1 open).
    statement = make_statement(users["reader"], created_at=at(1, 5))
    Complaint.objects.create(
        statement=statement,
        side="affected",
        text="a",
        filed_at=at(2, 1),
        status=Complaint.Status.UPHELD,
        decided_at=at(2, 2),
    )
    Complaint.objects.create(
        notice=n1,
        side="notifier",
        text="b",
        filed_at=at(3, 1),
        status=Complaint.Status.REJECTED,
        decided_at=at(3, 3),
    )
    Complaint.objects.create(statement=statement, side="affected", text="c", filed_at=at(6, 1))
    # Misuse: one poster warning, one notifier suspension inside; one suspension after.
    for kind, step, when in [
        ("poster", "warning", at(2, 3)),
        ("notifier", "suspension", at(5, 1)),
        ("poster", "suspension", at(8, 1)),
    ]:
        MisuseMeasure.objects.create(
            kind=kind, step=step, user=users["reader"], starts_at=when, created_at=when
        )
    return {"flagger": flagger}


def test_the_figures_of_a_half_year(handled: dict[str, Any]) -> None:
    report = build_report(H1)
    # Four statements were issued in the half-year: three actions and the one complained of.
    notices = report["notices"]
    assert notices["received"] == 4
    assert notices["by_source"] == {"trusted_flagger": 2, "account": 1, "no_account": 1}
    assert notices["by_trusted_flagger"] == {"Safer Internet": 2}
    assert notices["by_category"][SPEECH] == 2
    assert notices["by_category"][Category.SCAMS_AND_FRAUD] == 1
    assert notices["by_category"][Category.PROTECTION_OF_MINORS] == 1
    assert sum(notices["by_category"].values()) == 4
    assert notices["decided"] == 2
    assert notices["by_outcome"] == {"actioned": 1, "no_action": 0, "unfounded": 1}
    assert notices["median_hours_to_decision"] == 4.0  # 2 h and 6 h
    actions = report["actions"]
    assert actions["total"] == 4
    assert actions["by_ground"] == {ILLEGAL: 1, DecisionGround.INCOMPATIBLE_CONTENT: 3}
    assert actions["by_measure"] == {
        DecisionAccount.SUSPENDED: 1,
        DecisionVisibility.REMOVED: 3,
    }
    assert actions["by_detection"] == {"automated": 1, "not_automated": 3}
    assert actions["by_automated_decision"]["AUTOMATED_DECISION_PARTIALLY"] == 1
    assert actions["by_source"]["SOURCE_ARTICLE_16"] == 1
    complaints = report["complaints"]
    assert complaints["filed"] == 3 and complaints["still_open"] == 1
    assert complaints["by_side"] == {"affected": 2, "notifier": 1}
    assert complaints["decided"] == 2
    assert complaints["by_outcome"] == {"upheld": 1, "rejected": 1}
    assert complaints["median_hours_to_decision"] == 36.0  # 24 h and 48 h
    assert report["misuse"] == {
        "warnings": {"poster": 1, "notifier": 0},
        "suspensions": {"poster": 0, "notifier": 1},
    }


def test_a_period_with_nothing_in_it(handled: dict[str, Any]) -> None:
    report = build_report(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 30)))
    assert report["notices"]["received"] == 0 and report["notices"]["decided"] == 0
    assert set(report["notices"]["by_category"].values()) == {0}
    assert len(report["notices"]["by_category"]) == len(Category.values)
    assert report["notices"]["median_hours_to_decision"] is None
    assert report["actions"]["total"] == 0 and report["actions"]["by_measure"] == {}
    assert report["complaints"]["median_hours_to_decision"] is None
    assert report["complaints"]["by_outcome"] == {"upheld": 0, "rejected": 0}
    assert report["misuse"]["suspensions"] == {"poster": 0, "notifier": 0}


def test_the_edges_of_a_period_are_midnight_in_vienna(handled: dict[str, Any]) -> None:
    # The notice of 31 December 23:59 in Vienna belongs to that day only.
    assert (
        build_report(Period(dt.date(2025, 12, 31), dt.date(2025, 12, 31)))["notices"]["received"]
        == 1
    )
    assert (
        build_report(Period(dt.date(2026, 7, 1), dt.date(2026, 7, 1)))["notices"]["received"] == 1
    )


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 11, 27), dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
    ],
)
def test_the_default_period_is_the_last_full_half_year(
    today: dt.date, start: dt.date, end: dt.date
) -> None:
    assert default_period(today) == Period(start, end)


def test_the_page_and_downloads_for_every_role(handled: dict[str, Any], client_for: Any) -> None:
    expected = {"anonymous": 302, "reader": 403, "moderator": 200, "editor": 403, "admin": 200}
    query = "?start=2026-01-01&end=2026-06-30"
    for suffix in ["", query, query + "&format=csv", query + "&format=json"]:
        for role in ROLES:
            response = client_for(role).get("/en/legal/transparency-report/" + suffix)
            assert response.status_code == expected[role], (suffix, role)
    client = client_for("moderator")
    page = client.get("/en/legal/transparency-report/" + query).content.decode()
    assert 'data-figure="notices.trusted_flagger">2<' in page and "4.0 hours" in page
    data = client.get("/en/legal/transparency-report/" + query + "&format=json").json()
    assert data == build_report(H1) | {"period": data["period"]}
    assert data["period"] == {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "time_zone": "Europe/Vienna",
    }
    response = client.get("/en/legal/transparency-report/" + query + "&format=csv")
    assert "transparency-report-2026-01-01-2026-06-30.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "figure", "key", "value"]
    assert ["notices", "by_source", "trusted_flagger", "2"] in rows
    assert ["complaints", "median_hours_to_decision", "", "36.0"] in rows
    assert ["misuse", "suspensions", "notifier", "1"] in rows


def test_the_default_and_a_bad_period(handled: dict[str, Any], client_for: Any) -> None:
    clock.set_now(at(11, 27))
    try:
        data = client_for("admin").get("/en/legal/transparency-report/?format=json").json()
    finally:
        clock.set_now(None)
    assert data["period"]["from"] == "2026-01-01" and data["notices"]["received"] == 4
    bad = client_for("admin").get("/en/legal/transparency-report/?start=2026-06-30&end=2026-01-01")
    assert bad.status_code == 400 and "ends before it begins" in bad.content.decode()
    half = client_for("admin").get("/en/legal/transparency-report/?start=2026-06-30&end=")
    assert half.status_code == 400


def test_switched_off_the_report_is_gone(client_for: Any, settings: Any, db: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["transparency_report"]
    for role in ROLES:
        assert client_for(role).get("/en/legal/transparency-report/").status_code == 404
