"""``newsdesk restore DIR [--force]``: put a backup made by ``newsdesk backup`` back
(newsdesk.core.backups; docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsdesk.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `newsdesk backup`: checks every SHA-256 sum first, refuses a "
        "database, model store or media directory that holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory made by newsdesk backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the target holds (its database, models and media)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        def say(line: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(line)
                self.stdout.flush()

        try:
            restore(
                options["directory"],
                alias=options["database"],
                force=options["force"],
                say=say,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
