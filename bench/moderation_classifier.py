"""Offensive-language classifier: newsdesk's built-in model against a plain TF-IDF baseline.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/moderation_classifier.py \
          [--data ../shared/data/germeval2018/germeval2018.training.txt] [--folds 5] [--seed 42]

Both sides go through the same stratified 5-fold cross-validation (seed 42) on the GermEval
2018 training split (5,009 German tweets). The baseline is scikit-learn's TfidfVectorizer
(word 1-2-grams and char_wb 2-5-grams, sublinear tf, min_df 2) with LogisticRegression
(class_weight "balanced", otherwise defaults), cut at probability 0.5. Ours is
``newsdesk.moderation.classifiers.linear.train`` with its shipped settings; it picks its
threshold inside each training fold (inner cross-validation), never on the held-out fold.

Reported per side: GermEval's Average F (harmonic mean of macro precision and macro
recall), macro P, macro R and ROC-AUC, each the mean over folds in percent; the seconds to
train on the whole split; the milliseconds per comment to score one comment per call and
in batches of 256 (all 5,009 tweets).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline, make_union  # noqa: E402

from newsdesk.moderation.classifiers.base import Classifier  # noqa: E402
from newsdesk.moderation.classifiers.linear import train  # noqa: E402
from newsdesk.moderation.classifiers.training import (  # noqa: E402
    CrossValidation,
    cross_validate,
    read_germeval,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "germeval2018" / "germeval2018.training.txt"
SINGLE_CALLS = 1000
BATCH = 256


class Baseline(Classifier):
    """TF-IDF word and character n-grams with logistic regression, cut at 0.5."""

    name = "tfidf-logreg"

    def __init__(self, texts: Sequence[str], labels: Sequence[bool]) -> None:
        self.pipeline = Pipeline(
            [
                (
                    "features",
                    make_union(
                        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                        TfidfVectorizer(
                            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                        ),
                    ),
                ),
                ("model", LogisticRegression(class_weight="balanced", max_iter=1000)),
            ]
        )
        self.pipeline.fit(list(texts), list(labels))

    def score(self, texts: Sequence[str]) -> list[float]:
        return self.pipeline.predict_proba(list(texts))[:, 1].tolist()


def ours(texts: Sequence[str], labels: Sequence[bool]) -> Classifier:
    return train(texts, labels)


def timings(build, texts: Sequence[str], labels: Sequence[bool]) -> dict[str, float]:
    started = time.perf_counter()
    model = build(texts, labels)
    trained = time.perf_counter() - started
    model.score(texts[:10])  # warm up
    started = time.perf_counter()
    for text in texts[:SINGLE_CALLS]:
        model.score([text])
    single = (time.perf_counter() - started) / SINGLE_CALLS
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        model.score(texts[start : start + BATCH])
    batched = (time.perf_counter() - started) / len(texts)
    return {"train_s": trained, "single_ms": 1000 * single, "batch_ms": 1000 * batched}


def row(label: str, result: CrossValidation, times: dict[str, float]) -> str:
    mean = result.mean
    return (
        f"{label:<22} {100 * mean.average_f:9.2f} {100 * mean.macro_precision:8.2f} "
        f"{100 * mean.macro_recall:8.2f} {100 * (mean.roc_auc or 0):8.2f} "
        f"{result.seconds:7.0f} {times['train_s']:9.1f} {times['single_ms']:10.3f} "
        f"{times['batch_ms']:9.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="newsdesk classifier against a TF-IDF baseline")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    data = read_germeval(args.data)
    texts, labels = list(data.texts), list(data.labels)
    print(f"{args.data.name}: {len(texts)} texts, {data.offensive} offensive")
    print(f"{args.folds}-fold stratified cross-validation, seed {args.seed}; figures in percent")
    results = {}
    for label, build in (("baseline TF-IDF+LR", Baseline), ("newsdesk NB-SVM x2", ours)):
        result = cross_validate(texts, labels, build, folds=args.folds, seed=args.seed)
        results[label] = (result, timings(build, texts, labels))
    print(
        f"{'':<22} {'Average F':>9} {'macro P':>8} {'macro R':>8} {'ROC-AUC':>8} "
        f"{'CV s':>7} {'train s':>9} {'ms single':>10} {'ms batch':>9}"
    )
    for label, (result, times) in results.items():
        print(row(label, result, times))
    (base, _), (mine, _) = results.values()
    print(
        f"difference: Average F {100 * (mine.mean.average_f - base.mean.average_f):+.2f} points, "
        f"ROC-AUC {100 * ((mine.mean.roc_auc or 0) - (base.mean.roc_auc or 0)):+.2f} points"
    )
    per_fold = [
        f"{100 * (m.average_f - b.average_f):+.2f}"
        for b, m in zip(base.folds, mine.folds, strict=True)
    ]
    print(f"Average F difference per fold: {' '.join(per_fold)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
