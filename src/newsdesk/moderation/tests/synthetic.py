"""Synthetic training data for the classifier's tests: the tests build their own tiny data
and models (the GermEval file is read only where it exists)."""

from __future__ import annotations

import random

from newsdesk.moderation.classifiers.linear import FeatureConfig, TrainingOptions

SUBJECTS = ["Der Minister", "Die Nachbarin", "Unser Trainer", "Dieser Typ", "Die Partei", "Er"]
INSULTS = ["ein elender Vollpfosten", "ein dummer Schwachkopf", "eine miese Ratte", "Abschaum"]
NEUTRAL = ["ein netter Mensch", "heute in Berlin", "sehr fleißig", "im Urlaub", "gut vorbereitet"]
TAILS = ["", " wirklich", " leider", " schon wieder", " meiner Meinung nach"]

# Small hashed spaces keep the tests fast; the shipped configuration is tested elsewhere.
SMALL = TrainingOptions(
    features=FeatureConfig(n_features=2**14), threshold_folds=3, weight_dtype="float32"
)


def synthetic(count: int, seed: int, *, prefix: str = "") -> tuple[list[str], list[bool]]:
    """Half offensive (an insult), half harmless; subjects and tails shared by both; each
    text starts with ``prefix``."""
    chooser = random.Random(seed)  # noqa: S311 - test data, not security
    texts, labels = [], []
    for number in range(count):
        offensive = number % 2 == 0
        middle = chooser.choice(INSULTS if offensive else NEUTRAL)
        texts.append(f"{prefix}{chooser.choice(SUBJECTS)} ist{chooser.choice(TAILS)} {middle}.")
        labels.append(offensive)
    return texts, labels
