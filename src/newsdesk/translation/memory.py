"""The translation memory: look up and store segments; human corrections win over machines."""

from __future__ import annotations

from django.db import transaction

from newsdesk.core.actors import Actor, person
from newsdesk.translation.models import MemoryEntry, segment_hash
from newsdesk.translation.sentences import normalise_segment


def lookup(
    source_language: str, target_language: str, model_version: str, segments: list[str]
) -> dict[str, tuple[str, str]]:
    """{normalised segment: (translation, origin)} for the segments the memory knows.

    A human correction (stored without a model version) is used whatever the model; machine
    output only with the model version that made it.
    """
    by_hash = {segment_hash(normalise_segment(s)): normalise_segment(s) for s in segments}
    found: dict[str, tuple[str, str]] = {}
    if not by_hash:
        return found
    rows = MemoryEntry.objects.filter(
        source_language=source_language,
        target_language=target_language,
        model_version__in=[model_version, ""],
        source_hash__in=list(by_hash),
    ).values_list("source_hash", "source_text", "target_text", "origin")
    for hash_, source_text, target_text, origin in rows:
        key = by_hash.get(hash_)
        if key is None or key != source_text:
            continue
        if key in found and found[key][1] == MemoryEntry.Origin.HUMAN:
            continue
        found[key] = (target_text, origin)
    return found


def store_machine(
    source_language: str, target_language: str, model_version: str, pairs: list[tuple[str, str]]
) -> None:
    """Remember the engine's output for these (segment, translation) pairs."""
    entries = []
    for source, target in pairs:
        normalised = normalise_segment(source)
        entries.append(
            MemoryEntry(
                source_language=source_language,
                target_language=target_language,
                model_version=model_version,
                source_text=normalised,
                source_hash=segment_hash(normalised),
                target_text=target,
                origin=MemoryEntry.Origin.MACHINE,
            )
        )
    MemoryEntry.objects.bulk_create(entries, ignore_conflicts=True)


def record_correction(
    source_language: str, target_language: str, source: str, target: str, user: Actor = None
) -> MemoryEntry:
    """A person's translation of a segment: used from now on instead of any engine's."""
    normalised = normalise_segment(source)
    if not normalised:
        raise ValueError("A correction needs a source segment.")
    if not target.strip():
        raise ValueError("A correction cannot be empty.")
    with transaction.atomic():
        entry, _created = MemoryEntry.objects.update_or_create(
            source_language=source_language,
            target_language=target_language,
            model_version="",
            source_hash=segment_hash(normalised),
            defaults={
                "source_text": normalised,
                "target_text": target.strip(),
                "origin": MemoryEntry.Origin.HUMAN,
                "corrected_by": person(user),
            },
        )
    return entry
