"""``newsdesk backup DIR``: the database, the model store and the uploads into a new directory
(newsdesk.core.backups; docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: an online copy; PostgreSQL: pg_dump), the translation "
        "model store and the uploads into DIR, with a manifest of SHA-256 sums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty directory")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        def say(line: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(line)
                self.stdout.flush()

        try:
            backup(options["directory"], alias=options["database"], say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
