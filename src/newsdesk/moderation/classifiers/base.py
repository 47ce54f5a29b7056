"""The classifier interface, its error, a deterministic dummy and building one from a config."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any


class ClassifierError(Exception):
    """The classifier could not score (model file missing or corrupt, bad input, no signal).

    ``retryable`` says whether the same call may succeed later (a remote service that timed
    out) or never will until someone fixes something (a corrupt model file: False).
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class Classifier:
    """What every classifier offers. Subclasses set the attributes and implement score()."""

    #: short name recorded with every screening decision ("linear", "dummy", ...)
    name = "classifier"
    #: version of the model, recorded with the name for provenance
    version = "0"
    #: BCP 47 codes of the languages the model was trained on, e.g. ("de",)
    languages: tuple[str, ...] = ()
    #: the model's default decision threshold on score(): at or above it, a text is offensive
    threshold = 0.5

    def score(self, texts: Sequence[str]) -> list[float]:
        """One score in [0, 1] per text, in order: how likely the text is offensive.

        Raises ClassifierError when the classifier cannot score at all.
        """
        raise NotImplementedError

    def is_offensive(self, texts: Sequence[str], threshold: float | None = None) -> list[bool]:
        """Whether each text scores at or above ``threshold`` (default: the model's own)."""
        limit = self.threshold if threshold is None else threshold
        return [value >= limit for value in self.score(texts)]

    def can_classify(self, language: str) -> bool:
        """Whether the model knows ``language`` (a BCP 47 code; only its primary subtag counts:
        "de-AT" is "de")."""
        primary = language.split("-", 1)[0].lower()
        return any(known.split("-", 1)[0].lower() == primary for known in self.languages)

    def model_version(self) -> str:
        """``name@version``, for provenance."""
        return f"{self.name}@{self.version}"


class DummyClassifier(Classifier):
    """Deterministic stand-in for tests: a text scores ``hit_score`` when it contains one of
    ``triggers`` as a whole word (case-insensitive), else ``miss_score``."""

    name = "dummy"
    version = "1"

    def __init__(
        self,
        triggers: Iterable[str] = ("idiot", "trottel"),
        languages: Iterable[str] = ("de", "en"),
        threshold: float = 0.5,
        hit_score: float = 0.9,
        miss_score: float = 0.1,
    ) -> None:
        words = [re.escape(word.lower()) for word in triggers if word]
        self._pattern = re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None
        self.languages = tuple(languages)
        self.threshold = threshold
        self.hit_score = hit_score
        self.miss_score = miss_score

    def score(self, texts: Sequence[str]) -> list[float]:
        if self._pattern is None:
            return [self.miss_score for _text in texts]
        return [
            self.hit_score if self._pattern.search(text.lower()) else self.miss_score
            for text in texts
        ]


def classifier_from_config(config: dict[str, Any]) -> Classifier:
    """Build a classifier from ``{"CLASS": "dotted.path", "OPTIONS": {...}}`` (not cached).

    Raises ClassifierError (not retryable) for a malformed config, a class that cannot be
    imported or is no Classifier, or options the class does not take.
    """
    if not isinstance(config, dict) or not isinstance(config.get("CLASS"), str):
        raise ClassifierError('a classifier config is {"CLASS": "dotted.path", "OPTIONS": {...}}')
    module_path, _dot, class_name = config["CLASS"].rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_path), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ClassifierError(f"cannot import classifier {config['CLASS']!r}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Classifier)):
        raise ClassifierError(f"{config['CLASS']} is not a Classifier")
    options = config.get("OPTIONS") or {}
    try:
        return cls(**options)
    except TypeError as exc:
        raise ClassifierError(f"bad OPTIONS for {config['CLASS']}: {exc}") from None
