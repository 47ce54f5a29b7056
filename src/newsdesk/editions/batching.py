"""Translating several editions in one engine call, without changing the pipeline.

The pipeline sends each document's new segments to the engine in one call. To share that
call among documents (editions queued at once, on a GPU that is fast only with big batches):

1. :func:`segments_to_send` runs the pipeline on each document with a
   :class:`CollectingEngine`, which records what the engine would be sent (after the memory,
   the glossary and the cutting of long segments) and stops the pipeline there;
2. the caller translates the union of those segments in one call of the real engine
   (CTranslate2 splits it into batches of ``max_batch_tokens`` tokens);
3. each document goes through the pipeline again, on its own, with an :class:`AnsweringEngine`
   that answers from that call: memory, glossary, checks and provenance stay the document's.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.translation.engines import TranslationEngine
from newsdesk.translation.pipeline import SourceField, translate_document
from newsdesk.translation.segmentation import GlossaryEntry


class _Collected(Exception):  # noqa: N818 - a signal, not an error
    def __init__(self, segments: list[str]) -> None:
        super().__init__("collected")
        self.segments = segments


class _Delegating(TranslationEngine):
    """Everything but translate() as the wrapped engine does it (same name, same model)."""

    def __init__(self, inner: TranslationEngine) -> None:
        self.inner = inner
        self.name = inner.name

    def language_pairs(self) -> set[tuple[str, str]]:
        return self.inner.language_pairs()

    def can_translate(self, source: str, target: str) -> bool:
        return self.inner.can_translate(source, target)

    def check_pair(self, source: str, target: str) -> None:
        self.inner.check_pair(source, target)

    def model_version(self, source: str, target: str) -> str:
        return self.inner.model_version(source, target)

    def segment_limit(self, source: str, target: str) -> int | None:
        return self.inner.segment_limit(source, target)

    def measure(self, segments: list[str], source: str, target: str) -> list[int]:
        return self.inner.measure(segments, source, target)


class CollectingEngine(_Delegating):
    """Records the segments the pipeline sends and stops it (raises an internal signal)."""

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        raise _Collected(list(segments))


class AnsweringEngine(_Delegating):
    """Answers from translations made beforehand (``answers``: segment -> translation, a
    :class:`~newsdesk.translation.engines.CutOutput` kept as such); asks the wrapped engine
    for any segment not among them (the memory changed meanwhile, or the shared call failed).
    ``asked`` counts the segments it had to send to the wrapped engine."""

    def __init__(self, inner: TranslationEngine, answers: dict[str, str]) -> None:
        super().__init__(inner)
        self.answers = answers
        self.asked = 0

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        missing = list(dict.fromkeys(s for s in segments if s not in self.answers))
        found = dict(self.answers)
        if missing:
            self.asked += len(missing)
            found.update(zip(missing, self.inner.translate(missing, source, target), strict=True))
        return [found[segment] for segment in segments]


def segments_to_send(
    engine: TranslationEngine,
    fields: Sequence[SourceField],
    source: str,
    target: str,
    *,
    glossary: Sequence[GlossaryEntry],
    use_memory: bool,
) -> list[str]:
    """What the pipeline would send ``engine`` for this document now (empty when the memory
    knows every segment). Raises what the pipeline raises before the engine call
    (UnsupportedLanguagePair, ValueError for a bad document)."""
    try:
        translate_document(
            fields,
            source,
            target,
            engine=CollectingEngine(engine),
            glossary=glossary,
            use_memory=use_memory,
            run_checks=False,
            detect_language=False,
        )
    except _Collected as collected:
        return collected.segments
    return []


def translate_together(
    engine: TranslationEngine, segments: list[str], source: str, target: str
) -> dict[str, str]:
    """One engine call for the distinct ``segments``: {segment: translation}. Raises what
    the engine raises (EngineError...)."""
    unique = list(dict.fromkeys(segments))
    if not unique:
        return {}
    outputs = engine.translate(unique, source, target)
    if len(outputs) != len(unique):
        from newsdesk.translation.engines import EngineError

        raise EngineError(f"{engine.name} returned {len(outputs)} of {len(unique)} translations")
    return dict(zip(unique, outputs, strict=True))
