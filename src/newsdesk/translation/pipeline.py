"""The document pipeline: fields in, translated fields out, with memory, glossary and checks.

A document is an ordered list of :class:`SourceField` (an id, a text, whether it is HTML); the
pipeline knows nothing about what the fields belong to. All segments the memory does not know
go to the engine in one call; the result keeps the fields in order and says, segment by
segment, where each translation came from and what the checks found.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdesk.core import observability
from newsdesk.translation import memory
from newsdesk.translation.checks import Issue, check_segment, placeholder_issue
from newsdesk.translation.engines import EngineError, TranslationEngine, get_engine
from newsdesk.translation.segmentation import (
    FieldLayout,
    GlossaryEntry,
    Segment,
    restore,
    split_field,
)
from newsdesk.translation.sentences import normalise_segment


@dataclass(frozen=True)
class SourceField:
    id: str
    text: str
    is_html: bool = False


@dataclass
class SegmentResult:
    source: str  # the segment as sent to the engine (placeholders in it)
    target: str  # the final translation of the segment (markup restored, output form)
    origin: str  # "engine", "memory", "human" (a correction from the memory) or "copied"
    issues: list[Issue] = field(default_factory=list)


@dataclass
class FieldResult:
    id: str
    text: str
    segments: list[SegmentResult]
    # Other translations of the whole field (asked for with alternatives=N), likelier first.
    alternatives: list[str] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [issue for segment in self.segments for issue in segment.issues]


@dataclass
class DocumentResult:
    source_language: str
    target_language: str
    engine: str
    model_version: str
    fields: list[FieldResult]
    sent_to_engine: int  # how many distinct segments the engine translated
    engine_seconds: float = 0.0
    total_seconds: float = 0.0

    def text(self, field_id: str) -> str:
        for result in self.fields:
            if result.id == field_id:
                return result.text
        raise KeyError(field_id)

    @property
    def flagged(self) -> bool:
        return any(result.issues for result in self.fields)


def glossary_for(source_language: str, target_language: str) -> list[GlossaryEntry]:
    from newsdesk.translation.models import GlossaryTerm

    terms = GlossaryTerm.objects.filter(
        source_language=source_language, target_language=target_language
    )
    return [GlossaryEntry(t.term, t.target, t.case_sensitive) for t in terms]


def translate_document(
    fields: Sequence[SourceField],
    source_language: str,
    target_language: str,
    *,
    engine: TranslationEngine | None = None,
    glossary: Sequence[GlossaryEntry] | None = None,
    use_memory: bool = True,
    run_checks: bool = True,
    detect_language: bool = True,
    alternatives: int = 0,
) -> DocumentResult:
    """Translate a document's fields in one engine call; see the module docstring.

    With ``alternatives`` > 0 every field also gets up to that many other translations: the
    n-th puts together the n-th alternative of each of its segments (the main translation
    where a segment has fewer), markup restored the same way; a second engine call that
    bypasses the memory, which keeps only the main translation."""
    started = time.perf_counter()
    engine = engine or get_engine()
    engine.check_pair(source_language, target_language)
    if glossary is None:
        glossary = glossary_for(source_language, target_language)
    model_version = engine.model_version(source_language, target_language)
    ids = [f.id for f in fields]
    if len(set(ids)) != len(ids):
        raise ValueError("Every field of a document needs its own id.")

    layouts = [split_field(f.text, f.is_html, glossary) for f in fields]
    keys: list[str] = []
    for layout in layouts:
        for segment in layout.segments:
            if segment.translatable:
                keys.append(normalise_segment(segment.text))
    unique_keys = list(dict.fromkeys(keys))

    known = (
        memory.lookup(source_language, target_language, model_version, unique_keys)
        if use_memory
        else {}
    )
    to_send = [key for key in unique_keys if key not in known]
    engine_seconds = 0.0
    translated: dict[str, tuple[str, str]] = {
        key: (target, "human" if origin == "human" else "memory")
        for key, (target, origin) in known.items()
    }
    if to_send:
        engine_started = time.perf_counter()
        outputs = engine.translate(to_send, source_language, target_language)
        engine_seconds = time.perf_counter() - engine_started
        observability.record_translation(engine.name, len(to_send), engine_seconds)
        if len(outputs) != len(to_send) or not all(isinstance(o, str) for o in outputs):
            raise EngineError(
                f"{engine.name} returned {len(outputs)} translations for {len(to_send)} segments"
            )
        for key, output in zip(to_send, outputs, strict=True):
            translated[key] = (output, "engine")
        if use_memory:
            memory.store_machine(
                source_language,
                target_language,
                model_version,
                list(zip(to_send, outputs, strict=True)),
            )

    others: dict[str, list[str]] = {}
    if alternatives > 0 and unique_keys:
        engine_started = time.perf_counter()
        found = engine.translate_alternatives(
            unique_keys, source_language, target_language, alternatives
        )
        engine_seconds += time.perf_counter() - engine_started
        if len(found) != len(unique_keys):
            raise EngineError(
                f"{engine.name} returned alternatives for {len(found)} of {len(unique_keys)} "
                "segments"
            )
        for key, candidates in zip(unique_keys, found, strict=True):
            best = translated[key][0]
            kept = [c for c in dict.fromkeys(candidates) if isinstance(c, str) and c != best]
            others[key] = kept[:alternatives]

    results = []
    for source_field, layout in zip(fields, layouts, strict=True):
        parts: list[str] = []
        segment_results: list[SegmentResult] = []
        for part in layout.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            result = _finish_segment(
                part,
                translated,
                layout.is_html,
                source_language,
                target_language,
                run_checks,
                detect_language,
            )
            segment_results.append(result)
            parts.append(result.target + part.trailing)
        text = "".join(parts)
        field_alternatives = (
            _field_alternatives(layout, translated, others, alternatives, text) if others else []
        )
        results.append(FieldResult(source_field.id, text, segment_results, field_alternatives))
    return DocumentResult(
        source_language=source_language,
        target_language=target_language,
        engine=engine.name,
        model_version=model_version,
        fields=results,
        sent_to_engine=len(to_send),
        engine_seconds=engine_seconds,
        total_seconds=time.perf_counter() - started,
    )


def _finish_segment(
    segment: Segment,
    translated: dict[str, tuple[str, str]],
    is_html: bool,
    source_language: str,
    target_language: str,
    run_checks: bool,
    detect_language: bool,
) -> SegmentResult:
    if not segment.translatable:
        restored = restore(segment, segment.text, is_html)
        return SegmentResult(segment.text, restored.text, "copied")
    output, origin = translated[normalise_segment(segment.text)]
    restored = restore(segment, output, is_html)
    issues: list[Issue] = []
    problem = placeholder_issue(restored.repairs)
    if problem:
        issues.append(problem)
    if run_checks:
        glossary_targets = sorted({tag.plain for tag in segment.tags.values() if tag.glossary_term})
        issues.extend(
            check_segment(
                segment.plain_source(),
                restored.plain,
                source_language,
                target_language,
                glossary_targets,
                detect_language,
            )
        )
    return SegmentResult(segment.text, restored.text, origin, issues)


def _field_alternatives(
    layout: FieldLayout,
    translated: dict[str, tuple[str, str]],
    others: dict[str, list[str]],
    count: int,
    main_text: str,
) -> list[str]:
    """Up to ``count`` other versions of a field, each different from the main one and from
    each other."""
    texts: list[str] = []
    for n in range(count):
        parts: list[str] = []
        changed = False
        for part in layout.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            output = part.text
            if part.translatable:
                key = normalise_segment(part.text)
                candidates = others.get(key, [])
                output = candidates[n] if n < len(candidates) else translated[key][0]
                changed = changed or n < len(candidates)
            parts.append(restore(part, output, layout.is_html).text + part.trailing)
        text = "".join(parts)
        if changed and text != main_text and text not in texts:
            texts.append(text)
    return texts
