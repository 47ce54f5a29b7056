"""The editions pipeline: ask for translations, run them in the worker, publish the result.

The worker's task :func:`translate_edition` (here, beside the function it wraps) only calls
:func:`run_translation`. What editors do to an edition (post-edit, approve, translate again)
goes through the actions in :mod:`newsdesk.editions.actions`.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.core import clock, queues
from newsdesk.editions import batching
from newsdesk.editions.models import Edition, EditionSegment, review_first
from newsdesk.editions.source import fingerprint, source_fields, target_languages
from newsdesk.newsroom import page_cache
from newsdesk.newsroom.inline_html import clean_inline_html
from newsdesk.newsroom.models import Article, Block
from newsdesk.translation.engines import (
    EngineUnavailable,
    TranslationEngine,
    UnsupportedLanguagePair,
    get_engine,
)
from newsdesk.translation.pipeline import (
    DocumentResult,
    SourceField,
    glossary_for,
    translate_document,
)
from newsdesk.translation.segmentation import FieldLayout, Segment, restore, split_field

logger = logging.getLogger(__name__)

_ORIGINS = {
    "engine": EditionSegment.Origin.MACHINE,
    "memory": EditionSegment.Origin.MEMORY,
    "human": EditionSegment.Origin.HUMAN,
    "copied": EditionSegment.Origin.COPIED,
}
VISIBLE_STATES = (Edition.State.PUBLISHED, Edition.State.REVIEWED)


def _article(article_id: int) -> Article:
    return (
        Article.objects.select_related("section")
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.order_by("position", "id")))
        .get(pk=article_id)
    )


def _enqueue_on_commit(edition_id: int, delay: float = 0, *, bounded: bool = True) -> None:
    """Queue the edition's task once the transaction commits, `delay` seconds later.

    A backend that cannot defer (the immediate one) runs a bounded retry at once and skips an
    unbounded wait (a worker's start-up sweep picks that edition up instead).
    """

    def send() -> None:
        task = translate_edition.using(queue_name=queues.translation_queue())
        if delay:
            if task.get_backend().supports_defer:
                task = task.using(run_after=clock.now() + dt.timedelta(seconds=delay))
            elif not bounded:
                return
        task.enqueue(edition_id)

    transaction.on_commit(send)


def _edition_for(article: Article, language: str) -> Edition:
    """The article's edition in this language, made if missing (two workers: one row)."""
    try:
        with transaction.atomic():
            edition, _created = Edition.objects.get_or_create(article=article, language=language)
    except IntegrityError:
        edition = Edition.objects.get(article=article, language=language)
    return edition


def request_editions(
    article: Article,
    *,
    force: bool = False,
    languages: list[str] | None = None,
    enqueue: bool = True,
) -> list[Edition]:
    """After the original was published or changed: queue a translation per target language.

    Readers keep seeing a visible edition until its re-translation is complete; with
    ``force`` (a newer model) the edition is translated again even if the original is the same.
    ``enqueue=False`` marks the editions without sending tasks to the worker (the caller runs
    ``run_translation`` itself).
    """
    if not article.is_published:
        return []
    article = _article(article.pk)
    wanted = fingerprint(source_fields(article))
    editions = []
    for language in languages or target_languages(article):
        edition = _edition_for(article, language)
        with transaction.atomic():
            edition = Edition.objects.select_for_update().get(pk=edition.pk)
            asked = edition.wanted_fingerprint == wanted
            done = asked and edition.source_fingerprint == wanted
            if not force and ((asked and edition.queued) or (done and not edition.is_failed)):
                editions.append(edition)
                continue
            if edition.is_visible and edition.content_fingerprint != wanted:
                edition.state = Edition.State.STALE
            elif not edition.is_visible:
                edition.state = Edition.State.PENDING
            edition.wanted_fingerprint = wanted
            edition.queued = True
            edition.force_engine = force
            edition.attempts = 0
            edition.error = ""
            edition.save()
            if edition.is_visible:
                transaction.on_commit(page_cache.invalidate)
            if enqueue:
                _enqueue_on_commit(edition.pk)
        editions.append(edition)
    return editions


def withdraw_editions(article: Article) -> int:
    """The original is no longer published: stop translating it (its pages 404 anyway)."""
    return Edition.objects.filter(article=article, queued=True).update(
        queued=False, claimed_until=None, claim_token=""
    )


def _claim(edition_id: int) -> str | None:
    """Take the edition's queued work, or None if there is none or another worker holds it."""
    token = secrets.token_hex(8)
    now = clock.now()
    lease = dt.timedelta(seconds=settings.NEWSDESK_EDITIONS_LEASE_SECONDS)
    claimed = (
        Edition.objects.filter(pk=edition_id, queued=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease, claim_token=token)
    )
    return token if claimed else None


def requeue_abandoned(*, unclaimed_too: bool = False) -> list[int]:
    """Queue again the editions whose worker died: their claim has expired.

    Each is released with a conditional UPDATE first, so that several workers sweeping at
    once queue it only once. ``unclaimed_too`` (at worker start-up) also queues work that was
    never claimed, in case its task was lost; a second task for it finds nothing to do.
    """
    now = clock.now()
    found = []
    for edition_id in Edition.objects.filter(queued=True, claimed_until__lt=now).values_list(
        "pk", flat=True
    ):
        released = Edition.objects.filter(pk=edition_id, claimed_until__lt=now).update(
            claimed_until=None, claim_token=""
        )
        if released:
            found.append(edition_id)
    if unclaimed_too:
        untouched_since = now - dt.timedelta(seconds=settings.NEWSDESK_EDITIONS_LEASE_SECONDS)
        found.extend(
            Edition.objects.filter(
                queued=True, claimed_until__isnull=True, updated_at__lt=untouched_since
            )
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
    for edition_id in found:
        _enqueue_on_commit(edition_id)
    return found


def requeue_for_cpu_workers() -> list[int]:
    """No GPU worker runs (its heartbeat expired) but one ran lately: queue again, on the
    CPU workers' queue, the editions that wait untouched for longer than a heartbeat (their
    task sits on the GPU queue). First tries only (a retry keeps its back-off) and no wait
    for a model; each is touched with a conditional UPDATE first, so several sweeping
    workers queue it once, and a second task for it finds nothing to do."""
    if queues.gpu_worker_alive() or not queues.gpu_worker_seen():
        return []
    now = clock.now()
    untouched_since = now - dt.timedelta(seconds=queues.heartbeat_seconds())
    found = []
    for edition_id, updated_at in Edition.objects.filter(
        queued=True,
        attempts=0,
        error="",
        claimed_until__isnull=True,
        updated_at__lt=untouched_since,
    ).values_list("pk", "updated_at"):
        touched = Edition.objects.filter(
            pk=edition_id, updated_at=updated_at, claimed_until__isnull=True
        ).update(updated_at=now)
        if touched:
            found.append(edition_id)
            transaction.on_commit(partial(_enqueue_for_cpu, edition_id))
    return found


def _enqueue_for_cpu(edition_id: int) -> None:
    translate_edition.using(queue_name=queues.TRANSLATION).enqueue(edition_id)


def waiting_for_model() -> Any:
    """Editions that wait for a translation model (see _waiting_for_model): queued, not
    claimed, no attempt used up, the wait written in ``error``."""
    return Edition.objects.filter(queued=True, attempts=0, claimed_until__isnull=True).exclude(
        error=""
    )


def start_waiting_editions(engine: TranslationEngine | None = None) -> list[int]:
    """Queue at once the editions that waited for a model their pair now has (installed by
    `newsdesk models install`, or found by a worker). Each is taken with a conditional UPDATE
    that ends its wait, so several workers sweeping at once queue it only once."""
    from newsdesk.translation.engines import get_engine

    try:
        engine = engine or get_engine()
        pairs = engine.language_pairs()
    except Exception:  # noqa: BLE001 - a broken engine: the editions keep waiting
        logger.exception("cannot ask the translation engine for its languages")
        return []
    started = []
    for edition_id, error, source, target in waiting_for_model().values_list(
        "pk", "error", "article__language", "language"
    ):
        if (source, target) not in pairs:
            continue
        taken = (
            waiting_for_model()
            .filter(pk=edition_id, error=error)
            .update(error="", updated_at=clock.now())
        )
        if taken:
            _enqueue_on_commit(edition_id)
            started.append(edition_id)
    return started


# Per field id, the field's pieces in order: verbatim text (str) between segments, and each
# segment as its position in the edition's segment list (int). Stored as Edition.layout.
FieldPieces = list[str | int]


@dataclass
class _Built:
    """The pipeline's result as the edition stores it: unsaved segment rows, and the layout
    that puts them back together per field."""

    rows: list[EditionSegment]
    layout: dict[str, FieldPieces]


def _markers(segment: Segment, starts: dict[int, str]) -> list[list[Any]]:
    """Each tag of the segment as the translation writes it (a link's title translated)."""
    return [
        [n, tag.kind, starts.get(n, tag.start), tag.end] for n, tag in sorted(segment.tags.items())
    ]


def _build_segments(
    edition: Edition,
    fields: list[SourceField],
    layouts: list[FieldLayout],
    result: DocumentResult,
) -> _Built:
    old = list(edition.segments.all())
    by_source = {(s.field, s.source_text): s for s in old if s.human_text}
    by_place: dict[tuple[str, int], EditionSegment] = {}
    counters: dict[str, int] = {}
    for segment in old:
        index = counters.get(segment.field, 0)
        by_place[(segment.field, index)] = segment
        counters[segment.field] = index + 1

    rows: list[EditionSegment] = []
    layout: dict[str, FieldPieces] = {}
    for source_field, field_layout, field_result in zip(
        fields, layouts, result.fields, strict=True
    ):
        parts: FieldPieces = []
        index = 0
        for part in field_layout.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            outcome = field_result.segments[index]
            if outcome.source != part.text:
                raise RuntimeError(f"segments out of step in {source_field.id}")
            origin = _ORIGINS.get(outcome.origin, EditionSegment.Origin.MACHINE)
            # The sentence's own findings and those of the alt and title values inside it.
            flags = [issue.as_dict() for issue in outcome.all_issues]
            kept = by_source.get((source_field.id, part.text))
            human = ""
            machine = outcome.target
            if kept is not None:
                human, origin = kept.human_text, EditionSegment.Origin.HUMAN
                machine = kept.machine_text or machine
                flags = []  # an editor has already looked at this sentence
            elif origin == EditionSegment.Origin.HUMAN:
                human = outcome.target
                flags = []
            else:
                before = by_place.get((source_field.id, index))
                if before is not None and before.human_text and before.source_text != part.text:
                    flags.append(
                        {
                            "code": "correction-outdated",
                            "message": _(
                                "The original of this sentence changed after it was corrected; "
                                "the earlier correction was: %(text)s"
                            )
                            % {"text": before.human_text},
                        }
                    )
            rows.append(
                EditionSegment(
                    edition=edition,
                    field=source_field.id,
                    position=len(rows),
                    source_text=part.text,
                    source_display=restore(part, part.text, source_field.is_html).text,
                    machine_text=machine,
                    human_text=human,
                    origin=origin,
                    trailing=part.trailing,
                    is_html=source_field.is_html,
                    flags=flags,
                    markers=_markers(part, outcome.tag_starts),
                    corrected_by=kept.corrected_by if kept else None,
                    corrected_at=kept.corrected_at if kept else None,
                )
            )
            parts.append(len(rows) - 1)
            index += 1
        layout[source_field.id] = parts
    return _Built(rows, layout)


def assemble(edition: Edition, segments: list[EditionSegment]) -> dict[str, str]:
    """{field id: text} from the layout and the segments (corrections win)."""
    content: dict[str, str] = {}
    for field_id, parts in edition.layout.items():
        pieces = []
        is_html = False
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                segment = segments[part]
                is_html = segment.is_html
                pieces.append(segment.text + segment.trailing)
        text = "".join(pieces)
        content[field_id] = clean_inline_html(text) if is_html else text
    return content


def publish_content(edition: Edition, segments: list[EditionSegment], *, reviewed: bool) -> None:
    """Put the segments' text together as the edition's content (the caller saves the edition);
    reader pages change after the commit."""
    edition.content = assemble(edition, segments)
    edition.content_fingerprint = edition.source_fingerprint
    edition.content_published_at = clock.now()
    edition.content_reviewed = reviewed
    transaction.on_commit(page_cache.invalidate)


def run_translation(edition_id: int, engine: TranslationEngine | None = None) -> str:
    """The worker's job for one edition; returns what happened (for the task result)."""
    token = _claim(edition_id)
    if token is None:
        return "nothing to do"
    return _translate_claimed(edition_id, token, engine)


def editions_per_batch(engine: TranslationEngine) -> int:
    """How many waiting editions one task takes (NEWSDESK_MT_BATCH_EDITIONS; 0: automatic,
    1 on a CPU and 16 on CUDA, where the engine is fast only with big batches)."""
    configured = int(getattr(settings, "NEWSDESK_MT_BATCH_EDITIONS", 0) or 0)
    if configured > 0:
        return configured
    return AUTO_BATCH_EDITIONS.get(str(getattr(engine, "device", "cpu")), 1)


AUTO_BATCH_EDITIONS = {"cpu": 1, "cuda": 16}


def _claim_companions(edition: Edition, source: str, wanted: int) -> dict[int, str]:
    """Claim up to ``wanted`` other editions waiting for the same language pair: queued,
    unclaimed, on their first try (an edition in its back-off keeps it) and not waiting for
    a model. {edition id: claim token}; each taken with the usual conditional UPDATE, so an
    edition another worker holds is skipped."""
    candidates = (
        Edition.objects.filter(
            queued=True,
            attempts=0,
            error="",
            claimed_until__isnull=True,
            language=edition.language,
            article__language=source,
        )
        .exclude(pk=edition.pk)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[: wanted * 2]
    )
    claimed: dict[int, str] = {}
    for candidate in candidates:
        token = _claim(candidate)
        if token is not None:
            claimed[candidate] = token
            if len(claimed) >= wanted:
                break
    return claimed


def run_translations(
    edition_id: int, engine: TranslationEngine | None = None, *, limit: int | None = None
) -> dict[int, str]:
    """The worker's job for an edition and up to ``limit - 1`` others of the same language
    pair waiting at the same time (``limit``: :func:`editions_per_batch`). Their segments go
    to the engine in one call (:mod:`newsdesk.editions.batching`); then each edition is
    finished on its own as :func:`run_translation` would (its claim, memory, glossary,
    checks, one publication), so a failing edition fails alone. Returns {edition id: what
    happened}; the others' own tasks later find nothing to do."""
    token = _claim(edition_id)
    if token is None:
        return {edition_id: "nothing to do"}
    if engine is None:
        try:
            engine = get_engine()
        except Exception:  # noqa: BLE001 - an engine that cannot be built (e.g. no CUDA):
            # this edition fails through the usual path (retries with back-off, reported),
            # not by holding its claim until the lease runs out.
            return {edition_id: _translate_claimed(edition_id, token, None)}
    limit = editions_per_batch(engine) if limit is None else limit
    edition = Edition.objects.select_related("article").get(pk=edition_id)
    source = edition.article.language
    claimed = {edition_id: token}
    if limit > 1:
        claimed.update(_claim_companions(edition, source, limit - 1))
    if len(claimed) == 1:
        return {edition_id: _translate_claimed(edition_id, token, engine)}

    wanted: list[str] = []
    for claimed_id in claimed:
        try:
            claimed_edition = Edition.objects.get(pk=claimed_id)
            article = _article(claimed_edition.article_id)
            wanted += batching.segments_to_send(
                engine,
                source_fields(article),
                source,
                claimed_edition.language,
                glossary=glossary_for(source, claimed_edition.language),
                use_memory=not claimed_edition.force_engine,
            )
        except Exception:  # noqa: BLE001 - this edition finds its problem again on its own
            logger.info("edition %s: left out of the shared engine call", claimed_id)
    answers: dict[str, str] = {}
    try:
        answers = batching.translate_together(engine, wanted, source, edition.language)
    except Exception as exc:  # noqa: BLE001 - each edition then asks the engine on its own
        logger.warning("shared engine call for %d editions failed: %s", len(claimed), exc)
    logger.info(
        "%d editions (%s-%s): %d segments in one engine call",
        len(claimed),
        source,
        edition.language,
        len(answers),
    )
    outcomes: dict[int, str] = {}
    for claimed_id, claimed_token in claimed.items():
        answering = batching.AnsweringEngine(engine, answers)
        try:
            outcomes[claimed_id] = _translate_claimed(claimed_id, claimed_token, answering)
        except Exception as exc:  # noqa: BLE001 - one edition's crash is not the others'
            logger.exception("edition %s: crashed in a batch", claimed_id)
            message = f"{type(exc).__name__}: {exc}"
            outcomes[claimed_id] = _failed(claimed_id, claimed_token, message)
    return outcomes


def _translate_claimed(edition_id: int, token: str, engine: TranslationEngine | None) -> str:
    """Translate and publish an edition this worker has claimed with ``token``."""
    edition = Edition.objects.get(pk=edition_id)
    article = _article(edition.article_id)
    if not article.is_published:
        withdraw_editions(article)
        return "original not published"
    fields = source_fields(article)
    source_fp = fingerprint(fields)
    try:
        glossary = glossary_for(article.language, edition.language)
        layouts = [split_field(f.text, f.is_html, glossary) for f in fields]
        result = translate_document(
            fields,
            article.language,
            edition.language,
            engine=engine,
            glossary=glossary,
            use_memory=not edition.force_engine,
        )
        built = _build_segments(edition, fields, layouts, result)
    except UnsupportedLanguagePair as exc:
        return _waiting_for_model(edition_id, token, str(exc))
    except EngineUnavailable as exc:
        logger.warning("edition %s (%s): engine unavailable: %s", edition_id, edition, exc)
        return _failed(edition_id, token, f"{type(exc).__name__}: {exc}", unavailable=True)
    except Exception as exc:  # noqa: BLE001 - any engine crash is retried, then reported
        logger.warning("edition %s (%s): translation failed: %s", edition_id, edition, exc)
        return _failed(edition_id, token, f"{type(exc).__name__}: {exc}")

    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        if edition.claim_token != token:
            return "claim lost to another worker"
        edition.segments.all().delete()
        EditionSegment.objects.bulk_create(built.rows)
        segments = list(edition.segments.order_by("position"))
        edition.layout = built.layout
        edition.engine = result.engine
        edition.model_version = result.model_version
        edition.translated_at = clock.now()
        edition.segments_sent = result.sent_to_engine
        edition.segments_reused = sum(
            1 for s in segments if s.origin in (s.Origin.MEMORY, s.Origin.HUMAN)
        )
        edition.source_fingerprint = source_fp
        edition.source_revision = article.revisions.order_by("-created_at", "-id").first()
        edition.flagged = any(s.flags for s in segments)
        edition.error = ""
        edition.attempts = 0
        edition.force_engine = False
        if edition.flagged or review_first(article.section_id, edition.language):
            edition.state = Edition.State.HELD
            outcome = "held for review"
        else:
            edition.state = Edition.State.PUBLISHED
            publish_content(edition, segments, reviewed=False)
            outcome = "published"
        # The original may have changed while the engine worked: then translate again.
        current = fingerprint(source_fields(_article(article.pk)))
        edition.wanted_fingerprint = current
        edition.queued = current != source_fp
        edition.claimed_until = None
        edition.claim_token = ""
        if edition.queued and edition.is_visible:
            edition.state = Edition.State.STALE
        edition.save()
        if edition.queued:
            _enqueue_on_commit(edition.pk)
    return outcome


def _failed(edition_id: int, token: str, message: str, *, unavailable: bool = False) -> str:
    """An attempt failed: retried with back-off (NEWSDESK_EDITIONS_RETRY_SECONDS doubled each
    time) until NEWSDESK_EDITIONS_MAX_ATTEMPTS, then FAILED. An engine that is ``unavailable``
    (EngineUnavailable: its service down or overloaded) is not the edition's fault: after the
    attempts it keeps waiting, tried again every wait period (as for a missing model), for
    NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS; then FAILED too (a wrong URL, or an error the
    service gives this text every time, must not keep an edition pending for ever)."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        if edition.claim_token != token:
            return "claim lost to another worker"
        edition.attempts += 1
        edition.error = message
        edition.claimed_until = None
        edition.claim_token = ""
        waits = edition.attempts - settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS
        if unavailable and 0 <= waits < _engine_waits():
            edition.error = _("Waiting for the translation engine: %(error)s") % {"error": message}
            _enqueue_on_commit(edition.pk, _wait_period(), bounded=False)
            outcome = "waiting for the engine"
        elif edition.attempts >= settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS:
            edition.state = Edition.State.FAILED
            edition.queued = False
            outcome = "failed"
        else:
            delay = settings.NEWSDESK_EDITIONS_RETRY_SECONDS * 2 ** (edition.attempts - 1)
            _enqueue_on_commit(edition.pk, delay)
            outcome = f"retry {edition.attempts} in {delay} s"
        edition.save()
    return outcome


def _waiting_for_model(edition_id: int, token: str, message: str) -> str:
    """No model for the pair: not the engine's fault, so no attempt is used up; the edition
    waits (and is tried again now and then, and at every worker start)."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition_id)
        if edition.claim_token != token:
            return "claim lost to another worker"
        edition.error = _("Waiting for a translation model: %(error)s") % {"error": message}
        edition.claimed_until = None
        edition.claim_token = ""
        edition.save()
        _enqueue_on_commit(edition.pk, _wait_period(), bounded=False)
    return "waiting for a model"


def _wait_period() -> int:
    """Seconds between two tries of an edition that waits for a model or for the engine."""
    return max(settings.NEWSDESK_EDITIONS_RETRY_SECONDS, 1) * 10


def _engine_waits() -> int:
    """How many waits NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS allows (at most 30,000: the attempt
    counter is a small integer on PostgreSQL)."""
    hours = settings.NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS
    return min(30_000, -(-hours * 3600 // _wait_period()))


# --- post-editing ----------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def to_placeholders(segment: EditionSegment, text: str) -> str:
    """A correction in output form back in the memory's form (markup as <xN> placeholders)."""
    if not segment.is_html:
        return text
    pairs = [(n, start, end) for n, kind, start, end in segment.markers if kind == "pair"]
    voids = {start: n for n, kind, start, _end in segment.markers if kind == "void"}
    used: set[int] = set()
    open_stack: list[tuple[int, str]] = []
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(html.unescape(text[position : match.start()]))
        position = match.end()
        tag = match.group(0)
        replacement = ""
        if tag in voids:
            replacement = f"<x{voids[tag]}/>"
        elif tag.startswith("</"):
            for i in range(len(open_stack) - 1, -1, -1):
                if open_stack[i][1] == tag:
                    replacement = f"</x{open_stack[i][0]}>"
                    del open_stack[i]
                    break
        else:
            for number, start, end in pairs:
                if number not in used and start == tag:
                    used.add(number)
                    open_stack.append((number, end))
                    replacement = f"<x{number}>"
                    break
        out.append(replacement)
    out.append(html.unescape(text[position:]))
    return "".join(out)


@task(queue_name=queues.TRANSLATION)
def translate_edition(edition_id: int) -> str:
    """The worker's task for one edition: translate it (if still wanted) and publish it,
    together with other editions waiting for the same language pair where batching is on
    (NEWSDESK_MT_BATCH_EDITIONS, see :func:`run_translations`)."""
    outcomes = run_translations(edition_id)
    for done_id, done in outcomes.items():
        logger.info("edition %s: %s", done_id, done)
    outcome = outcomes[edition_id]
    if len(outcomes) > 1:
        outcome += f" (with {len(outcomes) - 1} other edition(s) in one batch)"
    # Each run also looks for work a killed worker left behind (its claim has expired).
    requeue_abandoned()
    return outcome
