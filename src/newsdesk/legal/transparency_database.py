"""The EU DSA Transparency Database (Art. 24(5)): a statement of reasons as the database's JSON,
checked against our schema (``legal/schemas/tdb_statement.schema.json``), exported as JSON
Lines, and optionally submitted to its API in batches.

The projection leaves out everything personal: no name, e-mail or postal address, no IP
address, no account id, no comment text and no moderator's note; ``decision_facts`` is
written without them (``newsdesk.legal.statements``) and ``puid`` is random.

Configuration (read when used, from the environment):

- ``NEWSDESK_LEGAL_TDB_URL``: the multiple-statements endpoint; default the production
  database, ``https://transparency.dsa.ec.europa.eu/api/v1/statements``. The sandbox's
  address is given to a platform when it is onboarded: set it here while testing.
- ``NEWSDESK_LEGAL_TDB_TOKEN`` (or ``NEWSDESK_LEGAL_TDB_TOKEN_FILE``): the API token
  (sent as ``Authorization: Bearer``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from django.db.models import QuerySet
from django.utils import timezone

from newsdesk.core import http_client
from newsdesk.env import env_secret, env_str
from newsdesk.legal.models import Statement
from newsdesk.legal.statements import local_date
from newsdesk.legal.tdb import (
    MAX_BATCH,
    MAX_EXPLANATION,
    MAX_FACTS,
    MAX_SHORT_TEXT,
    NO,
    YES,
    DecisionGround,
)

logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://transparency.dsa.ec.europa.eu/api/v1/statements"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "tdb_statement.schema.json"


# --- the projection ---------------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
    """``text`` stripped and cut to ``limit`` characters (an ellipsis marks a cut)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def project(statement: Statement) -> dict[str, Any]:
    """``statement`` as the Transparency Database's JSON object (API field names and keys;
    dates ``YYYY-MM-DD`` in the site's time zone; optional fields only when they have a
    value; texts cut to the API's lengths)."""
    out: dict[str, Any] = {}
    if statement.decision_visibility:
        out["decision_visibility"] = list(statement.decision_visibility)
        if "DECISION_VISIBILITY_OTHER" in statement.decision_visibility:
            out["decision_visibility_other"] = _cut(
                statement.decision_visibility_other or "other", MAX_SHORT_TEXT
            )
    if statement.decision_provision:
        out["decision_provision"] = statement.decision_provision
    if statement.decision_account:
        out["decision_account"] = statement.decision_account
    out["decision_ground"] = statement.decision_ground
    if statement.decision_ground == DecisionGround.ILLEGAL_CONTENT:
        out["illegal_content_legal_ground"] = _cut(
            statement.illegal_content_legal_ground, MAX_SHORT_TEXT
        )
        out["illegal_content_explanation"] = _cut(
            statement.illegal_content_explanation, MAX_EXPLANATION
        )
    else:
        out["incompatible_content_ground"] = _cut(
            statement.incompatible_content_ground, MAX_SHORT_TEXT
        )
        out["incompatible_content_explanation"] = _cut(
            statement.incompatible_content_explanation, MAX_EXPLANATION
        )
        if statement.incompatible_content_illegal is not None:
            out["incompatible_content_illegal"] = (
                YES if statement.incompatible_content_illegal else NO
            )
    out["content_type"] = list(statement.content_type)
    out["category"] = statement.category
    out["territorial_scope"] = list(statement.territorial_scope)
    if statement.content_language:
        out["content_language"] = statement.content_language.upper()
    out["content_date"] = statement.content_date.isoformat()
    out["application_date"] = statement.application_date.isoformat()
    if statement.end_date is not None:
        end = local_date(statement.end_date).isoformat()
        if statement.decision_account:
            out["end_date_account_restriction"] = end
        elif statement.decision_provision:
            out["end_date_service_restriction"] = end
        elif statement.decision_visibility:
            out["end_date_visibility_restriction"] = end
    out["decision_facts"] = _cut(statement.decision_facts, MAX_FACTS)
    out["source_type"] = statement.source_type
    out["automated_detection"] = YES if statement.automated_detection else NO
    out["automated_decision"] = statement.automated_decision
    out["puid"] = statement.puid
    return out


# --- the schema -------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """Our JSON Schema (draft 2020-12) of one statement for the database."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    validator: jsonschema.protocols.Validator = cls(schema(), format_checker=cls.FORMAT_CHECKER)
    return validator


def problems(payload: dict[str, Any]) -> list[str]:
    """What is wrong with ``payload`` for the database (empty: nothing): each schema error as
    "field: message", and end dates before the application date (which the API refuses)."""
    found = [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(statement)'}: {error.message}"
        for error in sorted(_validator().iter_errors(payload), key=lambda e: list(e.path))
    ]
    start = payload.get("application_date")
    for name in (
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
    ):
        end = payload.get(name)
        if isinstance(end, str) and isinstance(start, str) and end < start:
            found.append(f"{name}: before the application date {start}")
    return found


# --- the export -------------------------------------------------------------------------


def issued_between(start: dt.date | None, end: dt.date | None) -> QuerySet[Statement]:
    """Statements issued from ``start`` to ``end`` (both included, days in the site's time
    zone; None: open), oldest first."""
    statements = Statement.objects.order_by("created_at", "pk")
    zone = timezone.get_current_timezone()
    if start is not None:
        statements = statements.filter(
            created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        )
    if end is not None:
        statements = statements.filter(
            created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return statements


def json_lines(statements: Iterable[Statement]) -> Iterator[str]:
    """One checked JSON object per statement (no newline); ValueError naming the statement's
    puid when one does not match the schema."""
    for statement in statements:
        payload = project(statement)
        found = problems(payload)
        if found:
            raise ValueError(f"statement {statement.puid}: " + "; ".join(found))
        yield json.dumps(payload, ensure_ascii=False, sort_keys=True)


# --- submission -------------------------------------------------------------------------


def endpoint() -> str:
    """The multiple-statements endpoint (``NEWSDESK_LEGAL_TDB_URL``)."""
    return env_str("NEWSDESK_LEGAL_TDB_URL", PRODUCTION_URL).strip() or PRODUCTION_URL


def token() -> str:
    """The API token (``NEWSDESK_LEGAL_TDB_TOKEN`` or ``..._FILE``); "" when unset."""
    return (env_secret("NEWSDESK_LEGAL_TDB_TOKEN") or "").strip()


def pause(seconds: float) -> None:
    """Wait between attempts (tests replace it)."""
    time.sleep(seconds)


class SubmitError(Exception):
    """The database could not be reached or refused the whole call (a bad token, a batch
    that failed after every retry); statements not accepted keep ``tdb_submitted_at`` None."""


@dataclass
class SubmitReport:
    """What a submission did: puids accepted (with the database's uuid, "" when it already
    had the statement), puids refused with the database's (or our schema's) reasons."""

    accepted: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    calls: int = 0


Recorder = Callable[[Statement, str], object]


@dataclass
class Submitter:
    """Sends statements to the multiple-statements endpoint, at most ``batch_size`` a call
    (the API takes 100). Network errors, 408/425/429 and 5xx answers are retried up to
    ``attempts`` times with exponential backoff from ``backoff`` seconds (a ``Retry-After``
    of at most ``max_wait`` seconds is honoured). A 422 names the statements it refuses
    (``errors.statement_<index>``); none of the call's statements were stored then, so they
    are recorded as refused and the rest is sent again. Puids the database already holds
    (``errors.existing_puids``: a call whose answer was lost) count as accepted.

    ``accept(statement, uuid)`` and ``refuse(statement, reason)`` record the outcome (the
    command passes the actions that store it)."""

    url: str
    token: str
    accept: Recorder
    refuse: Recorder
    batch_size: int = MAX_BATCH
    attempts: int = 5
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 30.0
    # How to wait between attempts (None: ``pause``, looked up when waiting).
    sleep: Callable[[float], None] | None = None
    report: SubmitReport = field(default_factory=SubmitReport)

    def submit(self, statements: Sequence[Statement]) -> SubmitReport:
        """Send ``statements``; SubmitError when a call fails for good (the report so far is
        in ``self.report``)."""
        if not self.token:
            raise SubmitError("no API token: set NEWSDESK_LEGAL_TDB_TOKEN")
        http_client.check_url(self.url)
        size = max(1, min(self.batch_size, MAX_BATCH))
        with http_client.client(
            timeout=self.timeout,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
            follow_redirects=False,
        ) as session:
            for first in range(0, len(statements), size):
                self._batch(session, list(statements[first : first + size]))
        return self.report

    def _refuse(self, statement: Statement, reason: str) -> None:
        self.report.refused[statement.puid] = reason
        self.refuse(statement, reason)

    def _accept(self, statement: Statement, uuid: str) -> None:
        self.report.accepted[statement.puid] = uuid
        self.accept(statement, uuid)

    def _batch(self, session: httpx.Client, batch: list[Statement]) -> None:
        pending: list[tuple[Statement, dict[str, Any]]] = []
        for statement in batch:
            payload = project(statement)
            found = problems(payload)
            if found:
                self._refuse(statement, "not sent, our schema refuses it: " + "; ".join(found))
            else:
                pending.append((statement, payload))
        while pending:
            response = self._post(session, [payload for _statement, payload in pending])
            if response.status_code == 201:
                created = _created_uuids(response)
                for statement, _payload in pending:
                    self._accept(statement, created.get(statement.puid, ""))
                return
            if response.status_code == 422:
                pending = self._sort_out(pending, _json(response))
                continue
            reason = f"HTTP {response.status_code}: {_message(response)}"
            for statement, _payload in pending:
                self._refuse(statement, reason)
            raise SubmitError(f"{self.url} refused the call ({reason})")

    def _sort_out(
        self, pending: list[tuple[Statement, dict[str, Any]]], answer: dict[str, Any]
    ) -> list[tuple[Statement, dict[str, Any]]]:
        """After a 422: record what it names, return what to send again (nothing when the
        answer names no statement: then every one is refused with its message)."""
        errors = answer.get("errors") if isinstance(answer.get("errors"), dict) else {}
        assert isinstance(errors, dict)
        existing = {str(puid) for puid in errors.get("existing_puids") or []}
        named: dict[int, str] = {}
        for key, value in errors.items():
            if isinstance(key, str) and key.startswith("statement_") and key[10:].isdigit():
                named[int(key[10:])] = _flatten(value)
        if not existing and not named:
            reason = f"HTTP 422: {_flatten(answer.get('message') or errors)}"
            for statement, _payload in pending:
                self._refuse(statement, reason)
            return []
        again: list[tuple[Statement, dict[str, Any]]] = []
        for index, (statement, payload) in enumerate(pending):
            if statement.puid in existing:
                self._accept(statement, "")
            elif index in named:
                self._refuse(statement, named[index])
            else:
                again.append((statement, payload))
        return again

    def _post(self, session: httpx.Client, payloads: list[dict[str, Any]]) -> httpx.Response:
        body = json.dumps({"statements": payloads}, ensure_ascii=False).encode()
        last = ""
        for attempt in range(self.attempts):
            wait = self.backoff * (2**attempt)
            self.report.calls += 1
            try:
                response = session.post(self.url, content=body)
            except httpx.HTTPError as exc:
                last = http_client.fetch_error(exc, self.url, timeout=self.timeout).problem
            else:
                status = response.status_code
                if status not in (408, 425, 429) and status < 500:
                    return response
                last = f"HTTP {status}"
                retry_after = response.headers.get("retry-after", "").strip()
                if retry_after.isdigit():
                    wait = min(float(retry_after), self.max_wait)
            if attempt + 1 < self.attempts:
                logger.info("transparency database: %s; again in %.1f s", last, wait)
                (self.sleep or pause)(wait)
        raise SubmitError(f"{self.url}: {last} after {self.attempts} attempts")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _message(response: httpx.Response) -> str:
    answer = _json(response)
    return str(answer.get("message") or response.reason_phrase or "no reason given")[:500]


def _flatten(value: Any) -> str:
    """A 422's errors for one statement as one line: "field: message; ..."."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_flatten(item)}" for key, item in value.items())
    if isinstance(value, list):
        return " ".join(_flatten(item) for item in value)
    return str(value)


def _created_uuids(response: httpx.Response) -> dict[str, str]:
    created = _json(response).get("statements")
    out: dict[str, str] = {}
    if isinstance(created, list):
        for item in created:
            if isinstance(item, dict) and item.get("puid"):
                out[str(item["puid"])] = str(item.get("uuid") or "")
    return out
