"""Evaluation measures for a two-class offensive/other decision, as GermEval 2018 defines them.

GermEval's "Average F" is the harmonic mean of the macro-averaged precision and the
macro-averaged recall over both classes (Wiegand, Siegel, Ruppenhofer 2018, section 5). It is
not scikit-learn's macro F1 (the mean of the two classes' F1), and the two differ whenever the
classes' precision and recall differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import rankdata


@dataclass(frozen=True)
class Scores:
    """Measures in [0, 1] (not percent); ``roc_auc`` is None where no scores were given or
    only one class is present."""

    average_f: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    roc_auc: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def _as_bool(values: Sequence[bool | int] | np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {array.shape}")
    if array.dtype != bool and not np.isin(array, (0, 1)).all():
        raise ValueError(f"{what} must be booleans or 0/1")
    return array.astype(bool)


def _per_class(truth: np.ndarray, predicted: np.ndarray) -> tuple[list[float], list[float]]:
    """Precision and recall of each class (offensive, other); 0 where undefined."""
    precisions, recalls = [], []
    for positive in (True, False):
        actual = truth == positive
        said = predicted == positive
        hits = float(np.sum(actual & said))
        precisions.append(hits / said.sum() if said.any() else 0.0)
        recalls.append(hits / actual.sum() if actual.any() else 0.0)
    return precisions, recalls


def harmonic_mean(first: float, second: float) -> float:
    return 0.0 if first + second == 0 else 2 * first * second / (first + second)


def macro_precision_recall(
    truth: Sequence[bool | int] | np.ndarray, predicted: Sequence[bool | int] | np.ndarray
) -> tuple[float, float]:
    """(macro precision, macro recall) over the two classes, each in [0, 1].

    Raises ValueError when the sequences differ in length, are empty or hold other values.
    """
    truth_array = _as_bool(truth, "truth")
    predicted_array = _as_bool(predicted, "predicted")
    if len(truth_array) != len(predicted_array) or not len(truth_array):
        raise ValueError("truth and predicted must be non-empty and of equal length")
    precisions, recalls = _per_class(truth_array, predicted_array)
    return float(np.mean(precisions)), float(np.mean(recalls))


def average_f(
    truth: Sequence[bool | int] | np.ndarray, predicted: Sequence[bool | int] | np.ndarray
) -> float:
    """GermEval 2018's Average F in [0, 1]: harmonic mean of macro precision and macro recall."""
    return harmonic_mean(*macro_precision_recall(truth, predicted))


def macro_f1(
    truth: Sequence[bool | int] | np.ndarray, predicted: Sequence[bool | int] | np.ndarray
) -> float:
    """Mean of the two classes' F1 (scikit-learn's ``f1_score(average="macro")``), in [0, 1]."""
    truth_array = _as_bool(truth, "truth")
    predicted_array = _as_bool(predicted, "predicted")
    if len(truth_array) != len(predicted_array) or not len(truth_array):
        raise ValueError("truth and predicted must be non-empty and of equal length")
    precisions, recalls = _per_class(truth_array, predicted_array)
    return float(np.mean([harmonic_mean(p, r) for p, r in zip(precisions, recalls, strict=True)]))


def roc_auc(
    truth: Sequence[bool | int] | np.ndarray, scores: Sequence[float] | np.ndarray
) -> float:
    """Area under the ROC curve in [0, 1]: the chance that a random offensive text scores above
    a random other one (ties count half). Raises ValueError when a class is missing."""
    truth_array = _as_bool(truth, "truth")
    score_array = np.asarray(scores, dtype=np.float64)
    if score_array.shape != truth_array.shape:
        raise ValueError("truth and scores must have the same length")
    positives = int(truth_array.sum())
    negatives = len(truth_array) - positives
    if not positives or not negatives:
        raise ValueError("ROC-AUC needs both classes")
    ranks = rankdata(score_array)  # ties get their mean rank: the Mann-Whitney U statistic
    return float(
        (ranks[truth_array].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def evaluate(
    truth: Sequence[bool | int] | np.ndarray,
    predicted: Sequence[bool | int] | np.ndarray,
    scores: Sequence[float] | np.ndarray | None = None,
) -> Scores:
    """All measures at once; ROC-AUC only when ``scores`` are given and both classes occur."""
    precision, recall = macro_precision_recall(truth, predicted)
    auc = None
    if scores is not None and 0 < int(np.sum(_as_bool(truth, "truth"))) < len(truth):
        auc = roc_auc(truth, scores)
    return Scores(
        average_f=harmonic_mean(precision, recall),
        macro_precision=precision,
        macro_recall=recall,
        macro_f1=macro_f1(truth, predicted),
        roc_auc=auc,
    )


def best_threshold(
    truth: Sequence[bool | int] | np.ndarray, scores: Sequence[float] | np.ndarray
) -> float:
    """The cut that maximises Average F when texts scoring at or above it count as offensive.

    Tries every midpoint between consecutive distinct scores (O(n log n)); returns a value
    in the scores' own units. Raises ValueError when a class is missing.
    """
    truth_array = _as_bool(truth, "truth")
    score_array = np.asarray(scores, dtype=np.float64)
    positives = int(truth_array.sum())
    negatives = len(truth_array) - positives
    if not positives or not negatives:
        raise ValueError("a threshold needs both classes")
    order = np.argsort(-score_array, kind="stable")
    sorted_scores = score_array[order]
    sorted_truth = truth_array[order]
    # Cut after position i (first i+1 texts offensive), only where the score changes.
    true_pos = np.cumsum(sorted_truth)
    said_pos = np.arange(1, len(sorted_truth) + 1)
    cuts = np.flatnonzero(np.append(sorted_scores[1:] != sorted_scores[:-1], True))
    tp = true_pos[cuts].astype(np.float64)
    fp = said_pos[cuts] - tp
    fn = positives - tp
    tn = negatives - fp
    said_neg = tn + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = (tp / (tp + fp) + np.where(said_neg > 0, tn / said_neg, 0.0)) / 2
        recall = (tp / positives + tn / negatives) / 2
        value = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)
    best = int(np.argmax(value))
    cut = cuts[best]
    if cut + 1 < len(sorted_scores):
        return float((sorted_scores[cut] + sorted_scores[cut + 1]) / 2)
    return float(sorted_scores[cut])
