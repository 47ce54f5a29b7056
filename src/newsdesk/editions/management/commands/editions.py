"""`newsdesk editions retranslate`: translate editions again, e.g. after a model upgrade."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.db.models import QuerySet

from newsdesk.editions import actions as edition_actions
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition
from newsdesk.newsroom.models import Article
from newsdesk.translation.engines import EngineError, TranslationEngine, get_engine

sleep = time.sleep  # between looks at the queue (a test stands in for the worker here)

# How long the queue may stand still before the command says so.
QUIET_SECONDS = 60
CHUNK = 5000  # editions per query when following a large run


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class Command(BaseCommand):
    help = (
        "Translate the editions of published articles again with the current engine and "
        "model (post-edited segments are kept), with a progress bar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        again = commands.add_parser(
            "retranslate",
            help="translate editions again (all, or those of some languages, sections or "
            "an older model)",
        )
        again.add_argument(
            "--language", action="append", default=[], help="only editions in this language"
        )
        again.add_argument(
            "--section", action="append", default=[], help="only articles of this section (slug)"
        )
        again.add_argument(
            "--outdated",
            action="store_true",
            help="only editions made by another engine or model than the one now configured",
        )
        again.add_argument("--dry-run", action="store_true", help="say what would be done")
        mode = again.add_mutually_exclusive_group()
        mode.add_argument(
            "--here", action="store_true", help="translate in this process, not by the worker"
        )
        mode.add_argument(
            "--no-wait", action="store_true", help="queue them for the worker and return"
        )
        again.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)

    @no_translations  # the command speaks English; the site's language is for its pages
    def handle(self, *args: Any, **options: Any) -> None:
        editions = self._select(options)
        if not editions:
            self.stdout.write("No editions to translate again.")
            return
        by_language = Counter(edition.language for edition in editions)
        summary = ", ".join(f"{n} in {code}" for code, n in sorted(by_language.items()))
        if options["dry_run"]:
            self.stdout.write(f"Would translate {len(editions)} editions again: {summary}.")
            return
        self.stdout.write(f"Translating {len(editions)} editions again: {summary}.")
        ids = [edition.pk for edition in editions]
        if options["here"]:
            self._here(editions)
        else:
            queued = self._queue(editions)
            if options["no_wait"] or queued < len(editions):
                self.stdout.write(f"Queued for the worker: {queued} of {len(editions)} editions.")
                if queued < len(editions):
                    raise CommandError("stopped before all editions were queued")
                return
            self._follow(ids, options["poll"])
        self._report(ids)

    def _engine(self) -> TranslationEngine:
        try:
            return get_engine()
        except EngineError as exc:
            raise CommandError(f"the translation engine is not usable: {exc}") from None

    def _select(self, options: dict[str, Any]) -> list[Edition]:
        known = {code for code, _name in settings.LANGUAGES}
        for code in options["language"]:
            if code not in known:
                languages = ", ".join(sorted(known))
                raise CommandError(f"unknown language {code!r}: the site's are {languages}")
        editions: QuerySet[Edition] = Edition.objects.filter(
            article__status=Article.Status.PUBLISHED
        ).select_related("article__section")
        if options["language"]:
            editions = editions.filter(language__in=options["language"])
        if options["section"]:
            editions = editions.filter(article__section__slug__in=options["section"])
            found = set(editions.values_list("article__section__slug", flat=True))
            missing = sorted(set(options["section"]) - found)
            if missing:
                raise CommandError(f"no editions in section(s): {', '.join(missing)}")
        chosen = list(editions.order_by("article_id", "language"))
        # What the engine would use now for each pair (None: it cannot translate the pair).
        engine = self._engine()
        current: dict[tuple[str, str], str | None] = {}
        try:
            for edition in chosen:
                pair = (edition.article.language, edition.language)
                if pair not in current:
                    current[pair] = (
                        engine.model_version(*pair) if engine.can_translate(*pair) else None
                    )
        except EngineError as exc:
            raise CommandError(f"the translation engine is not usable: {exc}") from None
        unavailable = sorted(f"{a}-{b}" for (a, b), version in current.items() if not version)
        if unavailable:
            self.stdout.write(
                f"Left as they are: the engine cannot translate {', '.join(unavailable)} now "
                "(install a model: newsdesk models install PAIR)."
            )
        chosen = [e for e in chosen if current[(e.article.language, e.language)] is not None]
        if options["outdated"]:
            chosen = [
                edition
                for edition in chosen
                if edition.model_version != current[(edition.article.language, edition.language)]
            ]
        return chosen

    def _bar(self, total: int) -> Any:
        from tqdm import tqdm

        return tqdm(total=total, unit="edition", file=self.stderr, mininterval=0.2)

    def _queue(self, editions: list[Edition]) -> int:
        queued = 0
        try:
            for edition in editions:
                edition_actions.do_retranslate_edition(edition, acting_user=None)
                queued += 1
        except KeyboardInterrupt:
            self.stdout.write("Interrupted while queuing.")
        return queued

    def _here(self, editions: list[Edition]) -> None:
        outcomes: Counter[str] = Counter()
        with self._bar(len(editions)) as bar:
            try:
                for edition in editions:
                    edition_actions.do_retranslate_edition(edition, acting_user=None, enqueue=False)
                    outcomes[workflow.run_translation(edition.pk)] += 1
                    bar.update(1)
            except KeyboardInterrupt:
                bar.write(
                    f"Interrupted after {bar.n} of {len(editions)}; the one under way is "
                    "finished by a worker once its claim runs out."
                )
        self.stdout.write(
            "Outcomes: " + ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) + "."
        )

    def _follow(self, ids: list[int], poll: float) -> None:
        """A progress bar until the worker has done them all (Ctrl+C stops watching only)."""
        last_change = time.monotonic()
        warned = False
        with self._bar(len(ids)) as bar:
            try:
                while True:
                    done = sum(
                        Edition.objects.filter(pk__in=chunk, queued=False).count()
                        for chunk in _chunks(ids)
                    )
                    if done != bar.n:
                        bar.update(done - bar.n)
                        last_change = time.monotonic()
                    if done == len(ids):
                        return
                    if not warned and time.monotonic() - last_change > QUIET_SECONDS:
                        waiting = sum(
                            Edition.objects.filter(pk__in=chunk, queued=True)
                            .exclude(error="")
                            .count()
                            for chunk in _chunks(ids)
                        )
                        bar.write(
                            "Nothing has moved for a minute: is `newsdesk worker` running? "
                            f"({waiting} of the rest wait for a retry or a model: their error "
                            "is in the back office. Ctrl+C stops watching; --here translates "
                            "in this process.)"
                        )
                        warned = True
                    sleep(poll)
            except KeyboardInterrupt:
                bar.write("Stopped watching; the worker goes on with the rest.")

    def _report(self, ids: list[int]) -> None:
        states: Counter[str] = Counter()
        waiting = 0
        for chunk in _chunks(ids):
            states.update(Edition.objects.filter(pk__in=chunk).values_list("state", flat=True))
            waiting += Edition.objects.filter(pk__in=chunk, queued=True).count()
        parts = [f"{n} {state}" for state, n in sorted(states.items())]
        line = "Now: " + ", ".join(parts) + (f" ({waiting} still queued)" if waiting else "") + "."
        failed = states.get(Edition.State.FAILED, 0)
        if failed or waiting:
            self.stdout.write(line)
            raise CommandError(
                f"{failed} failed and {waiting} are not done: their errors are in the back "
                "office (Translated editions)."
            )
        self.stdout.write(self.style.SUCCESS(line))
