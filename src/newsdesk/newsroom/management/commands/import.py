"""`newsdesk import`: bring articles in from a JSON / JSON Lines file or an RSS/Atom feed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newsdesk.newsroom.importer import (
    FORMATS,
    Importer,
    ImportInputError,
    Outcome,
    Record,
    detect_format,
    load_source,
    read_records,
)

EXIT_SOME_FAILED = 1
EXIT_INPUT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Import articles from a JSON (.json), JSON Lines (.jsonl) file or an RSS/Atom feed, "
        "given as a path or an http(s) URL. Bad records are reported and skipped. "
        "Exit code 0: all went in; 1: some records failed; 2: the input cannot be read. "
        "The JSON format is described in docs/import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="PATH_OR_URL", help="a local file or an http(s) URL")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="auto",
            help="input format (default: from the file name, type or content)",
        )
        parser.add_argument(
            "--section",
            metavar="SLUG",
            help="section for records that name none (or, in feeds, none that exists)",
        )
        parser.add_argument(
            "--create-sections",
            action="store_true",
            help="create sections that do not exist yet instead of failing",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="import new articles as drafts instead of publishing them",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite articles imported before (same id/guid) instead of skipping them",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything and report, but write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the account the revisions and new articles are recorded under",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=30.0,
            metavar="SECONDS",
            help="how long to wait for a URL to answer (default 30)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["timeout"] <= 0:
            raise CommandError(
                _("--timeout must be more than 0 seconds."), returncode=EXIT_INPUT_UNREADABLE
            )
        acting_user = None
        if options["user"]:
            acting_user = get_user_model().objects.filter(username=options["user"]).first()
            if acting_user is None:
                raise CommandError(
                    _("There is no user %(username)s.") % {"username": options["user"]},
                    returncode=EXIT_INPUT_UNREADABLE,
                )
        try:
            source = load_source(options["source"], timeout=options["timeout"])
            records = read_records(source, detect_format(source, options["format"]))
            importer = Importer(
                default_section=options["section"],
                create_sections=options["create_sections"],
                draft=options["draft"],
                update=options["update"],
                dry_run=options["dry_run"],
                timeout=options["timeout"],
                acting_user=acting_user,
            )
        except ImportInputError as exc:
            raise CommandError(str(exc), returncode=EXIT_INPUT_UNREADABLE) from None

        dry_run = options["dry_run"]
        counts = {"imported": 0, "updated": 0, "skipped": 0, "failed": 0}
        total = len(records)
        if not total:
            self.stdout.write(_("%(source)s holds no articles.") % {"source": source.name})
        for number, record in enumerate(records, start=1):
            outcome = importer.import_record(record)
            counts[outcome.status] += 1
            line = (
                f"[{number}/{total}] {self._verb(outcome, dry_run)}: {self._title(record, outcome)}"
            )
            if outcome.status == "skipped" and outcome.messages:
                line += f" ({outcome.messages[0]})"
            self.stdout.write(line)
            for message in outcome.messages if outcome.status == "failed" else []:
                self.stderr.write(f"{record.location} ({self._title(record, outcome)}): {message}")
            if outcome.status != "failed":
                for note in record.notes:
                    self.stderr.write(
                        f"{record.location} ({self._title(record, outcome)}): "
                        + _("note: %(note)s") % {"note": note}
                    )

        summary = (
            _("%(imported)d imported, %(updated)d updated, %(skipped)d skipped, %(failed)d failed")
            % counts
        )
        if dry_run:
            summary = _("Dry run, nothing was written: %(summary)s.") % {"summary": summary}
        else:
            summary = _("Done: %(summary)s.") % {"summary": summary}
        if counts["failed"]:
            self.stdout.write(summary)
            raise CommandError(
                _("%(failed)d of %(total)d records failed; the lines above say why.")
                % {"failed": counts["failed"], "total": total},
                returncode=EXIT_SOME_FAILED,
            )
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _verb(outcome: Outcome, dry_run: bool) -> str:
        if dry_run and outcome.status == "imported":
            return _("would import")
        if dry_run and outcome.status == "updated":
            return _("would update")
        verbs = {
            "imported": _("imported"),
            "updated": _("updated"),
            "skipped": _("skipped"),
            "failed": _("failed"),
        }
        return verbs[outcome.status]

    @staticmethod
    def _title(record: Record, outcome: Outcome) -> str:
        title = outcome.article.headline if outcome.article is not None else record.title
        return f"“{title}”" if title else _("(no headline)")
