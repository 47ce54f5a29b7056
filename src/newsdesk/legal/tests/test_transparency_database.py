"""The export to the EU Transparency Database (Art. 24(5) DSA): the projection against our
schema, no personal data in it, `newsdesk legal statements export`, and the submission to a
local stand-in of the API (headers, payload, retries, a partial failure)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.community import actions as community
from newsdesk.community.actions import profile_for
from newsdesk.community.models import Comment, Conversation
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal import transparency_database as tdb
from newsdesk.legal.models import Notice, NoticeItem, Statement
from newsdesk.legal.tdb import Category
from newsdesk.legal.tests.conftest import NOON
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Reason, Sanction

AUTHOR = {
    "username": "hildegard_brunnsteiner",
    "email": "hildegard.brunnsteiner@example.com",
    "display_name": "Hildegard Brunnsteiner",
}
NOTIFIER = {"name": "Walpurga Meldemann", "email": "walpurga.meldemann@example.net"}
IP_ADDRESS = "203.0.113.77"
TEXTS = [
    "Der Bürgermeister Xaverius Quendler ist ein Trottel.",
    "Ruft Hildegard unter 0664 1234567 an, Bahnhofstraße 12, 8010 Graz.",
]


@pytest.fixture
def author(db: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        username=AUTHOR["username"], email=AUTHOR["email"], password="x" * 20
    )
    profile = profile_for(user)
    profile.display_name = AUTHOR["display_name"]
    profile.save()
    return user


@pytest.fixture
def statements(
    open_for_comments: None,
    conversation: Conversation,
    author: Any,
    users: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> list[Statement]:
    """Four statements: two removals (one after a notice, one with a moderator's note
    naming someone), a suspension with an end, and a premoderation."""
    comments: list[Comment] = [
        community.do_post_comment(
            conversation, text_value=text, acting_user=author, ip_address=IP_ADDRESS
        )
        for text in TEXTS
    ]
    notice = Notice.objects.create(
        reference="N-0001",
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        explanation=f"{AUTHOR['display_name']} insults the mayor.",
        notifier_name=NOTIFIER["name"],
        notifier_email=NOTIFIER["email"],
        good_faith=True,
        language="de",
        received_at=NOON - dt.timedelta(hours=1),
    )
    NoticeItem.objects.create(notice=notice, comment=comments[0])
    with django_capture_on_commit_callbacks(execute=True):
        moderation.do_reject_comment(
            comments[0], reason=Reason.objects.get(code="hate"), acting_user=users["moderator"]
        )
        moderation.do_reject_comment(
            comments[1],
            reason=Reason.objects.get(code="personal_data"),
            note=f"Do not post {AUTHOR['display_name']}'s address ({AUTHOR['email']}).",
            acting_user=users["moderator"],
        )
        moderation.do_impose_sanction(
            author,
            kind=Sanction.Kind.SUSPEND,
            reason=Reason.objects.get(code="insult"),
            ends_at=NOON + dt.timedelta(days=14),
            note=f"{AUTHOR['display_name']}, this is your last chance.",
            acting_user=users["moderator"],
        )
        moderation.do_impose_sanction(
            author,
            kind=Sanction.Kind.PREMODERATE,
            reason=Reason.objects.get(code="spam"),
            acting_user=users["moderator"],
        )
    return list(Statement.objects.order_by("created_at", "pk"))


def test_every_statement_matches_the_schema(statements: list[Statement]) -> None:
    assert len(statements) == 4
    for statement in statements:
        payload = tdb.project(statement)
        assert tdb.problems(payload) == [], payload
        assert payload["puid"] == statement.puid
        assert payload["application_date"] == "2026-11-27"
        assert payload["automated_detection"] in ("Yes", "No")
    removal, personal, suspension, premoderation = (tdb.project(s) for s in statements)
    assert removal["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert removal["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert "§ 283 StGB" in removal["illegal_content_legal_ground"]
    assert "incompatible_content_ground" not in removal
    assert removal["source_type"] == "SOURCE_ARTICLE_16"
    assert removal["content_type"] == ["CONTENT_TYPE_TEXT"] and removal["content_language"] == "DE"
    assert personal["incompatible_content_illegal"] == "Yes"
    assert personal["source_type"] == "SOURCE_VOLUNTARY"
    assert suspension["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert suspension["end_date_account_restriction"] == "2026-12-11"
    assert "decision_visibility" not in suspension
    assert premoderation["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
    assert premoderation["decision_visibility_other"].startswith("Pre-moderation")
    assert "end_date_visibility_restriction" not in premoderation


def test_no_personal_data_in_the_export(statements: list[Statement], users: dict[str, Any]) -> None:
    out = StringIO()
    call_command("legal", "statements", "export", stdout=out)
    exported = out.getvalue()
    lines = exported.splitlines()
    assert len(lines) == 4
    forbidden = [
        AUTHOR["username"],
        AUTHOR["email"],
        AUTHOR["display_name"],
        "Hildegard",
        "Brunnsteiner",
        NOTIFIER["name"],
        NOTIFIER["email"],
        "Walpurga",
        IP_ADDRESS,
        "Bahnhofstraße",
        "0664",
        "Xaverius",
        "Budget beschlossen",  # the article's headline
        users["moderator"].email,
        *TEXTS,
    ]
    for needle in forbidden:
        assert needle.lower() not in exported.lower(), needle
    for line in lines:
        payload = json.loads(line)
        assert not {"user", "user_id", "comment", "email", "name", "source_identity"} & set(payload)
        assert str(statements[0].user_id) not in payload["puid"].split("-")


def test_a_manipulated_statement_fails_the_schema(statements: list[Statement]) -> None:
    payload = tdb.project(statements[0])
    assert tdb.problems({**payload, "puid": "has spaces!"})
    assert tdb.problems({**payload, "content_date": "27.11.2026"})
    assert tdb.problems({**payload, "decision_facts": "x" * 5001})
    assert tdb.problems({**payload, "notifier_email": NOTIFIER["email"]})
    without_ground = {k: v for k, v in payload.items() if k != "illegal_content_legal_ground"}
    assert any("illegal_content_legal_ground" in p for p in tdb.problems(without_ground))
    no_decision = {k: v for k, v in payload.items() if k != "decision_visibility"}
    assert tdb.problems(no_decision)
    suspension = tdb.project(statements[2])
    assert tdb.problems({**suspension, "end_date_account_restriction": "2026-11-01"})


def test_long_texts_are_cut_to_the_apis_lengths(statements: list[Statement]) -> None:
    statement = statements[1]
    statement.incompatible_content_explanation = "x" * 3000
    statement.decision_facts = "y" * 6000
    payload = tdb.project(statement)
    assert len(payload["incompatible_content_explanation"]) == 2000
    assert len(payload["decision_facts"]) == 5000
    assert tdb.problems(payload) == []


def test_the_export_takes_a_range(statements: list[Statement]) -> None:
    out = StringIO()
    call_command(
        "legal", "statements", "export", "--from", "2026-11-27", "--to", "2026-11-27", stdout=out
    )
    assert len(out.getvalue().splitlines()) == 4


def test_an_empty_range_says_so(statements: list[Statement]) -> None:
    out, err = StringIO(), StringIO()
    with pytest.raises(
        CommandError, match="no statements of reasons were issued from 2026-11-28"
    ) as ended:
        call_command(
            "legal", "statements", "export", "--from", "2026-11-28", stdout=out, stderr=err
        )
    assert ended.value.returncode == 1
    assert out.getvalue() == ""


def test_an_empty_database_says_so(db: Any) -> None:
    with pytest.raises(CommandError, match="issued at all") as ended:
        call_command("legal", "statements", "export", stdout=StringIO())
    assert ended.value.returncode == 1


def test_bad_dates_are_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="not a date") as ended:
        call_command("legal", "statements", "export", "--from", "27.11.2026")
    assert ended.value.returncode == 2
    with pytest.raises(CommandError, match="ends") as ended:
        call_command("legal", "statements", "export", "--from", "2026-11-28", "--to", "2026-11-01")
    assert ended.value.returncode == 2


def test_the_export_is_off_when_the_part_is(statements: list[Statement], settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["transparency_database"]
    with pytest.raises(CommandError, match="switched off") as ended:
        call_command("legal", "statements", "export", stdout=StringIO())
    assert ended.value.returncode == 2


# --- submission to a stand-in of the API --------------------------------------------------


class FakeDatabase:
    """The multiple-statements endpoint as the documentation describes it: 201 with the
    statements and their uuids; 422 with ``errors.statement_<i>`` (nothing stored) for a
    statement it refuses; ``errors.existing_puids`` for puids it holds; scripted 429/503
    answers first. It checks the headers and each statement against our schema."""

    TOKEN = "X|test-token"

    def __init__(self) -> None:
        self.script: list[int] = []  # statuses to answer before the real work
        self.refuse_puids: set[str] = set()
        self.stored: dict[str, str] = {}
        self.calls: list[dict[str, Any]] = []
        self.header_problems: list[str] = []

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        if headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return 401, {"message": "Unauthenticated."}
        for name, value in (("Accept", "application/json"), ("Content-Type", "application/json")):
            if headers.get(name) != value:
                self.header_problems.append(name)
        payload = json.loads(body)
        statements = payload["statements"]
        self.calls.append({"count": len(statements)})
        assert 1 <= len(statements) <= 100
        if self.script:
            return self.script.pop(0), {"message": "Server Error"}
        errors: dict[str, Any] = {}
        for index, statement in enumerate(statements):
            problems = tdb.problems(statement)
            if problems:
                errors[f"statement_{index}"] = {"schema": problems}
            elif statement["puid"] in self.refuse_puids:
                errors[f"statement_{index}"] = {
                    "decision_facts": ["The decision facts field is required."]
                }
        if errors:
            return 422, {"errors": errors}
        existing = [s["puid"] for s in statements if s["puid"] in self.stored]
        if existing:
            message = "The platform identifier(s) are not all unique within this call."
            return 422, {
                "message": message,
                "errors": {"puid": [message], "existing_puids": existing},
            }
        out = []
        for statement in statements:
            self.stored[statement["puid"]] = str(uuid.uuid4())
            out.append({**statement, "uuid": self.stored[statement["puid"]]})
        return 201, {"statements": out}


@pytest.fixture
def fake_database() -> Iterator[tuple[FakeDatabase, str]]:
    database = FakeDatabase()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, answer = database.answer(self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield database, f"http://127.0.0.1:{server.server_address[1]}/api/v1/statements"
    server.shutdown()
    server.server_close()


@pytest.fixture
def configured(fake_database: tuple[FakeDatabase, str], monkeypatch: Any) -> FakeDatabase:
    database, url = fake_database
    monkeypatch.setenv("NEWSDESK_LEGAL_TDB_URL", url)
    monkeypatch.setenv("NEWSDESK_LEGAL_TDB_TOKEN", FakeDatabase.TOKEN)
    monkeypatch.setattr(tdb, "pause", lambda seconds: None)
    return database


def test_submission_records_what_was_accepted(
    statements: list[Statement], configured: FakeDatabase
) -> None:
    out = StringIO()
    call_command("legal", "statements", "submit", stdout=out, stderr=StringIO())
    assert "4 accepted, 0 refused" in out.getvalue()
    assert configured.header_problems == [] and len(configured.calls) == 1
    for statement in Statement.objects.all():
        assert statement.tdb_submitted_at is not None and statement.tdb_error == ""
        assert statement.tdb_uuid == configured.stored[statement.puid]
    events = AuditEvent.objects.filter(event_type=EventType.STATEMENT_SUBMITTED)
    assert events.count() == 4 and all(event.actor is None for event in events)
    # Sent once: a second run has nothing to send.
    err = StringIO()
    call_command("legal", "statements", "submit", stdout=StringIO(), stderr=err)
    assert "nothing to send" in err.getvalue() and len(configured.calls) == 1


def test_batches_of_at_most_the_given_size(
    statements: list[Statement], configured: FakeDatabase
) -> None:
    call_command("legal", "statements", "submit", "--batch", "3", stdout=StringIO())
    assert [call["count"] for call in configured.calls] == [3, 1]


def test_retries_after_429_and_5xx(statements: list[Statement], configured: FakeDatabase) -> None:
    configured.script = [429, 503, 500]
    waits: list[float] = []
    submitter = tdb.Submitter(
        url=tdb.endpoint(),
        token=tdb.token(),
        accept=lambda statement, uuid: None,
        refuse=lambda statement, reason: None,
        sleep=waits.append,
    )
    report = submitter.submit(statements)
    assert len(report.accepted) == 4 and report.calls == 4
    assert waits == [1.0, 2.0, 4.0]  # Retry-After 1, then 2 and 4 seconds of backoff


def test_a_network_error_is_retried_then_given_up(
    statements: list[Statement], monkeypatch: Any
) -> None:
    # Nothing listens on this port (taken and given back): every attempt fails to connect.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("NEWSDESK_LEGAL_TDB_URL", f"http://127.0.0.1:{port}/api/v1/statements")
    monkeypatch.setenv("NEWSDESK_LEGAL_TDB_TOKEN", FakeDatabase.TOKEN)
    monkeypatch.setattr(tdb, "pause", lambda seconds: None)
    with pytest.raises(CommandError, match="after 5 attempts") as ended:
        call_command("legal", "statements", "submit", stdout=StringIO(), stderr=StringIO())
    assert ended.value.returncode == 1
    assert not Statement.objects.filter(tdb_submitted_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(event_type=EventType.STATEMENT_SUBMITTED).exists()


def test_a_partial_failure(statements: list[Statement], configured: FakeDatabase) -> None:
    refused = statements[1]
    configured.refuse_puids = {refused.puid}
    configured.stored[statements[3].puid] = "earlier"  # a call whose answer was lost
    err = StringIO()
    with pytest.raises(CommandError, match="1 statements were refused") as ended:
        call_command("legal", "statements", "submit", stdout=StringIO(), stderr=err)
    assert ended.value.returncode == 1
    refused.refresh_from_db()
    assert refused.tdb_submitted_at is None
    assert "decision_facts" in refused.tdb_error and refused.puid in err.getvalue()
    accepted = Statement.objects.filter(tdb_submitted_at__isnull=False)
    assert set(accepted.values_list("puid", flat=True)) == {
        statements[0].puid,
        statements[2].puid,
        statements[3].puid,
    }
    assert Statement.objects.get(pk=statements[3].pk).tdb_uuid == ""
    assert AuditEvent.objects.filter(event_type=EventType.STATEMENT_SUBMITTED).count() == 3
    # Once fixed on the other side, the next run sends only the refused statement.
    configured.refuse_puids = set()
    configured.calls.clear()
    call_command("legal", "statements", "submit", stdout=StringIO(), stderr=StringIO())
    assert [call["count"] for call in configured.calls] == [1]
    refused.refresh_from_db()
    assert refused.tdb_submitted_at is not None and refused.tdb_error == ""


def test_a_bad_token_stops(
    statements: list[Statement], configured: FakeDatabase, monkeypatch: Any
) -> None:
    monkeypatch.setenv("NEWSDESK_LEGAL_TDB_TOKEN", "wrong")
    with pytest.raises(CommandError, match="HTTP 401") as ended:
        call_command("legal", "statements", "submit", stdout=StringIO(), stderr=StringIO())
    assert ended.value.returncode == 1
    assert not Statement.objects.filter(tdb_submitted_at__isnull=False).exists()


def test_no_token_is_a_configuration_error(statements: list[Statement], monkeypatch: Any) -> None:
    monkeypatch.delenv("NEWSDESK_LEGAL_TDB_TOKEN", raising=False)
    with pytest.raises(CommandError, match="NEWSDESK_LEGAL_TDB_TOKEN") as ended:
        call_command("legal", "statements", "submit", stdout=StringIO())
    assert ended.value.returncode == 2


def test_the_default_endpoint_is_production(monkeypatch: Any) -> None:
    monkeypatch.delenv("NEWSDESK_LEGAL_TDB_URL", raising=False)
    assert tdb.endpoint() == "https://transparency.dsa.ec.europa.eu/api/v1/statements"


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(tdb.schema())
    assert tdb.schema()["properties"]["puid"]["pattern"] == "^[a-zA-Z0-9_-]+$"


def test_the_newsdesk_command_exits_1_on_an_empty_range(db: Any, capsys: Any) -> None:
    from newsdesk import cli

    with pytest.raises(SystemExit) as ended:
        cli.main(["newsdesk", "legal", "statements", "export", "--from", "2030-01-01"])
    assert ended.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no statements of reasons were issued from 2030-01-01 on" in captured.err


def test_no_submission_when_the_part_is_off(
    statements: list[Statement], configured: FakeDatabase, settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["transparency_database"]
    with pytest.raises(CommandError, match="switched off") as ended:
        call_command("legal", "statements", "submit", stdout=StringIO())
    assert ended.value.returncode == 2
    assert configured.calls == [] and not Statement.objects.filter(tdb_submitted_at__isnull=False)
