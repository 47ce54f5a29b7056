"""The model shipped with newsdesk, and (when the data is here) its reproducibility."""

from __future__ import annotations

import json

import pytest

from newsdesk.moderation.classifiers import classifier_from_config
from newsdesk.moderation.classifiers.linear import BUILTIN_MODEL, LinearClassifier

# Written for this test, not taken from the data set.
OFFENSIVE = [
    "Du bist ein erbärmlicher Idiot und solltest einfach die Klappe halten.",
    "Was für ein dummes Arschloch, dieser Bürgermeister.",
    "Halt endlich dein Maul, du widerlicher Volltrottel!",
    "Diese Politiker sind alle korrupte Drecksäcke und Verbrecher.",
]
HARMLESS = [
    "Vielen Dank für den informativen Artikel über den neuen Radweg.",
    "Ich freue mich schon auf das Stadtfest am Wochenende.",
    "Die Öffnungszeiten der Bibliothek wurden leider verkürzt.",
    "Gute Besserung an alle, die gerade erkältet sind!",
]


@pytest.fixture(scope="module")
def shipped() -> LinearClassifier:
    return LinearClassifier()


def test_shipped_model_ranks_offensive_above_harmless(shipped: LinearClassifier) -> None:
    offensive = shipped.score(OFFENSIVE)
    harmless = shipped.score(HARMLESS)
    assert min(offensive) > max(harmless)
    assert shipped.is_offensive(OFFENSIVE) == [True] * len(OFFENSIVE)
    assert shipped.is_offensive(HARMLESS) == [False] * len(HARMLESS)


def test_shipped_model_describes_itself(shipped: LinearClassifier) -> None:
    meta = json.loads(BUILTIN_MODEL.with_suffix(".json").read_text(encoding="utf-8"))
    assert shipped.languages == ("de",)
    assert shipped.can_classify("de-CH")
    assert "Wiegand" in meta["training"]["attribution"]
    assert meta["metrics"]["mean"]["average_f"] > 0.75
    assert BUILTIN_MODEL.stat().st_size < 5_000_000


def test_loads_from_a_config() -> None:
    classifier = classifier_from_config(
        {"CLASS": "newsdesk.moderation.classifiers.linear.LinearClassifier"}
    )
    assert classifier.model_version() == "germeval2018-de@1"


def test_the_shipped_model_reads_obfuscated_spellings_like_plain_ones() -> None:
    from newsdesk.moderation.classifiers.linear import LinearClassifier, normalize_folded

    assert normalize_folded("Du I.d.i.o.t, 1d10t!") == normalize_folded("du idiot, idiot!")
    model = LinearClassifier()
    assert model.features.normalization == "newsdesk-2"
    plain, spaced, leet = model.score(
        ["Du bist ein Idiot", "Du bist ein I d i o t", "Du bist ein 1d10t"]
    )
    assert abs(plain - spaced) < 1e-9 and abs(plain - leet) < 1e-9
