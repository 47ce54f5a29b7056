"""Django's ``flush`` (empty every table), with the audit trail's guard lifted for it.

``flush`` deletes the whole database's content after asking; on SQLite it does so with DELETE,
which the audit trail's triggers would refuse. This command empties the trail first inside
:func:`newsdesk.core.audit.unguarded`, then runs Django's flush. Tests that run in real
transactions rely on it to start from an empty database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from newsdesk.core.audit import unguarded
from newsdesk.core.models import AuditEvent


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        if options["interactive"]:
            answer = input(
                f"This deletes all data in the database {database!r}, the audit trail "
                "included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
            options = {**options, "interactive": False}
        self.empty_audit_trail(database)
        super().handle(**options)

    @staticmethod
    def empty_audit_trail(database: str) -> None:
        table = connections[database].ops.quote_name(AuditEvent._meta.db_table)
        with unguarded(reason="flush", using=database):
            with connections[database].cursor() as cursor:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a model's table name)
