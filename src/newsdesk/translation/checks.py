"""Quality checks on one translated segment; each finding carries a reason an editor can read."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Issue:
    code: str  # placeholders, cut, glossary, identical, numbers, length, repetition, language
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


_NUMBER = re.compile(r"\d+(?:[.,'\u202f\u00a0]\d+)*")
_WORDS = re.compile(r"\w+", re.UNICODE)


def placeholder_issue(repairs: list[str]) -> Issue | None:
    if not repairs:
        return None
    kinds = sorted(set(repairs))
    descriptions = {
        "dropped": _("the engine lost markup or protected terms, which were put back by position"),
        "duplicated": _("the engine repeated markup, the copies were removed"),
        "unknown": _("the engine invented markup, which was removed"),
        "garbled": _("the engine garbled markup, which was repaired"),
        "order": _("the engine closed markup before opening it, which was repaired"),
    }
    return Issue(
        "placeholders",
        _("Check the formatting and links: %(what)s.")
        % {"what": "; ".join(descriptions[k] for k in kinds)},
    )


def cut_issue() -> Issue:
    """The engine stopped the translation at its length limit."""
    return Issue(
        "cut",
        _(
            "The engine stopped this translation at its length limit: its end may be missing. "
            "Compare it with the original."
        ),
    )


def _numbers(text: str) -> Counter[str]:
    # "1.000,5" (de) and "1,000.5" (en) name the same number: compare the digits only.
    return Counter(re.sub(r"\D", "", number).lstrip("0") or "0" for number in _NUMBER.findall(text))


def check_segment(
    source: str,
    target: str,
    source_language: str,
    target_language: str,
    glossary_targets: list[str] | None = None,
    detect_language: bool = True,
) -> list[Issue]:
    """All checks for one segment (both as plain text); an empty list means nothing to say."""
    issues: list[Issue] = []
    source_words = _WORDS.findall(source.lower())
    target_words = _WORDS.findall(target.lower())
    letters = sum(ch.isalpha() for ch in source)

    if not target.strip() and source.strip():
        issues.append(Issue("empty", _("The translation is empty.")))
        return issues

    if (
        letters >= 12
        and len(source_words) >= 3
        and " ".join(source_words) == " ".join(target_words)
    ):
        issues.append(Issue("identical", _("The translation is identical to the source text.")))

    source_numbers, target_numbers = _numbers(source), _numbers(target)
    if source_numbers != target_numbers:
        missing = sorted((source_numbers - target_numbers).elements())
        extra = sorted((target_numbers - source_numbers).elements())
        parts = []
        if missing:
            parts.append(_("missing in the translation: %(n)s") % {"n": ", ".join(missing)})
        if extra:
            parts.append(_("not in the source: %(n)s") % {"n": ", ".join(extra)})
        issues.append(
            Issue(
                "numbers",
                _("Numbers or dates differ (%(details)s).") % {"details": "; ".join(parts)},
            )
        )

    for term in glossary_targets or []:
        if not re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", target):
            issues.append(
                Issue("glossary", _("The glossary term “%(term)s” is missing.") % {"term": term})
            )

    if len(source) >= 20:
        ratio = len(target) / len(source)
        if ratio < 0.4 or ratio > 2.5:
            issues.append(
                Issue(
                    "length",
                    _(
                        "The translation is %(ratio)s times as long as the source; "
                        "something may be missing or invented."
                    )
                    % {"ratio": f"{ratio:.1f}"},
                )
            )

    repeated = _repeated_ngram(target_words)
    if repeated and _repeated_ngram(source_words) is None:
        issues.append(
            Issue(
                "repetition",
                _("“%(words)s” repeats; machine translation sometimes loops like this.")
                % {"words": repeated},
            )
        )

    if detect_language and len(target_words) >= 4 and len(target) >= 25:
        detected = detect(target)
        if detected and detected[0][0] != target_language and detected[0][1] >= 0.8:
            issues.append(
                Issue(
                    "language",
                    _("The translation seems to be in %(found)s, not in %(wanted)s.")
                    % {
                        "found": language_name(detected[0][0]),
                        "wanted": language_name(target_language),
                    },
                )
            )
    return issues


def _repeated_ngram(words: list[str]) -> str | None:
    """A word repeated 4 times in a row or a 2-/3-word group repeated 3 times in a row."""
    for size in (1, 2, 3):
        needed = 4 if size == 1 else 3
        for start in range(0, len(words) - size * needed + 1):
            gram = words[start : start + size]
            if all(
                words[start + k * size : start + (k + 1) * size] == gram for k in range(1, needed)
            ):
                return " ".join(gram)
    return None


def language_name(code: str) -> str:
    return str(settings.KNOWN_LANGUAGES.get(code, code))


_detector_lock = threading.Lock()
_detector: Any = None


def _get_detector() -> Any:
    global _detector
    with _detector_lock:
        if _detector is None:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            languages = []
            for code in settings.KNOWN_LANGUAGES:
                iso = getattr(IsoCode639_1, code.upper(), None)
                if iso is not None:
                    languages.append(Language.from_iso_code_639_1(iso))
            # Low-accuracy mode loads in about a second instead of several; sentences are
            # long enough for it.
            _detector = (
                LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
            )
        return _detector


def detect(text: str) -> list[tuple[str, float]]:
    """[(language code, confidence 0-1)], most likely first, among the known languages."""
    values = _get_detector().compute_language_confidence_values(text)
    return [
        (value.language.iso_code_639_1.name.lower(), float(value.value))
        for value in values
        if value.value > 0
    ]


_source_detectors: dict[frozenset[str], Any] = {}
# Texts this short say too little to tell languages apart (the detector finds "Hallo" as
# English as "Thanks!"): the site's own language wins unless another is all but certain. The
# costs are uneven: English taken for German is "translated" into the same words, German
# taken for English comes back untranslated.
SHORT_TEXT_WORDS = 2
SHORT_TEXT_CLEAR_LEAD = 0.9


def detect_source(
    text: str, candidates: set[str], prefer: str | None = None
) -> tuple[str, float] | None:
    """The language of ``text`` among ``candidates`` (codes) and its confidence (0-1), or
    None when no candidate is a language the detector knows. High-accuracy models, only for
    the candidates (a few languages: loaded in well under a second, then cached). For very
    short text ``prefer`` (the site's language) wins unless another language has at least
    SHORT_TEXT_CLEAR_LEAD."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = {}
    for code in sorted(candidates):
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            known[code] = Language.from_iso_code_639_1(iso)
    if not known:
        return None
    if len(known) == 1:
        return next(iter(known)), 1.0
    key = frozenset(known)
    with _detector_lock:
        detector = _source_detectors.get(key)
        if detector is None:
            detector = LanguageDetectorBuilder.from_languages(*known.values()).build()
            _source_detectors[key] = detector
    values = {
        value.language.iso_code_639_1.name.lower(): float(value.value)
        for value in detector.compute_language_confidence_values(text)
    }
    best = max(known, key=lambda code: values.get(code, 0.0))
    short = len(_WORDS.findall(text)) <= SHORT_TEXT_WORDS
    if (
        prefer in known
        and best != prefer
        and (short or not values.get(best))
        and values.get(best, 0.0) < SHORT_TEXT_CLEAR_LEAD
    ):
        best = prefer
    return best, values.get(best, 0.0)
