"""The real CTranslate2 path on tiny random-weight Marian models built by the tests."""

from __future__ import annotations

import io
import json

import pytest
from django.test import override_settings

from newsdesk.translation.engines import EngineError, UnsupportedLanguagePair, get_engine
from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
from newsdesk.translation.pipeline import SourceField, translate_document


def test_installed_models_are_found_with_their_provenance(model_dir):
    engine = CTranslate2Engine(str(model_dir))
    assert engine.language_pairs() == {("de", "en"), ("en", "fr"), ("de", "fr")}
    assert engine.model_version("de", "en") == "ctranslate2:tiny-de-en@1"
    assert engine.model_version("de", "fr") == "ctranslate2:tiny-de-en@1+tiny-en-fr@1"
    assert not engine.can_translate("fr", "de")


def test_translates_a_batch_with_the_real_runtime(model_dir):
    engine = CTranslate2Engine(str(model_dir), beam_size=2)
    outputs = engine.translate(["Der Gemeinderat tagte.", "Heute regnet es in Wien."], "de", "en")
    assert len(outputs) == 2
    # The favoured piece wins at every step: random weights, predictable output.
    for output in outputs:
        assert output.split() and set(output.split()) == {"Euro"}
    assert engine.loads == 1
    engine.translate(["Noch ein Satz."], "de", "en")
    assert engine.loads == 1  # loaded once, kept loaded


def test_pivots_through_english_where_no_direct_model_exists(model_dir):
    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    (output,) = engine.translate(["Der Gemeinderat tagte."], "de", "fr")
    assert isinstance(output, str)
    assert engine.loads == 2  # de-en, then en-fr


def test_missing_pair_names_the_install_command(model_dir):
    engine = CTranslate2Engine(str(model_dir))
    with pytest.raises(UnsupportedLanguagePair, match="newsdesk models install fr-de"):
        engine.translate(["Bonjour"], "fr", "de")


def test_pipeline_with_ctranslate2_keeps_markup_and_flags_the_junk(model_dir, settings, db):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
        "OPTIONS": {"model_dir": str(model_dir), "beam_size": 1},
    }
    engine = get_engine()
    fields = [
        SourceField(
            "p", '<p>Der <a href="https://example.org/">Rat</a> tagte am 19. Juni.</p>', True
        )
    ]
    result = translate_document(fields, "de", "en", engine=engine, detect_language=False)
    text = result.text("p")
    assert text.startswith("<p>") and text.endswith("</p>")
    assert text.count('<a href="https://example.org/">') == 1 and text.count("</a>") == 1
    codes = {issue.code for issue in result.fields[0].issues}
    assert {"placeholders", "numbers", "repetition"} <= codes
    assert result.model_version == "ctranslate2:tiny-de-en@1"


def test_a_newly_installed_version_replaces_the_loaded_model(model_dir, marian_releases):
    from newsdesk.translation.modelstore import install_from_path

    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    engine.translate(["Der Rat tagte."], "de", "en")
    install_from_path(marian_releases["de-en"], model_dir, name="tiny-de-en", version="2")
    assert engine.model_version("de", "en") == "ctranslate2:tiny-de-en@2"
    engine.translate(["Der Rat tagte."], "de", "en")
    assert engine.loads == 2
    assert engine._load("de-en").model.version == "2"


def test_the_model_store_is_read_again_only_when_it_changed(
    model_dir, marian_releases, monkeypatch
):
    from newsdesk.translation import modelstore

    reads = []
    real = modelstore.read_manifest
    monkeypatch.setattr(modelstore, "read_manifest", lambda path: reads.append(path) or real(path))
    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    first = engine.language_pairs()
    read_once = len(reads)
    assert read_once >= 2  # de-en and en-fr
    for _ in range(5):  # every comment section asks; nothing changed, nothing read
        assert engine.language_pairs() == first
        assert engine.can_translate("de", "en")
    assert len(reads) == read_once
    modelstore.install_from_path(
        marian_releases["de-en"], model_dir, name="tiny-de-en", version="3"
    )
    assert engine.model_version("de", "en") == "ctranslate2:tiny-de-en@3"
    modelstore.remove("en-fr", model_dir)
    assert not engine.can_translate("en", "fr")
    assert ("de", "fr") not in engine.language_pairs()


@pytest.mark.parametrize(
    ("device", "cores", "asked", "expected"),
    [
        ("cpu", 2, (0, 0), (2, 1)),  # automatic: a translator per core, one thread each
        ("cpu", 8, (0, 0), (4, 2)),  # at most four translators; the cores shared out
        ("cpu", 1, (0, 0), (1, 1)),
        ("cpu", 8, (0, 4), (2, 4)),  # threads given: as many translators as fit
        ("cpu", 8, (3, 0), (3, 2)),  # translators given: the cores shared among them
        ("cpu", 2, (1, 3), (1, 3)),  # both given: as configured
        ("cuda", 8, (0, 0), (1, 0)),  # a GPU: one translator, CTranslate2's own threads
    ],
)
def test_thread_layout(monkeypatch, device, cores, asked, expected):
    from newsdesk.translation.engines import ctranslate2

    monkeypatch.setattr(ctranslate2, "available_cores", lambda: cores)
    assert ctranslate2.thread_layout(device, *asked) == expected


def test_several_translators_each_get_a_share_of_a_document(model_dir):
    one = CTranslate2Engine(
        str(model_dir), inter_threads=1, intra_threads=1, beam_size=2, max_batch_tokens=2048
    )
    two = CTranslate2Engine(
        str(model_dir), inter_threads=2, intra_threads=1, beam_size=2, max_batch_tokens=2048
    )
    lengths = [30, 12, 25, 8, 40, 19]
    assert one.batch_tokens(lengths) == 2048  # one translator: one batch up to the budget
    share = two.batch_tokens(lengths)
    assert share == 67  # half the document's 134 tokens, rounded up
    assert two.batch_tokens([600, 10]) == 600  # never below the longest segment
    capped = CTranslate2Engine(
        str(model_dir), inter_threads=2, intra_threads=1, max_batch_tokens=50
    )
    assert capped.batch_tokens(lengths) == 50  # never above the configured budget
    # Split or not, every segment comes back translated, in its place.
    sentences = [f"Satz Nummer {n} über den Gemeinderat in Wien." for n in range(12)]
    assert two.translate(sentences, "de", "en") == one.translate(sentences, "de", "en")


@pytest.mark.parametrize(
    ("device", "intra_threads", "expected"),
    [("cpu", 1, 64), ("cpu", 2, 128), ("cpu", 0, 64), ("cuda", 0, 2048)],
)
def test_automatic_batch_budget(device, intra_threads, expected):
    from newsdesk.translation.engines.ctranslate2 import automatic_batch_tokens

    assert automatic_batch_tokens(device, intra_threads) == expected


def test_the_batch_budget_is_automatic_unless_configured(model_dir, monkeypatch):
    from newsdesk.translation.engines import ctranslate2

    monkeypatch.setattr(ctranslate2, "available_cores", lambda: 2)
    automatic = CTranslate2Engine(str(model_dir))
    assert (automatic.inter_threads, automatic.intra_threads) == (2, 1)
    assert automatic.max_batch_tokens == 64
    assert automatic.batch_tokens([30] * 10) == 64  # a share of 150 is cut at the budget
    assert automatic.batch_tokens([100, 10]) == 100  # a longer segment still goes whole
    one_translator = CTranslate2Engine(str(model_dir), inter_threads=1)
    assert (one_translator.intra_threads, one_translator.max_batch_tokens) == (2, 128)
    configured = CTranslate2Engine(str(model_dir), max_batch_tokens=300)
    assert configured.max_batch_tokens == 300
    with pytest.raises(ValueError, match="max_batch_tokens"):
        CTranslate2Engine(str(model_dir), max_batch_tokens=-1)
    # A small budget changes how the segments are batched, not what they become.
    sentences = [f"Satz Nummer {n} über den Gemeinderat in Wien." for n in range(12)]
    assert automatic.translate(sentences, "de", "en") == configured.translate(sentences, "de", "en")


def test_auto_device_without_a_gpu_gets_the_cpu_thread_layout(model_dir, monkeypatch):
    from newsdesk.translation.engines import ctranslate2, device

    monkeypatch.setattr(ctranslate2, "available_cores", lambda: 2)
    monkeypatch.setattr(device, "cuda_device_count", lambda: 0)
    engine = CTranslate2Engine(str(model_dir), device="auto")
    assert engine.device == "cpu"
    assert (engine.inter_threads, engine.intra_threads, engine.max_batch_tokens) == (2, 1, 64)


def test_freed_memory_is_given_back_after_every_model_call(model_dir, monkeypatch):
    from newsdesk.translation.engines import ctranslate2

    calls = []
    monkeypatch.setattr(ctranslate2, "release_free_memory", lambda: calls.append(1) or True)
    engine = CTranslate2Engine(str(model_dir), beam_size=2)
    engine.translate(["Heute regnet es in Wien."], "de", "en")
    assert len(calls) == 1  # one model call, one release
    loaded = engine._load("de-en")

    class Failing:
        def translate_batch(self, *args, **kwargs):
            raise RuntimeError("out of memory")

    monkeypatch.setattr(loaded, "translator", Failing())
    with pytest.raises(EngineError, match="out of memory"):
        engine.translate(["Heute regnet es in Wien."], "de", "en")
    assert len(calls) == 2  # released also when the call failed


GERMAN = [
    "Der Gemeinderat hat am Montag das Budget für das nächste Jahr beschlossen.",
    "Die Stadt investiert drei Millionen Euro in neue Schulen und Kindergärten.",
    "Heute regnet es in Wien, morgen scheint wieder die Sonne.",
]
ENGLISH = [
    "The city council approved the budget for next year on Monday.",
    "The mayor said the tram line would be extended by 2027.",
    "Tomorrow the sun will shine again in Vienna.",
]


@pytest.fixture(scope="module")
def split_vocabulary_release(tmp_path_factory):
    """An OPUS-MT-style release with separate German and English sentencepiece models and
    their union as vocabulary, whose random weights favour a German-only piece: a model that
    writes a token its target language does not have."""
    import sentencepiece as spm

    from newsdesk.translation.marian import build_marian_release

    root = tmp_path_factory.mktemp("split")
    probe = build_marian_release(root / "probe", sentences=GERMAN, target_sentences=ENGLISH)
    source = spm.SentencePieceProcessor(model_file=str(probe / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(probe / "target.spm"))
    target_pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    german_only = sorted(
        source.id_to_piece(i)
        for i in range(source.get_piece_size())
        if source.id_to_piece(i) not in target_pieces and len(source.id_to_piece(i)) > 4
    )[0]
    release = build_marian_release(
        root / "release",
        sentences=GERMAN,
        target_sentences=ENGLISH,
        favour={german_only: 40.0},
    )
    return release, german_only, target_pieces


@pytest.mark.django_db  # the install command tells the editions
def test_output_is_restricted_to_the_target_languages_pieces(split_vocabulary_release, tmp_path):
    from newsdesk.translation.modelstore import VOCABULARY_MAP, install_from_path

    release, german_only, target_pieces = split_vocabulary_release
    model = install_from_path(release, tmp_path / "models", name="split", version="1")
    # The installer wrote the map: every target piece the vocabulary has, nothing else.
    mapped = (model.path / VOCABULARY_MAP).read_text(encoding="utf-8")
    assert mapped.startswith("\t") and mapped.endswith("\n")
    candidates = mapped.strip("\t\n").split(" ")
    assert set(candidates) <= target_pieces and german_only not in candidates
    assert model.output_vocabulary is not None
    assert model.output_vocabulary == (len(candidates), model.output_vocabulary[1])
    assert model.output_vocabulary[0] < 0.9 * model.output_vocabulary[1]
    assert "vmap.txt" in model.files  # verified like the model's other files
    from django.core.management import call_command

    with override_settings(NEWSDESK_MODEL_DIR=tmp_path / "models"):
        listing = io.StringIO()
        call_command("models", "list", stdout=listing)
        installing = io.StringIO()
        call_command("models", "install", "--from", str(release), "--force", stdout=installing)
    assert "{:,} of {:,}".format(*model.output_vocabulary) in listing.getvalue()
    with override_settings(
        NEWSDESK_MODEL_DIR=tmp_path / "models",
        NEWSDESK_TRANSLATION_ENGINE={
            "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
            "OPTIONS": {"restrict_vocabulary": False},
        },
    ):
        listing = io.StringIO()
        call_command("models", "list", stdout=listing)
    assert "(not used: NEWSDESK_MT_RESTRICT_VOCABULARY=false)" in listing.getvalue()
    assert "restricted to the {:,} of its {:,} tokens".format(*model.output_vocabulary) in (
        installing.getvalue()
    )

    text = ["Der Gemeinderat tagte am Montag."]
    whole = CTranslate2Engine(str(tmp_path / "models"), beam_size=2, restrict_vocabulary=False)
    (unrestricted,) = whole.translate(text, "de", "en")
    # Scoring the whole shared vocabulary, the model writes the German-only piece, which the
    # English sentencepiece model cannot spell: it comes out raw.
    assert german_only.lstrip("▁") in unrestricted
    restricted = CTranslate2Engine(str(tmp_path / "models"), beam_size=2)
    (output,) = restricted.translate(text, "de", "en")
    assert output.strip() and german_only.lstrip("▁") not in output and "▁" not in output
    assert restricted._load("de-en").use_vmap and not whole._load("de-en").use_vmap


def test_a_model_installed_without_the_map_gets_it_when_loaded(
    split_vocabulary_release, tmp_path, caplog
):
    from newsdesk.translation.modelstore import VOCABULARY_MAP, install_from_path

    release, german_only, _ = split_vocabulary_release
    model = install_from_path(release, tmp_path / "models", name="split", version="1")
    (model.path / VOCABULARY_MAP).unlink()  # as installed by an older newsdesk
    manifest = model.path / "newsdesk-model.json"
    data = json.loads(manifest.read_text())
    data["output_vocabulary"] = None
    del data["files"][VOCABULARY_MAP]
    manifest.write_text(json.dumps(data))
    engine = CTranslate2Engine(str(tmp_path / "models"), beam_size=1)
    with caplog.at_level("INFO", logger="newsdesk.translation.engines.ctranslate2"):
        (output,) = engine.translate(["Der Gemeinderat tagte."], "de", "en")
    assert (model.path / VOCABULARY_MAP).exists()
    assert german_only.lstrip("▁") not in output
    assert "output restricted to the" in caplog.text
    # The manifest learns of it: models list shows the counts, verify checks the file.
    from newsdesk.translation.modelstore import read_manifest, verify

    updated = read_manifest(model.path)
    assert updated is not None and updated.output_vocabulary == model.output_vocabulary
    assert VOCABULARY_MAP in updated.files and verify(updated) == []


def test_a_model_without_the_map_that_cannot_be_written_still_translates(
    split_vocabulary_release, tmp_path, caplog, monkeypatch
):
    import errno
    import tempfile

    from newsdesk.translation.modelstore import VOCABULARY_MAP, install_from_path

    release, german_only, _ = split_vocabulary_release
    model = install_from_path(release, tmp_path / "models", name="split", version="1")
    (model.path / VOCABULARY_MAP).unlink()

    # A read-only model directory (the tests run as root, who may write anyway, so the file
    # system's answer is given here).
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    engine = CTranslate2Engine(str(tmp_path / "models"), beam_size=1)
    with caplog.at_level("WARNING", logger="newsdesk.translation.engines.ctranslate2"):
        (output,) = engine.translate(["Der Gemeinderat tagte."], "de", "en")
    assert german_only.lstrip("▁") in output  # unrestricted, as before the map existed
    assert not (model.path / VOCABULARY_MAP).exists()
    assert "Reinstall it" in caplog.text and "Read-only file system" in caplog.text


def test_one_sentencepiece_model_for_both_sides_keeps_the_whole_vocabulary(model_dir):
    from newsdesk.translation.modelstore import VOCABULARY_MAP, installed_models

    # The session's tiny models use one sentencepiece model for both languages (as Argos
    # packages do): the map would save nothing, so none is written and none is used.
    for model in installed_models(model_dir):
        assert model.output_vocabulary is None
        assert not (model.path / VOCABULARY_MAP).exists()
    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    engine.translate(["Der Rat tagte."], "de", "en")
    assert not engine._load("de-en").use_vmap


def test_alternatives_are_the_next_hypotheses_of_the_beam(model_dir):
    engine = CTranslate2Engine(str(model_dir), beam_size=2)
    sentences = ["The city council met on Monday.", "It is raining in Vienna."]
    best = engine.translate(sentences, "en", "fr")
    others = engine.translate_alternatives(sentences, "en", "fr", 2)
    assert len(others) == 2
    for main, hypotheses in zip(best, others, strict=True):
        # The beam widened to three gives three different hypotheses. Its best need not be
        # the main translation (a wider beam can find another), which is why all three come
        # back and the pipeline drops only what equals the main one.
        assert len(hypotheses) == 3 and len(set(hypotheses)) == 3
        assert isinstance(main, str) and main
    # Through the pivot: de -> en (best) -> fr (hypotheses).
    (pivoted,) = engine.translate_alternatives(["Der Rat tagte."], "de", "fr", 1)
    assert len(pivoted) == 2
    assert engine.translate_alternatives([], "en", "fr", 2) == []


def test_a_vocabulary_map_that_came_with_the_model_is_kept(split_vocabulary_release, tmp_path):
    import shutil

    from newsdesk.translation.modelstore import (
        MANIFEST,
        VOCABULARY_MAP,
        install_from_path,
    )

    release, _german_only, _ = split_vocabulary_release
    first = install_from_path(release, tmp_path / "first", name="split", version="1")
    bare = tmp_path / "bare-ct2-model"
    shutil.copytree(first.path, bare)
    (bare / MANIFEST).unlink()
    own = "\t▁the ▁city\n▁Stadt\t▁city ▁town\n"  # fixed candidates and an n-gram rule
    (bare / VOCABULARY_MAP).write_text(own, encoding="utf-8")
    model = install_from_path(bare, tmp_path / "second", pair="de-en", name="own", version="1")
    assert (model.path / VOCABULARY_MAP).read_text(encoding="utf-8") == own
    assert model.output_vocabulary is None  # its own rules: no count to report
    with override_settings(NEWSDESK_MODEL_DIR=tmp_path / "second"):
        from django.core.management import call_command

        listing = io.StringIO()
        call_command("models", "list", stdout=listing)
    assert "as its own vocabulary map says" in listing.getvalue()


def _long_sentence(ending: str) -> str:
    """A single English sentence of 300 words (over 900 pieces of the tiny vocabulary)."""
    import random

    words = (
        "the council met on monday and decided that the new school will be built near the "
        "station with money from the city"
    ).split()
    pick = random.Random(3)
    return " ".join(pick.choice(words) for _ in range(300)) + " " + ending


def test_the_last_words_of_a_300_word_sentence_change_the_translation(model_dir):
    """Issue 11: one sentence too long for the model came back the same whatever its end
    said (the input or output limit cut it off). The pipeline cuts it at the engine's limit
    and joins the pieces, so a change in the last words changes the translation."""
    first, second = _long_sentence("today."), _long_sentence("tomorrow instead.")
    assert first.split()[:300] == second.split()[:300] and len(first.split()) == 301

    def translate(text: str, engine: CTranslate2Engine) -> str:
        result = translate_document(
            [SourceField("t", text)],
            "en",
            "fr",
            engine=engine,
            glossary=[],
            use_memory=False,
            detect_language=False,
        )
        return result.text("t")

    whole = CTranslate2Engine(str(model_dir), beam_size=1, max_segment_pieces=100_000)
    assert whole.measure([first], "en", "fr")[0] > 900
    # Sent whole, the limits swallow the end: the fault this test guards against.
    assert translate(first, whole) == translate(second, whole)

    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    assert translate(first, engine) != translate(second, engine)


def test_output_at_the_length_limit_is_a_cut_output(model_dir):
    from newsdesk.translation.engines import CutOutput

    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    # Random weights never write the end: every output runs into the decoding limit.
    (output,) = engine.translate(["Der Rat tagte."], "de", "en")
    assert isinstance(output, CutOutput)
    engine.max_decoding_length = 1000
    assert engine.segment_limit("de", "en") == 256


def test_a_short_segment_gives_the_same_text_batched_with_a_long_one(model_dir):
    """Each segment decodes within its own limit: batched with a long sentence (editions
    translated together), a short one comes back as it does alone, and is not cut."""
    engine = CTranslate2Engine(str(model_dir), beam_size=1)
    short = "It rains."
    long = " ".join(["The council met today and talked about the new school"] * 6) + "."
    alone = engine.translate([short], "en", "fr")[0]
    together = engine.translate([short, long], "en", "fr")[0]
    assert together == alone
    assert type(together) is type(alone)
