"""The document pipeline: fields in, translated fields out, with memory, glossary and checks.

A document is an ordered list of :class:`SourceField` (an id, a text, whether it is HTML); the
pipeline knows nothing about what the fields belong to. All segments the memory does not know
go to the engine in one call; the result keeps the fields in order and says, segment by
segment, where each translation came from and what the checks found.

A segment longer than the engine takes whole (:meth:`TranslationEngine.segment_limit`) is cut
at clause boundaries before the engine and its pieces' translations joined; a translation
the engine still had to stop short (:class:`CutOutput`) is flagged and never remembered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsdesk.core import observability
from newsdesk.translation import memory
from newsdesk.translation.checks import Issue, check_segment, cut_issue, placeholder_issue
from newsdesk.translation.engines import CutOutput, EngineError, TranslationEngine, get_engine
from newsdesk.translation.segmentation import (
    FieldLayout,
    GlossaryEntry,
    Segment,
    restore,
    split_field,
)
from newsdesk.translation.sentences import cut_long_segment, normalise_segment


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
    # The translated alt and title values inside this segment's tags, and those tags' start
    # as written in the translation (only the tags that have such values).
    attributes: list[SegmentResult] = field(default_factory=list)
    tag_starts: dict[int, str] = field(default_factory=dict)

    @property
    def all_issues(self) -> list[Issue]:
        return [*(i for a in self.attributes for i in a.all_issues), *self.issues]


@dataclass
class FieldResult:
    id: str
    text: str
    segments: list[SegmentResult]
    # Other translations of the whole field (asked for with alternatives=N), likelier first.
    alternatives: list[str] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [issue for segment in self.segments for issue in segment.all_issues]


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
        for segment in layout.all_segments():
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
        outputs, engine_seconds = _translate_whole(
            engine, to_send, source_language, target_language
        )
        observability.record_translation(engine.name, len(to_send), engine_seconds)
        for key, output in zip(to_send, outputs, strict=True):
            translated[key] = (output, "engine")
        if use_memory:
            memory.store_machine(
                source_language,
                target_language,
                model_version,
                [
                    (key, output)
                    for key, output in zip(to_send, outputs, strict=True)
                    if not isinstance(output, CutOutput)
                ],
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


def _translate_whole(
    engine: TranslationEngine, segments: list[str], source: str, target: str
) -> tuple[list[str], float]:
    """The engine's translation of every segment, with the time it took. A segment longer
    than the engine takes whole goes in pieces (all in the same call) and is joined again; a
    joined translation is a CutOutput if any of its pieces was."""
    limit = engine.segment_limit(source, target)
    pieces_of: list[list[str]] = [[segment] for segment in segments]
    if limit is not None:
        lengths = engine.measure(segments, source, target)
        for index, (segment, length) in enumerate(zip(segments, lengths, strict=True)):
            if length > limit:
                pieces_of[index] = cut_long_segment(
                    segment, limit, lambda texts: engine.measure(texts, source, target)
                )
    flat = [piece for pieces in pieces_of for piece in pieces]
    started = time.perf_counter()
    outputs = engine.translate(flat, source, target)
    seconds = time.perf_counter() - started
    if len(outputs) != len(flat) or not all(isinstance(o, str) for o in outputs):
        raise EngineError(
            f"{engine.name} returned {len(outputs)} translations for {len(flat)} segments"
        )
    joined: list[str] = []
    position = 0
    for pieces in pieces_of:
        parts = outputs[position : position + len(pieces)]
        position += len(pieces)
        if len(parts) == 1:
            joined.append(parts[0])
            continue
        text = " ".join(part.strip() for part in parts)
        joined.append(CutOutput(text) if any(isinstance(p, CutOutput) for p in parts) else text)
    return joined, seconds


def _finish_segment(
    segment: Segment,
    translated: dict[str, tuple[str, str]],
    is_html: bool,
    source_language: str,
    target_language: str,
    run_checks: bool,
    detect_language: bool,
) -> SegmentResult:
    attributes = {
        id(inner): _finish_segment(
            inner,
            translated,
            is_html,
            source_language,
            target_language,
            run_checks,
            detect_language,
        )
        for inner in segment.attribute_segments()
    }

    def attribute_text(inner: Segment) -> str:
        return attributes[id(inner)].target

    tag_starts = {
        number: tag.render_start(attribute_text)
        for number, tag in segment.tags.items()
        if tag.attributes
    }
    if not segment.translatable:
        restored = restore(segment, segment.text, is_html, attribute_text)
        return SegmentResult(
            segment.text, restored.text, "copied", [], list(attributes.values()), tag_starts
        )
    output, origin = translated[normalise_segment(segment.text)]
    restored = restore(segment, output, is_html, attribute_text)
    issues: list[Issue] = []
    problem = placeholder_issue(restored.repairs)
    if problem:
        issues.append(problem)
    if isinstance(output, CutOutput):
        issues.append(cut_issue())
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
    return SegmentResult(
        segment.text, restored.text, origin, issues, list(attributes.values()), tag_starts
    )


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
            parts.append(
                restore(part, output, layout.is_html, _main_attributes(translated, layout)).text
                + part.trailing
            )
        text = "".join(parts)
        if changed and text != main_text and text not in texts:
            texts.append(text)
    return texts


def _main_attributes(
    translated: dict[str, tuple[str, str]], layout: FieldLayout
) -> Callable[[Segment], str]:
    """Alt and title values as in the main translation (alternatives vary sentences only)."""

    def attribute_text(inner: Segment) -> str:
        if not inner.translatable:
            return restore(inner, inner.text, layout.is_html).text
        return restore(inner, translated[normalise_segment(inner.text)][0], layout.is_html).text

    return attribute_text
