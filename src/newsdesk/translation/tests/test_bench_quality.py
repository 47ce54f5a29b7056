"""The quality harness (bench/mt_quality.py) scores a real model's output with sacrebleu."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
from newsdesk.translation.engines.dummy import DummyEngine

pytest.importorskip("sacrebleu")  # the bench extra

HARNESS = Path(__file__).resolve().parents[4] / "bench" / "mt_quality.py"


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("mt_quality", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_perfect_translations_score_100_and_junk_scores_low(harness, model_dir):
    sources = ["Die Stadt ist neu.", "Der Regen kommt morgen."]
    references = ["The City is new.", "The Rain comes tomorrow."]
    perfect = harness.evaluate(
        DummyEngine(), sources, ["The City is new.", "The Rain kommt tomorrow."], "de", "en"
    )
    assert perfect["bleu"] == pytest.approx(100.0) and perfect["chrf"] == pytest.approx(1.0)
    junk = harness.evaluate(
        CTranslate2Engine(str(model_dir), beam_size=1), sources, references, "de", "en"
    )
    assert junk["bleu"] < 5 and junk["chrf"] < 0.3
    assert all("Euro" in line for line in junk["hypotheses"])


def test_through_the_pipeline_gives_the_same_text_for_plain_sentences(harness, db):
    sources = ["Die Stadt ist neu.", "Heute Regen."]
    direct = harness.evaluate(DummyEngine(), sources, sources, "de", "en")
    piped = harness.evaluate(DummyEngine(), sources, sources, "de", "en", pipeline=True)
    assert direct["hypotheses"] == piped["hypotheses"] == ["The City is new.", "Today Rain."]


def test_mismatched_files_are_refused(harness):
    with pytest.raises(SystemExit, match="must match line by line"):
        harness.evaluate(DummyEngine(), ["a", "b"], ["a"], "de", "en")
