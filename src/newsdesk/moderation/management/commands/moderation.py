"""`newsdesk moderation train|evaluate|classify`: the offensive-language classifier's model."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from newsdesk.core import clock
from newsdesk.moderation import learning
from newsdesk.moderation.classifiers import ClassifierError
from newsdesk.moderation.classifiers import build as builtin
from newsdesk.moderation.classifiers.linear import LinearClassifier, TrainingOptions, train
from newsdesk.moderation.classifiers.metrics import evaluate
from newsdesk.moderation.classifiers.training import DataError, cross_validate, read_germeval

#: the GermEval 2018 training split, relative to the current directory (the repository)
DEFAULT_DATA = Path("..", "shared", "data", "germeval2018", "germeval2018.training.txt")
#: texts scored at once by `classify`: large enough to be fast, small enough to stream
BATCH = 256


def default_model_path() -> Path:
    """Where `train` writes unless told otherwise: ``$NEWSDESK_DATA_DIR/moderation/``."""
    return Path(settings.DATA_DIR) / "moderation" / "model.npz"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"


class Command(BaseCommand):
    help = (
        "Train, evaluate and try out the offensive-language classifier (the built-in linear "
        "model, or a model file trained here)."
    )
    # call_command(..., stdin=...) for `classify`; from the shell it reads sys.stdin
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        learn = commands.add_parser(
            "train",
            help="train a model on the GermEval 2018 training data (and the site's decisions)",
        )
        learn.add_argument(
            "--data",
            type=Path,
            metavar="PATH",
            help=f"GermEval-format TSV file (default: {DEFAULT_DATA}, from the current directory)",
        )
        learn.add_argument(
            "--from-decisions",
            action="store_true",
            help="also learn from the moderators' approvals and rejections on this site",
        )
        learn.add_argument(
            "--out",
            type=Path,
            metavar="PATH",
            help="model file to write, ending in .npz; its .json is written beside it "
            "(default: $NEWSDESK_DATA_DIR/moderation/model.npz)",
        )
        learn.add_argument("--no-cv", action="store_true", help="skip the 5-fold cross-validation")
        judge = commands.add_parser(
            "evaluate", help="measure a model on a GermEval-format TSV file"
        )
        judge.add_argument("path", type=Path, metavar="PATH", help="text<TAB>OFFENSE|OTHER lines")
        judge.add_argument(
            "--model",
            type=Path,
            metavar="PATH",
            help="model file (default: NEWSDESK_MODERATION_MODEL, else the built-in one)",
        )
        label = commands.add_parser(
            "classify",
            help="label the texts on standard input, one per line: LABEL<TAB>score per line",
        )
        label.add_argument(
            "--model",
            type=Path,
            metavar="PATH",
            help="model file (default: NEWSDESK_MODERATION_MODEL, else the built-in one)",
        )
        label.add_argument(
            "--tsv",
            action="store_true",
            help="the input is a TSV file; its first column is the text",
        )

    @no_translations  # the command speaks English; the site's language is for its pages
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (ClassifierError, DataError) as exc:
            raise CommandError(str(exc)) from None

    # train -----------------------------------------------------------------------------

    def _train(self, options: dict[str, Any]) -> None:
        out: Path = options["out"] or default_model_path()
        if out.suffix != ".npz":
            raise CommandError(f"--out {out}: a model file name must end in .npz")
        data_path: Path = options["data"] or DEFAULT_DATA
        if not data_path.is_file():
            raise CommandError(
                f"no training data at {data_path.absolute()}: get the GermEval 2018 training "
                "file (germeval2018.training.txt) and name it with --data PATH"
            )
        self._step(f"Reading {data_path}")
        data = read_germeval(data_path)
        self.stdout.write(f"{len(data):,} texts, {data.offensive:,} of them offensive.")
        extra: list[tuple[str, int, float]] = []
        if options["from_decisions"]:
            self._step("Reading the moderators' decisions")
            extra = learning.site_examples()
            rejected = sum(label for _text, label, _weight in extra)
            if extra:
                self.stdout.write(
                    f"{len(extra):,} comments decided by moderators: {rejected:,} rejected, "
                    f"{len(extra) - rejected:,} approved (each counts twice)."
                )
            else:
                self.stdout.write("No comments decided by moderators yet: GermEval data only.")
        options_used = TrainingOptions()
        metrics = None
        if not options["no_cv"]:
            metrics = self._cross_validate(data.texts, data.labels, extra, options_used)
        self._step(f"Training on all {len(data) + len(extra):,} examples")
        created = clock.now().astimezone(dt.UTC)
        model = train(
            data.texts,
            data.labels,
            extra=extra,
            options=options_used,
            name=builtin.MODEL_NAME + ("+site" if extra else ""),
            version=created.strftime("%Y%m%d%H%M%S"),
            languages=("de",),
            description=builtin.DESCRIPTION
            + (" Plus this site's moderation decisions." if extra else ""),
            attribution=builtin.ATTRIBUTION,
            created=created,
        )
        model.record_metrics(metrics)
        self._step(f"Writing {out}")
        try:
            model.save(out)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out} and {out.with_suffix('.json').name} "
                f"({model.model_version()}, threshold {model.threshold:.4f})."
            )
        )
        self.stdout.write(
            f"To use it, set NEWSDESK_MODERATION_MODEL={out.absolute()} and restart the site "
            "and the worker."
        )

    def _cross_validate(
        self,
        texts: Sequence[str],
        labels: Sequence[bool],
        extra: list[tuple[str, int, float]],
        options_used: TrainingOptions,
    ) -> dict[str, object]:
        folds = builtin.CV_FOLDS
        done = 0

        def fit(train_texts: list[str], train_labels: list[bool]) -> LinearClassifier:
            nonlocal done
            done += 1
            self._step(f"Cross-validation: fold {done} of {folds}")
            return train(train_texts, train_labels, extra=extra, options=options_used)

        if extra:
            self.stdout.write(
                "Each fold trains on its GermEval part plus all the site's examples and is "
                "measured on its held-out GermEval part."
            )
        try:
            result = cross_validate(texts, labels, fit, folds=folds, seed=builtin.CV_SEED)
        except ValueError as exc:
            raise CommandError(f"cannot cross-validate: {exc} (or use --no-cv)") from None
        for number, fold in enumerate(result.folds, start=1):
            self.stdout.write(
                f"  fold {number}: Average F {percent(fold.average_f)}, "
                f"ROC-AUC {percent(fold.roc_auc)}"
            )
        mean = result.mean
        self.stdout.write(
            f"{folds}-fold CV: Average F {percent(mean.average_f)}, "
            f"macro P {percent(mean.macro_precision)}, macro R {percent(mean.macro_recall)}, "
            f"ROC-AUC {percent(mean.roc_auc)} ({result.seconds:.0f} s)"
        )
        return result.as_dict()

    # evaluate --------------------------------------------------------------------------

    def _evaluate(self, options: dict[str, Any]) -> None:
        data = read_germeval(options["path"])
        model = LinearClassifier(options["model"] or settings.NEWSDESK_MODERATION_MODEL or None)
        scores = model.score(data.texts)
        predicted = [score >= model.threshold for score in scores]
        result = evaluate(data.labels, predicted, scores)
        lines = [
            f"model: {model.model_version()} ({options['model'] or 'built-in'})",
            f"texts: {len(data):,} ({data.offensive:,} offensive)",
            f"macro precision: {percent(result.macro_precision)}",
            f"macro recall: {percent(result.macro_recall)}",
            f"Average F: {percent(result.average_f)}",
            "ROC-AUC: "
            + (percent(result.roc_auc) if result.roc_auc is not None else "n/a (one class only)"),
            f"threshold: {model.threshold:.4f}",
        ]
        self.stdout.write("\n".join(lines))

    # classify --------------------------------------------------------------------------

    def _classify(self, options: dict[str, Any]) -> None:
        model = LinearClassifier(options["model"] or settings.NEWSDESK_MODERATION_MODEL or None)
        # Standard input as bytes, decoded per line so that a bad one is named; tests pass text.
        stream: Iterable[str | bytes] = options.get("stdin") or sys.stdin.buffer
        for batch in _batches(_texts(stream, tsv=options["tsv"])):
            scores = model.score(batch)
            self.stdout.write(
                "\n".join(
                    f"{'OFFENSE' if score >= model.threshold else 'OTHER'}\t{score:.4f}"
                    for score in scores
                )
            )
            self.stdout.flush()

    def _step(self, what: str) -> None:
        self.stdout.write(f"… {what}")
        self.stdout.flush()


def _texts(stream: Iterable[str | bytes], *, tsv: bool) -> Iterator[str]:
    """The texts of standard input, one per line; an empty one (or one that is not UTF-8)
    ends the input with an error naming its line, after the lines before it were labelled."""
    for number, raw in enumerate(stream, start=1):
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(f"line {number}: not UTF-8 ({exc.reason})") from None
        else:
            line = raw
        line = line.rstrip("\r\n")
        text = line.split("\t", 1)[0] if tsv else line
        if not text.strip():
            raise CommandError(
                f"line {number}: empty text (every input line must hold one text"
                + (" in its first column" if tsv else "")
                + ")"
            )
        yield text


def _batches(texts: Iterator[str]) -> Iterator[list[str]]:
    """Runs of up to BATCH texts; on an input error, the texts before it first, then the error."""
    batch: list[str] = []
    try:
        for text in texts:
            batch.append(text)
            if len(batch) == BATCH:
                yield batch
                batch = []
    except CommandError:
        if batch:
            yield batch
        raise
    if batch:
        yield batch
