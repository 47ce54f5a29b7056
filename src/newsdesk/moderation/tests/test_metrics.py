"""Metrics against figures worked out by hand."""

from __future__ import annotations

import pytest

from newsdesk.moderation.classifiers.metrics import (
    average_f,
    best_threshold,
    evaluate,
    macro_f1,
    macro_precision_recall,
    roc_auc,
)

# 10 texts, 4 offensive. Predicted offensive: 3 (2 right). Confusion: TP 2, FP 1, FN 2, TN 5.
TRUTH = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
PREDICTED = [1, 1, 0, 0, 1, 0, 0, 0, 0, 0]


def test_macro_precision_and_recall_by_hand() -> None:
    # offensive: P 2/3, R 2/4; other: P 5/7, R 5/6
    precision, recall = macro_precision_recall(TRUTH, PREDICTED)
    assert precision == pytest.approx((2 / 3 + 5 / 7) / 2)
    assert recall == pytest.approx((2 / 4 + 5 / 6) / 2)


def test_average_f_is_the_harmonic_mean_of_macro_p_and_r_not_macro_f1() -> None:
    p = (2 / 3 + 5 / 7) / 2  # 0.690476
    r = (1 / 2 + 5 / 6) / 2  # 0.666667
    assert average_f(TRUTH, PREDICTED) == pytest.approx(2 * p * r / (p + r))  # 0.678363
    f_offensive = 2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2)  # 0.571429
    f_other = 2 * (5 / 7) * (5 / 6) / (5 / 7 + 5 / 6)  # 0.769231
    assert macro_f1(TRUTH, PREDICTED) == pytest.approx((f_offensive + f_other) / 2)  # 0.670330
    assert average_f(TRUTH, PREDICTED) - macro_f1(TRUTH, PREDICTED) == pytest.approx(
        0.678363 - 0.670330, abs=1e-5
    )


def test_perfect_and_all_one_class_predictions() -> None:
    assert average_f(TRUTH, TRUTH) == 1.0
    # Everything "other": offensive P undefined (0), R 0; other P 6/10, R 1.
    assert macro_precision_recall(TRUTH, [0] * 10) == pytest.approx((0.3, 0.5))


def test_roc_auc_counts_ties_as_half() -> None:
    # Pairs (offensive, other): 0.9>0.1, 0.9>0.5, 0.5=0.5 (half), 0.5>0.1 -> 3.5 of 4.
    assert roc_auc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]) == pytest.approx(3.5 / 4)
    assert roc_auc([1, 0], [0.1, 0.9]) == 0.0


def test_roc_auc_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both classes"):
        roc_auc([1, 1], [0.2, 0.3])


def test_length_mismatch_and_bad_values_are_refused() -> None:
    with pytest.raises(ValueError):
        average_f([1, 0], [1])
    with pytest.raises(ValueError):
        average_f([1, 2], [1, 0])


def test_evaluate_collects_everything() -> None:
    scores = evaluate(TRUTH, PREDICTED, [0.9, 0.8, 0.3, 0.2, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1])
    assert scores.average_f == pytest.approx(average_f(TRUTH, PREDICTED))
    assert scores.roc_auc is not None and 0.5 < scores.roc_auc <= 1


def test_best_threshold_separates_separable_scores() -> None:
    truth = [1, 1, 1, 0, 0, 0]
    scores = [0.9, 0.8, 0.6, 0.4, 0.2, 0.1]
    cut = best_threshold(truth, scores)
    assert 0.4 < cut < 0.6
    assert average_f(truth, [s >= cut for s in scores]) == 1.0
