"""`newsdesk legal statements export|submit`: statements of reasons for the EU Transparency
Database (Art. 24(5) DSA).

``export [--from DATE] [--to DATE]`` prints each statement issued in the range (days in the
site's time zone, both included) as one JSON object a line, checked against our schema.
Exit status: 0 statements printed; 1 none issued in the range (stderr says so); 2 a bad date,
a range that ends before it starts, or the part switched off.

``submit [--from DATE] [--to DATE] [--batch N]`` sends the statements not yet accepted to
the database's multiple-statements endpoint (``NEWSDESK_LEGAL_TDB_URL``, token in
``NEWSDESK_LEGAL_TDB_TOKEN``; see ``newsdesk.legal.transparency_database``), at most 100 a
call, and records what it accepted. Exit status: 0 every statement accepted (or none to
send); 1 some refused or a call failed for good (each statement keeps its error); 2 no
token, a bad date or the part switched off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.legal import parts
from newsdesk.legal import transparency_database as tdb
from newsdesk.legal.actions.statements import do_record_submission, note_submission_error
from newsdesk.legal.models import Statement
from newsdesk.legal.tdb import MAX_BATCH

HELP = "statements of reasons: export them as JSON Lines, submit them to the EU database"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)", returncode=2) from None


def add_arguments(parser: CommandParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("export", "print the statements as the database's JSON, one a line"),
        ("submit", "send the statements not yet accepted to the database's API"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
        action.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD")
        if name == "submit":
            action.add_argument(
                "--batch",
                type=int,
                default=MAX_BATCH,
                metavar="N",
                help=f"statements per call (1 to {MAX_BATCH})",
            )


def _range(options: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    start = _date(options["start"]) if options.get("start") else None
    end = _date(options["end"]) if options.get("end") else None
    if start and end and end < start:
        raise CommandError(f"the range ends ({end}) before it starts ({start})", returncode=2)
    return start, end


def _describe(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start} on"
    if end:
        return f"up to {end}"
    return "at all"


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    if not parts.enabled("transparency_database"):
        raise CommandError(
            "the export to the Transparency Database is switched off (NEWSDESK_LEGAL_OFF)",
            returncode=2,
        )
    start, end = _range(options)
    statements = tdb.issued_between(start, end)
    if options["action"] == "export":
        _export(command, statements, start, end)
    else:
        _submit(command, statements, options["batch"])


def _export(command: BaseCommand, statements: Any, start: Any, end: Any) -> None:
    printed = 0
    try:
        for line in tdb.json_lines(statements.iterator(chunk_size=500)):
            command.stdout.write(line)
            printed += 1
    except ValueError as exc:
        raise CommandError(str(exc), returncode=1) from None
    if not printed:
        raise CommandError(
            f"no statements of reasons were issued {_describe(start, end)}; nothing to export",
            returncode=1,
        )


def _submit(command: BaseCommand, statements: Any, batch: int) -> None:
    if not 1 <= batch <= MAX_BATCH:
        raise CommandError(f"--batch must be from 1 to {MAX_BATCH}", returncode=2)
    token = tdb.token()
    if not token:
        raise CommandError("no API token: set NEWSDESK_LEGAL_TDB_TOKEN", returncode=2)
    todo: list[Statement] = list(statements.filter(tdb_submitted_at__isnull=True))
    if not todo:
        command.stderr.write("every statement in the range was accepted already; nothing to send")
        return
    submitter = tdb.Submitter(
        url=tdb.endpoint(),
        token=token,
        batch_size=batch,
        accept=lambda statement, uuid: do_record_submission(
            statement, tdb_uuid=uuid, acting_user=None
        ),
        refuse=lambda statement, reason: note_submission_error(statement, error=reason),
    )
    failure = ""
    try:
        submitter.submit(todo)
    except tdb.SubmitError as exc:
        failure = str(exc)
    report = submitter.report
    for puid, reason in report.refused.items():
        command.stderr.write(f"{puid}: {reason}")
    command.stdout.write(
        f"{len(report.accepted)} accepted, {len(report.refused)} refused, "
        f"{len(todo) - len(report.accepted) - len(report.refused)} not sent "
        f"({report.calls} calls)"
    )
    if failure:
        raise CommandError(failure, returncode=1)
    if report.refused:
        raise CommandError(f"{len(report.refused)} statements were refused", returncode=1)
