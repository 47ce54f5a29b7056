"""Training data in GermEval format and k-fold cross-validation of any classifier."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from newsdesk.moderation.classifiers.base import Classifier
from newsdesk.moderation.classifiers.metrics import Scores, evaluate

#: coarse labels of GermEval 2018 and whether each means offensive
COARSE_LABELS = {"OFFENSE": True, "OTHER": False}
#: fine labels of GermEval 2018 (task 2)
FINE_LABELS = ("ABUSE", "INSULT", "PROFANITY", "OTHER")


class DataError(ValueError):
    """A training file cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Dataset:
    """Texts with a boolean label each (True: offensive) and, where the file had them, the
    fine labels (``FINE_LABELS``; empty tuple otherwise)."""

    texts: tuple[str, ...]
    labels: tuple[bool, ...]
    fine_labels: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def offensive(self) -> int:
        return sum(self.labels)


def read_germeval(path: str | Path) -> Dataset:
    """Read a GermEval 2018 TSV file: ``text<TAB>OFFENSE|OTHER[<TAB>fine label]`` per line.

    Blank lines are skipped. Raises DataError (naming the file and the 1-based line) for a
    missing or undecodable file, a line without a tab, an empty text, an unknown coarse or
    fine label, a fine label on some lines but not others, and a file with no examples.
    """
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    texts: list[str] = []
    labels: list[bool] = []
    fines: list[str] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3):
            raise DataError(
                f"{path}, line {number}: expected text<TAB>OFFENSE|OTHER[<TAB>fine label], "
                f"found {len(parts) - 1} tab(s)"
            )
        text, coarse = parts[0].strip(), parts[1].strip()
        if not text:
            raise DataError(f"{path}, line {number}: empty text")
        if coarse not in COARSE_LABELS:
            raise DataError(
                f"{path}, line {number}: unknown label {coarse!r} (expected OFFENSE or OTHER)"
            )
        if len(parts) == 3:
            fine = parts[2].strip()
            if fine not in FINE_LABELS:
                raise DataError(
                    f"{path}, line {number}: unknown fine label {fine!r} "
                    f"(expected one of {', '.join(FINE_LABELS)})"
                )
            fines.append(fine)
        if fines and len(fines) != len(texts) + 1:
            raise DataError(f"{path}, line {number}: fine labels on some lines but not on all")
        texts.append(text)
        labels.append(COARSE_LABELS[coarse])
    if not texts:
        raise DataError(f"{path}: no examples")
    return Dataset(tuple(texts), tuple(labels), tuple(fines))


@dataclass(frozen=True)
class CrossValidation:
    """Result of k-fold cross-validation: the measures of each fold (on its held-out part, at
    the threshold the fold's model chose itself), their means, and the seconds spent."""

    folds: tuple[Scores, ...]
    mean: Scores
    seed: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "folds": len(self.folds),
            "seed": self.seed,
            "mean": self.mean.as_dict(),
            "per_fold": [fold.as_dict() for fold in self.folds],
        }


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[bool],
    train: Callable[[list[str], list[bool]], Classifier],
    folds: int = 5,
    seed: int = 42,
) -> CrossValidation:
    """Stratified k-fold cross-validation: ``train`` sees only the training part of each fold
    (so any threshold it tunes is tuned there); its model scores the held-out part, and texts
    scoring at or above ``model.threshold`` count as offensive.

    Measures are averaged over folds (GermEval reports one test set; the fold mean is the
    nearest equivalent). Raises ValueError when a class has fewer than ``folds`` examples.
    """
    label_array = np.asarray(labels, dtype=bool)
    if min(int(label_array.sum()), int((~label_array).sum())) < folds:
        raise ValueError(f"{folds}-fold cross-validation needs {folds} examples of each class")
    started = time.perf_counter()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results = []
    for train_index, test_index in splitter.split(np.zeros(len(label_array)), label_array):
        model = train([texts[i] for i in train_index], label_array[train_index].tolist())
        scores = np.asarray(model.score([texts[i] for i in test_index]))
        results.append(evaluate(label_array[test_index], scores >= model.threshold, scores))
    mean = Scores(
        **{
            name: float(np.mean([getattr(result, name) for result in results]))
            for name in ("average_f", "macro_precision", "macro_recall", "macro_f1", "roc_auc")
        }
    )
    return CrossValidation(tuple(results), mean, seed, time.perf_counter() - started)
