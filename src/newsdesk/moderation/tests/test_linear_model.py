"""The built-in model's code on a small synthetic data set: training, saving, loading, refusing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsdesk.moderation.classifiers import ClassifierError
from newsdesk.moderation.classifiers.linear import (
    LinearClassifier,
    _npz_bytes,
    normalize,
    train,
)
from newsdesk.moderation.tests.synthetic import SMALL, SUBJECTS
from newsdesk.moderation.tests.synthetic import synthetic as _synthetic


def synthetic_with_mention(count: int, seed: int) -> tuple[list[str], list[bool]]:
    return _synthetic(count, seed, prefix="@someone ")


@pytest.fixture(scope="module")
def model() -> LinearClassifier:
    texts, labels = synthetic_with_mention(60, seed=1)
    return train(texts, labels, options=SMALL, name="synthetic", description="test data")


@pytest.fixture
def saved(model: LinearClassifier, tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    model.save(path)
    return path


def test_normalization() -> None:
    assert normalize("@a @b Du |LBR| DEPP  http://x.y/z") == "@user du depp url"


def test_training_learns_the_signal(model: LinearClassifier) -> None:
    texts, labels = synthetic_with_mention(40, seed=2)
    scores = model.score(texts)
    offensive = [s for s, label in zip(scores, labels, strict=True) if label]
    harmless = [s for s, label in zip(scores, labels, strict=True) if not label]
    assert min(offensive) > max(harmless)
    assert model.is_offensive(texts) == labels
    assert all(0 <= s <= 1 for s in scores)
    assert 0 < model.threshold < 1


def test_metadata_describes_the_model(model: LinearClassifier) -> None:
    meta = model.metadata
    assert meta["name"] == "synthetic" and meta["languages"] == ["de"]
    assert meta["training"]["examples"] == 60 and meta["training"]["offensive"] == 30
    assert meta["features"]["n_features"] == 2**14
    assert meta["threshold"] == model.threshold


def test_save_and_load_give_identical_scores(model: LinearClassifier, saved: Path) -> None:
    loaded = LinearClassifier(saved)
    texts, _labels = synthetic_with_mention(30, seed=3)
    assert loaded.score(texts) == model.score(texts)
    assert loaded.threshold == model.threshold
    assert json.loads(saved.with_suffix(".json").read_text())["arrays"]["file"] == "model.npz"


def test_saving_twice_writes_the_same_bytes(model: LinearClassifier, tmp_path: Path) -> None:
    model.save(tmp_path / "a.npz")
    model.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries left


def test_extra_site_examples_shift_the_model(model: LinearClassifier) -> None:
    texts, labels = synthetic_with_mention(60, seed=1)
    probe = ["Der Minister ist ein Lauch.", "Dieser Typ ist ein Lauch."]
    site = [(f"{subject} ist ein Lauch.", True, 3.0) for subject in SUBJECTS]
    retrained = train(texts, labels, base=model, extra=site)
    assert min(retrained.score(probe)) > max(model.score(probe))
    assert retrained.metadata["training"]["extra_examples"] == len(site)
    assert retrained.metadata["training"]["retrained_from"] == "synthetic@1"
    assert retrained.features == model.features  # the base's settings are kept


def test_zero_weight_examples_teach_nothing(model: LinearClassifier) -> None:
    texts, labels = synthetic_with_mention(60, seed=1)
    site = [("Der Minister ist ein Lauch.", True, 0.0)]
    same = train(texts, labels, base=model, extra=site)
    probe = ["Der Minister ist ein Lauch."]
    assert same.score(probe) == pytest.approx(model.score(probe))


@pytest.mark.parametrize(
    ("labels", "extra", "message"),
    [
        ([True, False], [], "texts but"),
        ([True] * 60, [], "at least 3 offensive"),
        (None, [("x", True, -1.0)], "finite and not negative"),
        (None, [("x", True, float("nan"))], "finite and not negative"),
    ],
)
def test_training_refuses_bad_input(labels: Any, extra: Any, message: str) -> None:
    texts, good = synthetic_with_mention(60, seed=1)
    with pytest.raises(ClassifierError, match=message):
        train(texts, good if labels is None else labels, extra=extra, options=SMALL)


def test_score_refuses_a_bare_string(model: LinearClassifier) -> None:
    with pytest.raises(ClassifierError, match="sequence of texts"):
        model.score("Du Depp")  # type: ignore[arg-type]
    assert model.score([]) == []


# Corrupt files: each case rewrites the saved model and expects a clear refusal.


def rewrite(path: Path, arrays: dict[str, Any] | None = None, pickle: bool = False) -> None:
    """Replace the npz with ``arrays`` and record its digest, so only the content is wrong."""
    if arrays is not None:
        if pickle:
            buffer = io.BytesIO()
            np.savez(buffer, **arrays)
            content = buffer.getvalue()
        else:
            content = _npz_bytes(arrays)
        path.write_bytes(content)
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["arrays"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))


def arrays_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def edit_metadata(path: Path, **changes: Any) -> None:
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    for dotted, value in changes.items():
        target = meta
        *parents, last = dotted.split("__")
        for parent in parents:
            target = target[parent]
        target[last] = value
    meta_path.write_text(json.dumps(meta))


def refused(path: Path, message: str) -> None:
    with pytest.raises(ClassifierError, match=message) as caught:
        LinearClassifier(path)
    assert caught.value.retryable is False
    assert path.name in str(caught.value) or path.with_suffix(".json").name in str(caught.value)


def test_missing_files(saved: Path) -> None:
    saved.with_suffix(".json").unlink()
    refused(saved, "model file not found")
    saved.unlink()
    refused(saved, "model file not found")


def test_missing_shipped_model_path_is_named(tmp_path: Path) -> None:
    refused(tmp_path / "nothing.npz", "nothing.npz: model file not found")


def test_sidecar_not_json(saved: Path) -> None:
    saved.with_suffix(".json").write_text("{not json")
    refused(saved, "not valid JSON")


def test_truncated_npz_is_caught_by_its_digest(saved: Path) -> None:
    saved.write_bytes(saved.read_bytes()[:-100])
    refused(saved, "do not match model.json.*truncated")


def test_truncated_npz_with_matching_digest_cannot_be_read(saved: Path) -> None:
    saved.write_bytes(saved.read_bytes()[:200])
    rewrite(saved)
    refused(saved, "cannot read the arrays")


def test_not_a_zip_file(saved: Path) -> None:
    saved.write_bytes(b"\x00" * 64)
    rewrite(saved)
    refused(saved, "cannot read the arrays")


def test_missing_array(saved: Path) -> None:
    arrays = arrays_of(saved)
    del arrays["member1_weight"]
    rewrite(saved, arrays)
    refused(saved, "arrays .* differ from the expected")


def test_extra_array(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["surprise"] = np.zeros(3)
    rewrite(saved, arrays)
    refused(saved, "differ from the expected")


def test_shape_mismatch(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["member0_weight"] = arrays["member0_weight"][:-1]
    rewrite(saved, arrays)
    refused(saved, "member 0: index shape .* and weight shape .* differ")


def test_index_outside_the_feature_space(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["member0_index"][-1] = 2 * 2**14
    rewrite(saved, arrays)
    refused(saved, "member 0: index outside")


def test_unsorted_index(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["member1_index"][[0, 1]] = arrays["member1_index"][[1, 0]]
    rewrite(saved, arrays)
    refused(saved, "not strictly increasing")


def test_wrong_dtype(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["member0_weight"] = arrays["member0_weight"].astype(np.float64)
    rewrite(saved, arrays)
    refused(saved, "weight dtype float64, metadata says float32")


def test_non_finite_weights(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["member0_weight"][0] = np.nan
    rewrite(saved, arrays)
    refused(saved, "weights not finite")


def test_bad_calibration_and_intercepts(saved: Path) -> None:
    arrays = arrays_of(saved)
    arrays["calibration"] = np.array([-1.0, 0.0])
    rewrite(saved, arrays)
    refused(saved, "positive slope")
    arrays["calibration"] = np.array([1.0, 0.0])
    arrays["intercepts"] = np.zeros(3)
    rewrite(saved, arrays)
    refused(saved, r"intercepts must have shape \(2,\)")


def test_object_arrays_are_refused_never_unpickled(saved: Path) -> None:
    arrays: dict[str, Any] = arrays_of(saved)
    arrays["member0_weight"] = np.array([{"evil": True}] * 3, dtype=object)
    rewrite(saved, arrays, pickle=True)
    with zipfile.ZipFile(saved) as archive:  # the file really holds a pickle
        assert b"evil" in archive.read("member0_weight.npy")
    refused(saved, "cannot read the arrays .*allow_pickle")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features__n_features": 1000}, "no power of two"),
        ({"features__normalization": "other"}, "unknown normalization"),
        ({"features__members": [["nonexistent"]]}, "members must be"),
        ({"features__analyzers": []}, "analyzers must be present"),
        ({"format_version": 99}, "version 99"),
        ({"threshold": 1.5}, r"not in \(0, 1\)"),
        ({"threshold": "high"}, "'threshold' missing"),
        ({"model__weight_dtype": "float8"}, "unknown weight_dtype"),
    ],
)
def test_bad_metadata(saved: Path, change: dict[str, Any], message: str) -> None:
    edit_metadata(saved, **change)
    refused(saved, message)


def test_wrong_feature_config_against_the_arrays(saved: Path) -> None:
    # Two members' arrays, but a configuration of one member: the arrays no longer fit.
    edit_metadata(saved, features__members=[["words", "word_chars"]])
    refused(saved, "differ from the expected")


def test_bad_analyzer(saved: Path) -> None:
    meta = json.loads(saved.with_suffix(".json").read_text())
    meta["features"]["analyzers"][0]["kind"] = "sentences"
    saved.with_suffix(".json").write_text(json.dumps(meta))
    refused(saved, "unknown kind 'sentences'")
    meta["features"]["analyzers"][0]["kind"] = "word"
    meta["features"]["analyzers"][0]["ngram_range"] = [3, 1]
    saved.with_suffix(".json").write_text(json.dumps(meta))
    refused(saved, "bad ngram_range")
