"""Reading GermEval-format training files: good lines, and every kind of bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.moderation.classifiers.base import DummyClassifier
from newsdesk.moderation.classifiers.training import DataError, cross_validate, read_germeval


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "data.tsv"
    path.write_text(content, encoding="utf-8")
    return path


def test_reads_coarse_and_fine_labels(tmp_path: Path) -> None:
    data = read_germeval(
        write(tmp_path, "Du Depp\tOFFENSE\tINSULT\n\nSchönes Wetter\tOTHER\tOTHER\n")
    )
    assert data.texts == ("Du Depp", "Schönes Wetter")
    assert data.labels == (True, False)
    assert data.fine_labels == ("INSULT", "OTHER")
    assert data.offensive == 1


def test_reads_coarse_labels_only(tmp_path: Path) -> None:
    data = read_germeval(write(tmp_path, "a\tOTHER\nb\tOFFENSE\n"))
    assert data.labels == (False, True)
    assert data.fine_labels == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ok\tOTHER\nno tab here\n", "line 2: expected text<TAB>"),
        ("ok\tOTHER\nbad\tRUDE\n", "line 2: unknown label 'RUDE'"),
        ("ok\tOTHER\tOTHER\nbad\tOFFENSE\tMEAN\n", "line 2: unknown fine label 'MEAN'"),
        ("ok\tOTHER\tOTHER\nshort\tOFFENSE\n", "line 2: fine labels on some lines"),
        ("a\tb\tc\td\n", "line 1: expected"),
        ("\tOTHER\n", "line 1: empty text"),
        ("", "no examples"),
        ("\n\n", "no examples"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as caught:
        read_germeval(write(tmp_path, content))
    assert "data.tsv" in str(caught.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_germeval(tmp_path / "absent.tsv")
    path = tmp_path / "latin1.tsv"
    path.write_bytes("Grüße\tOTHER\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_germeval(path)


def test_cross_validation_of_a_perfect_dummy() -> None:
    texts = [f"du idiot nummer {i}" for i in range(10)] + [f"guten tag {i}" for i in range(10)]
    labels = [True] * 10 + [False] * 10
    result = cross_validate(texts, labels, lambda _t, _l: DummyClassifier(), folds=5, seed=1)
    assert len(result.folds) == 5
    assert result.mean.average_f == 1.0
    assert result.mean.roc_auc == 1.0
