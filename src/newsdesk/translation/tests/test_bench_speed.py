"""The speed benchmark's vocabulary (bench/mt_speed.py): trained on real German text when a
corpus is there, the toy one otherwise. The timings themselves are the benchmark's job."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from newsdesk.translation.marian import MarianShape, build_marian_release

BENCH = Path(__file__).resolve().parents[4] / "bench" / "mt_speed.py"

# Made-up German lines in the GermEval layout (text<TAB>coarse<TAB>fine).
WORDS = (
    "Gemeinderat Budget Stadt Schulen Straßenbahn Mehrheit Montag Bürgermeisterin Radwege "
    "Sitzung Rathaus Feuerwehr Regen Keller Polizei Unfall Mieten Opposition Verkehr"
).split()


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("mt_speed", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus_file(path: Path) -> Path:
    lines = []
    for i in range(400):
        a, b, c = WORDS[i % 19], WORDS[(i * 7) % 19], WORDS[(i * 11 + 3) % 19]
        lines.append(
            f"@nutzer{i} Die {a} und der {b}|LBR|sprechen über {c} https://t.co/x{i}\tOTHER\tOTHER"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_corpus_is_the_tweets_text_without_names_and_links_plus_djangos_german(bench, tmp_path):
    texts, note = bench.german_corpus(_corpus_file(tmp_path / "tweets.txt"))
    assert texts[0] == "Die Gemeinderat und der Gemeinderat sprechen über Schulen"
    assert not any("@" in t.split()[0] or "http" in t or "|LBR|" in t for t in texts[:400])
    assert "Dieses Feld ist zwingend erforderlich." in texts[400:]
    assert note.startswith("400 GermEval 2018 tweets")


def test_without_the_corpus_there_is_none(bench, tmp_path):
    assert bench.german_corpus(tmp_path / "missing.txt") is None


def test_a_vocabulary_trained_on_the_corpus_keeps_its_words_whole_and_is_padded(bench, tmp_path):
    import sentencepiece as spm

    texts, _ = bench.german_corpus(_corpus_file(tmp_path / "tweets.txt"))
    shape = MarianShape(vocab_size=3000)
    trained = build_marian_release(tmp_path / "trained", shape=shape, corpus=texts, pieces=1500)
    toy = build_marian_release(tmp_path / "toy", shape=shape, pieces=1500)
    sentence = ["Die Feuerwehr und die Polizei sprechen über den Verkehr im Rathaus."]
    trained_spm = spm.SentencePieceProcessor(model_file=str(trained / "source.spm"))
    toy_spm = spm.SentencePieceProcessor(model_file=str(toy / "source.spm"))
    for word in ("▁Feuerwehr", "▁Polizei", "▁Verkehr", "▁Rathaus"):
        assert word in trained_spm.encode(sentence[0], out_type=str)
    assert bench.pieces_per_word(trained_spm, sentence) < bench.pieces_per_word(toy_spm, sentence)
    vocab = (trained / "opus.spm32k-spm32k.vocab.yml").read_text(encoding="utf-8").splitlines()
    assert len(vocab) == 3000  # padded to the model's vocabulary size
    assert (trained / "target.spm").read_bytes() == (trained / "source.spm").read_bytes()
