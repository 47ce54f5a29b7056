"""Rebuild the shipped model from the GermEval 2018 training split.

    python -m newsdesk.moderation.classifiers.build [--data PATH] [--out DIR] [--created ISO]

Reads ``../shared/data/germeval2018/germeval2018.training.txt`` relative to the repository
by default (the data is never copied into the repository), cross-validates the shipped
configuration (5 folds, seed 42; recorded in the metadata), trains on the whole split and
writes ``germeval2018-de.npz`` and ``.json`` into ``--out`` (default: the package's data/).
The arrays are byte-for-byte reproducible; the metadata differs only in ``created``, which
``--created`` (or SOURCE_DATE_EPOCH) fixes. About 1 minute on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from newsdesk.moderation.classifiers.linear import (
    BUILTIN_MODEL,
    LinearClassifier,
    TrainingOptions,
    train,
)
from newsdesk.moderation.classifiers.training import DataError, cross_validate, read_germeval

REPOSITORY = Path(__file__).resolve().parents[4]
DEFAULT_DATA = REPOSITORY.parent / "shared" / "data" / "germeval2018" / "germeval2018.training.txt"
MODEL_NAME = "germeval2018-de"
MODEL_VERSION = "1"
DESCRIPTION = (
    "GermEval 2018 shared task, training split: German tweets labelled OFFENSE/OTHER "
    "(coarse labels only used)."
)
ATTRIBUTION = (
    "Michael Wiegand, Melanie Siegel, Josef Ruppenhofer: Overview of the GermEval 2018 Shared "
    "Task on the Identification of Offensive Language, Proceedings of GermEval 2018, Vienna. "
    "Data: the GermEval-2018-Data repository of uds-lsv, licensed CC BY 4.0."
)
CV_FOLDS = 5
CV_SEED = 42


def created_time(value: str | None) -> dt.datetime:
    if value:
        return dt.datetime.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="GermEval TSV file")
    parser.add_argument("--out", type=Path, default=BUILTIN_MODEL.parent, help="directory")
    parser.add_argument("--created", help="ISO time recorded as creation time")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = parser.parse_args(argv)
    try:
        data = read_germeval(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = TrainingOptions()
    print(f"{args.data}: {len(data)} texts, {data.offensive} offensive")

    def fit(texts: Sequence[str], labels: Sequence[int]) -> LinearClassifier:
        return train(texts, labels, options=options)

    metrics = None
    if not args.no_cv:
        result = cross_validate(data.texts, data.labels, fit, folds=CV_FOLDS, seed=CV_SEED)
        metrics = result.as_dict()
        mean = result.mean
        print(
            f"{CV_FOLDS}-fold CV: Average F {100 * mean.average_f:.2f}, "
            f"macro P {100 * mean.macro_precision:.2f}, macro R {100 * mean.macro_recall:.2f}, "
            f"ROC-AUC {100 * (mean.roc_auc or 0):.2f} ({result.seconds:.0f} s)"
        )
    model = train(
        data.texts,
        data.labels,
        options=options,
        name=MODEL_NAME,
        version=MODEL_VERSION,
        languages=("de",),
        description=DESCRIPTION,
        attribution=ATTRIBUTION,
        created=created_time(args.created),
    )
    model.record_metrics(metrics)
    target = args.out / f"{MODEL_NAME}.npz"
    model.save(target)
    print(f"wrote {target} ({target.stat().st_size:,} bytes) and {target.with_suffix('.json')}")
    print(f"threshold {model.threshold:.4f}, sha256 {model.metadata['arrays']['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
