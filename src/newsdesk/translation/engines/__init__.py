"""The engine interface, its errors, and loading the configured engine from settings.

``settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": "dotted.path", "OPTIONS": {...}}``; the
class is instantiated once per process with the options as keyword arguments and shared by
all requests (an engine that loads a model keeps it loaded).
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class EngineError(Exception):
    """The engine could not translate (service down, model missing, bad answer)."""


class EngineUnavailable(EngineError):
    """The engine's service could not be reached or was overloaded (no connection, no answer
    in time, HTTP 429 or 5xx) after its own retries: trying again later helps. Editions keep
    waiting for it beyond their attempts instead of failing (editions.workflow)."""


class UnsupportedLanguagePair(EngineError):
    def __init__(self, source: str, target: str, engine: str, hint: str = "") -> None:
        message = f"{engine} cannot translate from {source!r} to {target!r}"
        super().__init__(f"{message}; {hint}" if hint else message)
        self.source = source
        self.target = target


class CutOutput(str):
    """A translation the engine stopped at its length limit: its end may be missing. An
    engine returns it in place of a plain ``str``; the pipeline flags the segment and keeps it
    out of the memory."""


class TranslationEngine:
    """What every engine offers. Subclasses implement translate() and language_pairs()."""

    #: short name recorded with every translation ("ctranslate2", "deepl"...)
    name = "engine"

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate every segment (one call for the whole batch); one output per input.

        Segments may hold placeholders (``<x1>``, ``</x1>``, ``<x2/>``) that an engine
        should pass through; the pipeline repairs them when it does not.
        """
        raise NotImplementedError

    def translate_alternatives(
        self, segments: list[str], source: str, target: str, count: int
    ) -> list[list[str]]:
        """Other translations of every segment, the likelier first (one list per input, in
        order): ``count`` of them, or ``count + 1`` where the main translation may be among
        them (the pipeline drops what equals translate()'s output, repeats, and any beyond
        ``count``). An engine that cannot give alternatives (a service without them) returns
        empty lists."""
        return [[] for _segment in segments]

    def segment_limit(self, source: str, target: str) -> int | None:
        """The longest segment, in the units of :meth:`measure`, that the engine translates
        whole; the pipeline cuts longer ones at clause boundaries (or into windows of words)
        and joins their translations. None: no limit (a service that takes whole texts)."""
        return None

    def measure(self, segments: list[str], source: str, target: str) -> list[int]:
        """How long each segment is for :meth:`segment_limit` (words, unless the engine counts
        its own pieces)."""
        return [len(segment.split()) for segment in segments]

    def language_pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs this engine can translate directly or by pivoting."""
        raise NotImplementedError

    def can_translate(self, source: str, target: str) -> bool:
        return (source, target) in self.language_pairs()

    def model_version(self, source: str, target: str) -> str:
        """Which model translates this pair, for provenance and the memory, e.g.
        ``ctranslate2:opus-mt-de-en@2020-02-26``."""
        return self.name

    def check_pair(self, source: str, target: str) -> None:
        if not self.can_translate(source, target):
            raise UnsupportedLanguagePair(source, target, self.name)


_lock = threading.Lock()
_engines: dict[str, TranslationEngine] = {}


def engine_from_config(config: dict[str, Any]) -> TranslationEngine:
    """Build an engine from {"CLASS": dotted path, "OPTIONS": {...}} (not cached)."""
    if not isinstance(config, dict) or "CLASS" not in config:
        raise ImproperlyConfigured(
            'NEWSDESK_TRANSLATION_ENGINE must be {"CLASS": "dotted.path", "OPTIONS": {...}}'
        )
    try:
        engine_class = import_string(config["CLASS"])
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"NEWSDESK_TRANSLATION_ENGINE: cannot import {config['CLASS']!r}: {exc}"
        ) from None
    options = config.get("OPTIONS") or {}
    try:
        engine = engine_class(**options)
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"NEWSDESK_TRANSLATION_ENGINE: bad OPTIONS for {config['CLASS']}: {exc}"
        ) from None
    if not isinstance(engine, TranslationEngine):
        raise ImproperlyConfigured(f"{config['CLASS']} is not a TranslationEngine")
    return engine


def get_engine() -> TranslationEngine:
    """The configured engine, built once per process and per configuration."""
    config = settings.NEWSDESK_TRANSLATION_ENGINE
    key = repr(sorted(config.items())) if isinstance(config, dict) else repr(config)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = engine_from_config(config)
            _engines[key] = engine
    return engine
