"""The built-in classifier: an ensemble of NB-SVMs over hashed word and character n-grams.

Each member hashes a text's word and character n-grams into a fixed space (scikit-learn's
HashingVectorizer, stateless, so a model file holds only weights), keeps which n-grams occur
(binary), scales each by its naive-Bayes log-count ratio between the classes and feeds that
to a linear SVM (Wang & Manning 2012, "Baselines and Bigrams"). The members' decisions are
summed, mapped to [0, 1] by a sigmoid fitted on out-of-fold decisions (Platt scaling) and
cut at the threshold that gave the best Average F on those out-of-fold decisions, so no
threshold ever sees the data it is judged on.

A model is two files: ``NAME.npz`` (numeric arrays only, read with ``allow_pickle=False``)
and ``NAME.json`` beside it (everything else, including the npz file's SHA-256).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from newsdesk.moderation.classifiers.base import Classifier, ClassifierError
from newsdesk.moderation.classifiers.metrics import best_threshold
from newsdesk.moderation.textnorm import normalise

FORMAT = "newsdesk-linear-classifier"
FORMAT_VERSION = 1
#: the model shipped with newsdesk (see build.py)
BUILTIN_MODEL = Path(__file__).resolve().parent / "data" / "germeval2018-de.npz"

NORMALIZATIONS = ("newsdesk-1", "newsdesk-2")
ANALYZER_KINDS = ("word", "char", "char_wb")
WEIGHT_DTYPES = {"float16": np.float16, "float32": np.float32}
MAX_N_FEATURES = 2**24

_MENTION = re.compile(r"@\w+")
_MENTIONS = re.compile(r"(?:@user\s*)+")
_URL = re.compile(r"https?://\S+|www\.\S+")


def normalize(text: str) -> str:
    """Normalization "newsdesk-1": GermEval's ``|LBR|`` line-break marker and all whitespace
    runs become one space, @handles become ``@user`` (a run of them one), links ``url``, and
    everything is lower-cased. Handles carry who was addressed, not how, so the model must
    not learn them."""
    text = text.replace("|LBR|", " ")
    text = _URL.sub(" url ", text)
    text = _MENTIONS.sub("@user ", _MENTION.sub("@user", text))
    return " ".join(text.split()).lower()


def normalize_folded(text: str) -> str:
    """Normalization "newsdesk-2": "newsdesk-1", then the screening's folding against
    obfuscation (``moderation.textnorm``: confusable letters, invisible characters,
    leetspeak, spaced and dotted letters, repeated letters, umlauts and ß), so that the
    model sees "Idiooot", "1d10t" and "I.d.i.o.t" as the same word. +0.41 Average F in the
    5-fold cross-validation of bench/moderation_classifier.py (78.98 against 78.57)."""
    return normalise(normalize(text)).folded


NORMALIZERS = {"newsdesk-1": normalize, "newsdesk-2": normalize_folded}


@dataclass(frozen=True)
class Analyzer:
    """One kind of n-gram: ``kind`` is scikit-learn's analyzer ("word", "char", "char_wb"),
    ``ngram_range`` inclusive, ``token_pattern`` the regular expression for words (word only)."""

    name: str
    kind: str
    ngram_range: tuple[int, int]
    token_pattern: str | None = None


WORD_TOKENS = r"(?u)\b\w\w+\b"
WORD_AND_SIGN_TOKENS = r"(?u)\b\w+\b|[^\w\s]"


@dataclass(frozen=True)
class FeatureConfig:
    """How texts become feature vectors: each member of the ensemble sees the concatenation of
    its analyzers' hashed spaces (``n_features`` columns each), binary, one row per text."""

    n_features: int = 2**20
    normalization: str = "newsdesk-2"
    analyzers: tuple[Analyzer, ...] = (
        Analyzer("words", "word", (1, 2), WORD_TOKENS),
        Analyzer("words_signs", "word", (1, 2), WORD_AND_SIGN_TOKENS),
        Analyzer("chars", "char", (1, 5)),
        Analyzer("word_chars", "char_wb", (2, 5)),
    )
    members: tuple[tuple[str, ...], ...] = (("words_signs", "chars"), ("words", "word_chars"))

    def as_json(self) -> dict[str, Any]:
        """Plain JSON types (lists, not tuples), as stored in the metadata."""
        data: dict[str, Any] = json.loads(json.dumps(asdict(self)))
        return data

    @classmethod
    def from_json(cls, data: Any) -> FeatureConfig:
        """Parse and validate; raises ValueError saying what is wrong."""
        if not isinstance(data, dict) or set(data) != {
            "n_features",
            "normalization",
            "analyzers",
            "members",
        }:
            raise ValueError("features must have n_features, normalization, analyzers, members")
        n_features = data["n_features"]
        if (
            not isinstance(n_features, int)
            or not 2**10 <= n_features <= MAX_N_FEATURES
            or n_features & (n_features - 1)
        ):
            raise ValueError(f"n_features {n_features!r} is no power of two in [2^10, 2^24]")
        if data["normalization"] not in NORMALIZATIONS:
            raise ValueError(f"unknown normalization {data['normalization']!r}")
        analyzers = []
        for item in data["analyzers"] if isinstance(data["analyzers"], list) else [None]:
            if not isinstance(item, dict) or set(item) != {
                "name",
                "kind",
                "ngram_range",
                "token_pattern",
            }:
                raise ValueError(f"bad analyzer {item!r}")
            low_high = item["ngram_range"]
            if (
                not isinstance(low_high, list)
                or len(low_high) != 2
                or not all(isinstance(n, int) for n in low_high)
                or not 1 <= low_high[0] <= low_high[1] <= 8
            ):
                raise ValueError(f"analyzer {item['name']!r}: bad ngram_range {low_high!r}")
            if item["kind"] not in ANALYZER_KINDS:
                raise ValueError(f"analyzer {item['name']!r}: unknown kind {item['kind']!r}")
            pattern = item["token_pattern"]
            if (item["kind"] == "word") != isinstance(pattern, str):
                raise ValueError(f"analyzer {item['name']!r}: token_pattern only for words")
            if isinstance(pattern, str):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(
                        f"analyzer {item['name']!r}: bad token_pattern: {exc}"
                    ) from None
            analyzers.append(
                Analyzer(str(item["name"]), item["kind"], (low_high[0], low_high[1]), pattern)
            )
        names = [analyzer.name for analyzer in analyzers]
        if not analyzers or len(set(names)) != len(names):
            raise ValueError("analyzers must be present and uniquely named")
        members = data["members"]
        if (
            not isinstance(members, list)
            or not members
            or not all(isinstance(m, list) and m and set(m) <= set(names) for m in members)
        ):
            raise ValueError(f"members must be non-empty lists of analyzer names {names}")
        return cls(n_features, data["normalization"], tuple(analyzers), tuple(map(tuple, members)))

    def member_width(self, member: int) -> int:
        return len(self.members[member]) * self.n_features


@dataclass(frozen=True)
class TrainingOptions:
    """``C``: the SVMs' inverse regularisation; ``alpha``: additive smoothing of the NB counts;
    ``threshold_folds``: folds of the inner cross-validation that picks the threshold and the
    sigmoid; ``seed``: for those folds and the SVM solver (training is deterministic)."""

    C: float = 1.0
    alpha: float = 0.5
    threshold_folds: int = 5
    seed: int = 0
    weight_dtype: str = "float16"
    features: FeatureConfig = field(default_factory=FeatureConfig)

    def as_json(self) -> dict[str, Any]:
        return {
            "C": self.C,
            "alpha": self.alpha,
            "threshold_folds": self.threshold_folds,
            "seed": self.seed,
            "weight_dtype": self.weight_dtype,
        }


class _Featurizer:
    """Turns texts into one binary CSR matrix per ensemble member."""

    def __init__(self, config: FeatureConfig) -> None:
        self.config = config
        self._normalize = NORMALIZERS[config.normalization]
        self._vectorizers = {
            analyzer.name: HashingVectorizer(
                analyzer=analyzer.kind,
                ngram_range=analyzer.ngram_range,
                token_pattern=analyzer.token_pattern,
                n_features=config.n_features,
                alternate_sign=False,
                norm=None,
                binary=True,
                lowercase=False,
                dtype=np.float32,
            )
            for analyzer in config.analyzers
        }

    def spaces(self, texts: Sequence[str]) -> dict[str, sp.csr_matrix]:
        """One binary (len(texts), n_features) matrix per analyzer that a member uses."""
        normalized = [self._normalize(text) for text in texts]
        needed = dict.fromkeys(name for member in self.config.members for name in member)
        return {name: self._vectorizers[name].transform(normalized) for name in needed}

    def transform(self, texts: Sequence[str]) -> list[sp.csr_matrix]:
        """One binary (len(texts), member width) matrix per ensemble member."""
        spaces = self.spaces(texts)
        return [
            sp.hstack([spaces[name] for name in member], format="csr")
            for member in self.config.members
        ]


def _row_scale(matrix: sp.csr_matrix) -> np.ndarray:
    """1 / sqrt(number of n-grams present) per row (1 for an empty row): the rows' L2 norm."""
    counts = np.diff(matrix.indptr).astype(np.float64)
    scale: np.ndarray = 1.0 / np.sqrt(np.maximum(counts, 1.0))
    return scale


@dataclass
class _Member:
    index: np.ndarray  # int32 columns with a weight, increasing
    weight: np.ndarray  # NB ratio times SVM weight, same length
    intercept: float


def _fit_member(
    matrix: sp.csr_matrix, labels: np.ndarray, weights: np.ndarray, options: TrainingOptions
) -> _Member:
    columns = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]))
    seen = matrix[:, columns].tocsc().tocsr()
    offensive = seen.T @ (weights * labels) + options.alpha
    other = seen.T @ (weights * ~labels) + options.alpha
    ratio = np.log(offensive / offensive.sum()) - np.log(other / other.sum())
    scaled = sp.diags(_row_scale(seen)) @ seen @ sp.diags(ratio)
    svm = LinearSVC(
        C=options.C, class_weight="balanced", random_state=options.seed, max_iter=10_000
    )
    svm.fit(scaled, labels, sample_weight=weights)
    return _Member(columns.astype(np.int32), ratio * svm.coef_.ravel(), float(svm.intercept_[0]))


def _decisions(
    members: list[_Member], dense: list[np.ndarray], matrices: list[sp.csr_matrix]
) -> np.ndarray:
    total = np.zeros(matrices[0].shape[0])
    for member, weight, matrix in zip(members, dense, matrices, strict=True):
        total += (matrix @ weight) * _row_scale(matrix) + member.intercept
    return total


class _Scorer:
    """Decision values with one hashing call for all texts and analyzers.

    Every (text, analyzer) pair becomes one row of a single binary hashed matrix (the same
    columns each analyzer's HashingVectorizer gives); one product with the weights of every
    (member, analyzer) pair as columns gives all partial sums. Same results as summing the
    per-analyzer products, at a fraction of the per-call overhead for single comments.
    """

    def __init__(
        self, config: FeatureConfig, dense: list[np.ndarray], intercepts: list[float]
    ) -> None:
        featurizer = _Featurizer(config)
        self.normalize = NORMALIZERS[config.normalization]
        self.intercepts = intercepts
        self.names = list(dict.fromkeys(name for member in config.members for name in member))
        self.analyzers = [featurizer._vectorizers[name].build_analyzer() for name in self.names]
        self.hasher = FeatureHasher(
            n_features=config.n_features,
            input_type="string",
            alternate_sign=False,
            dtype=np.float32,
        )
        width = config.n_features
        columns: list[np.ndarray] = []
        # (member, analyzer row) for each weight column, in member order.
        self.layout: list[list[tuple[int, int]]] = []
        for member, vector in zip(config.members, dense, strict=True):
            parts = []
            for position, name in enumerate(member):
                parts.append((len(columns), self.names.index(name)))
                columns.append(vector[position * width : (position + 1) * width])
            self.layout.append(parts)
        self.weights = np.ascontiguousarray(np.stack(columns, axis=1))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        normalized = [self.normalize(text) for text in texts]
        count, kinds = len(normalized), len(self.analyzers)
        matrix = self.hasher.transform(
            analyzer(text) for text in normalized for analyzer in self.analyzers
        )
        matrix.data[:] = 1.0  # binary, as the models were trained
        partial = np.asarray(matrix @ self.weights).reshape(count, kinds, -1)
        present = np.diff(matrix.indptr).reshape(count, kinds)
        total = np.zeros(count)
        for member, parts in enumerate(self.layout):
            products = np.zeros(count)
            seen = np.zeros(count)
            for column, row in parts:
                products += partial[:, row, column]
                seen += present[:, row]
            total += products / np.sqrt(np.maximum(seen, 1.0)) + self.intercepts[member]
        return total


def _densify(members: list[_Member], config: FeatureConfig) -> list[np.ndarray]:
    dense = []
    for number, member in enumerate(members):
        vector = np.zeros(config.member_width(number), dtype=np.float32)
        vector[member.index] = member.weight
        dense.append(vector)
    return dense


class LinearClassifier(Classifier):
    """The built-in offensive-language classifier (German by default), loaded from a model file.

    ``LinearClassifier()`` loads the shipped model, ``LinearClassifier(path)`` another one
    (the ``.npz``; its ``.json`` lies beside it). Raises ClassifierError (not retryable) when
    the files are missing, corrupt, from another format version or inconsistent.
    Scoring takes about 0.3 ms per comment, one at a time or in batches
    (bench/moderation_classifier.py, 2 cores).
    """

    name = "linear"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        metadata, members, calibration = _read_model(Path(path) if path else BUILTIN_MODEL)
        self._setup(metadata, members, calibration)

    def _setup(
        self,
        metadata: dict[str, Any],
        members: list[_Member],
        calibration: tuple[float, float] | np.ndarray,
    ) -> None:
        self.metadata = metadata
        self.name = metadata["name"]
        self.version = metadata["version"]
        self.languages = tuple(metadata["languages"])
        self.threshold = metadata["threshold"]
        self.features = FeatureConfig.from_json(metadata["features"])
        self._members = members
        self._calibration = (float(calibration[0]), float(calibration[1]))
        self._dense = _densify(members, self.features)
        self._featurizer = _Featurizer(self.features)
        self._scorer = _Scorer(self.features, self._dense, [member.intercept for member in members])

    @classmethod
    def _from_parts(
        cls,
        metadata: dict[str, Any],
        members: list[_Member],
        calibration: tuple[float, float] | np.ndarray,
    ) -> LinearClassifier:
        model = cls.__new__(cls)
        model._setup(metadata, members, calibration)
        return model

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The ensemble's raw decision values (unbounded; shape (len(texts),))."""
        if isinstance(texts, str):
            raise ClassifierError("score() takes a sequence of texts, not one string")
        if not len(texts):
            return np.zeros(0)
        return self._scorer.decision(texts)

    def score(self, texts: Sequence[str]) -> list[float]:
        slope, offset = self._calibration
        values = self.decision(texts)
        scores: list[float] = (1.0 / (1.0 + np.exp(-(slope * values + offset)))).tolist()
        return scores

    def record_metrics(self, metrics: dict[str, Any] | None) -> None:
        """Store cross-validation results in the metadata (written by the next save())."""
        self.metadata["metrics"] = metrics

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``path`` (.npz) and its ``.json`` sidecar, each atomically (temporary file,
        then rename); the sidecar records the npz's SHA-256, so a crash between the two is
        detected at load. The npz is byte-for-byte reproducible (fixed zip timestamps)."""
        path = Path(path)
        if path.suffix != ".npz":
            raise ClassifierError(f"{path}: a model file name must end in .npz")
        dtype = WEIGHT_DTYPES[self.metadata["model"]["weight_dtype"]]
        arrays: dict[str, np.ndarray] = {
            "intercepts": np.array([m.intercept for m in self._members], dtype=np.float64),
            "calibration": np.array(self._calibration, dtype=np.float64),
        }
        for number, member in enumerate(self._members):
            arrays[f"member{number}_index"] = member.index.astype(np.int32)
            arrays[f"member{number}_weight"] = member.weight.astype(dtype)
        content = _npz_bytes(arrays)
        metadata = dict(self.metadata)
        metadata["arrays"] = {"file": path.name, "sha256": hashlib.sha256(content).hexdigest()}
        _write_atomically(path, content)
        text = json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _write_atomically(path.with_suffix(".json"), text.encode("utf-8"))
        self.metadata = metadata


def train(
    texts: Sequence[str],
    labels: Sequence[bool | int],
    base: LinearClassifier | None = None,
    *,
    extra: Iterable[tuple[str, bool | int, float]] = (),
    options: TrainingOptions | None = None,
    name: str | None = None,
    version: str | None = None,
    languages: Sequence[str] | None = None,
    description: str = "",
    attribution: str = "",
    created: dt.datetime | None = None,
) -> LinearClassifier:
    """Train a classifier on ``texts`` (True/1 in ``labels``: offensive) plus ``extra``
    (text, label, weight) examples, e.g. a site's own moderation decisions on top of the
    GermEval base; a weight of 2 counts an example twice, 0 ignores it.

    With ``base``, its feature and training settings, name, languages and attribution are
    reused (and the new metadata says it was retrained from it) unless given here.
    Training the shipped configuration on GermEval's 5,009 tweets takes about 30 s on one
    core. Raises ClassifierError when labels and texts differ in length, a weight is
    negative or not finite, or a class has fewer examples than ``threshold_folds``.
    """
    if options is None:
        options = _options_of(base) if base is not None else TrainingOptions()
    all_texts = list(texts)
    label_list = [bool(label) for label in labels]
    if len(label_list) != len(all_texts):
        raise ClassifierError(f"{len(all_texts)} texts but {len(label_list)} labels")
    weight_list = [1.0] * len(all_texts)
    extra_count = 0
    for text, label, weight in extra:
        all_texts.append(text)
        label_list.append(bool(label))
        weight_list.append(float(weight))
        extra_count += 1
    label_array = np.array(label_list, dtype=bool)
    weight_array = np.array(weight_list, dtype=np.float64)
    if not np.isfinite(weight_array).all() or (weight_array < 0).any():
        raise ClassifierError("example weights must be finite and not negative")
    counted = label_array & (weight_array > 0), ~label_array & (weight_array > 0)
    if min(int(counted[0].sum()), int(counted[1].sum())) < options.threshold_folds:
        raise ClassifierError(
            f"training needs at least {options.threshold_folds} offensive and "
            f"{options.threshold_folds} other examples"
        )
    if weight_array.min() == 0:  # zero-weight examples teach nothing: leave them out
        keep = np.flatnonzero(weight_array > 0)
        all_texts = [all_texts[i] for i in keep]
        label_array, weight_array = label_array[keep], weight_array[keep]

    matrices = _Featurizer(options.features).transform(all_texts)
    members = [_fit_member(m, label_array, weight_array, options) for m in matrices]

    # Threshold and sigmoid from out-of-fold decisions of the same training data only.
    out_of_fold = np.zeros(len(all_texts))
    splitter = StratifiedKFold(options.threshold_folds, shuffle=True, random_state=options.seed)
    for inner, held_out in splitter.split(np.zeros(len(label_array)), label_array):
        fold_members = [
            _fit_member(m[inner], label_array[inner], weight_array[inner], options)
            for m in matrices
        ]
        out_of_fold[held_out] = _decisions(
            fold_members,
            _densify(fold_members, options.features),
            [m[held_out] for m in matrices],
        )
    cut = best_threshold(label_array, out_of_fold)
    sigmoid = LogisticRegression(C=100.0).fit(
        out_of_fold.reshape(-1, 1), label_array, sample_weight=weight_array
    )
    slope, offset = float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0])
    if slope <= 0:
        raise ClassifierError("the training data carries no usable signal (scores do not rise)")
    threshold = 1.0 / (1.0 + math.exp(-(slope * cut + offset)))

    base_meta = base.metadata if base is not None else {}
    training = {
        "description": description or base_meta.get("training", {}).get("description", ""),
        "attribution": attribution or base_meta.get("training", {}).get("attribution", ""),
        "examples": len(label_list) - extra_count,
        "offensive": int(sum(label_list[: len(label_list) - extra_count])),
        "extra_examples": extra_count,
        "extra_offensive": int(sum(label_list[len(label_list) - extra_count :])),
        "retrained_from": f"{base.name}@{base.version}" if base is not None else None,
    }
    metadata: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name or (base.name if base is not None else "linear"),
        "version": version or (base.version if base is not None else "1"),
        "languages": list(languages or (base.languages if base is not None else ("de",))),
        "created": (created or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "threshold": threshold,
        "training": training,
        "features": options.features.as_json(),
        "model": {
            "kind": "ensemble of NB-SVMs (binary hashed n-grams x NB log-count ratio, LinearSVC)",
            **options.as_json(),
            "decision": "sigmoid(slope * sum of member decisions + offset)",
            "threshold_decision": cut,
        },
        "metrics": None,
        "software": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
    }
    for member in members:
        member.weight = member.weight.astype(WEIGHT_DTYPES[options.weight_dtype]).astype(np.float64)
    return LinearClassifier._from_parts(metadata, members, (slope, offset))


def _options_of(model: LinearClassifier) -> TrainingOptions:
    settings = model.metadata["model"]
    return TrainingOptions(
        C=settings["C"],
        alpha=settings["alpha"],
        threshold_folds=settings["threshold_folds"],
        seed=settings["seed"],
        weight_dtype=settings["weight_dtype"],
        features=model.features,
    )


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a model file is for reading
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_REQUIRED_METADATA: dict[str, type | tuple[type, ...]] = {
    "format": str,
    "format_version": int,
    "name": str,
    "version": str,
    "languages": list,
    "created": str,
    "threshold": float,
    "training": dict,
    "features": dict,
    "model": dict,
    "arrays": dict,
}


def _read_model(path: Path) -> tuple[dict[str, Any], list[_Member], np.ndarray]:
    """Read and check a model; every problem is a ClassifierError naming the file."""
    sidecar = path.with_suffix(".json")
    for needed in (path, sidecar):
        if not needed.is_file():
            raise ClassifierError(f"{needed}: model file not found")
    try:
        metadata = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ClassifierError(f"{sidecar}: not valid JSON ({exc})") from None
    if not isinstance(metadata, dict):
        raise ClassifierError(f"{sidecar}: metadata must be a JSON object")
    for key, kind in _REQUIRED_METADATA.items():
        if not isinstance(metadata.get(key), kind):
            raise ClassifierError(f"{sidecar}: metadata field {key!r} missing or not {kind}")
    if metadata["format"] != FORMAT or metadata["format_version"] != FORMAT_VERSION:
        raise ClassifierError(
            f"{sidecar}: format {metadata['format']!r} version {metadata['format_version']} "
            f"is not {FORMAT!r} version {FORMAT_VERSION}"
        )
    if not 0 < metadata["threshold"] < 1:
        raise ClassifierError(f"{sidecar}: threshold {metadata['threshold']} not in (0, 1)")
    try:
        features = FeatureConfig.from_json(metadata["features"])
    except (ValueError, TypeError, KeyError) as exc:
        raise ClassifierError(f"{sidecar}: bad feature configuration: {exc}") from None
    dtype_name = metadata["model"].get("weight_dtype")
    if dtype_name not in WEIGHT_DTYPES:
        raise ClassifierError(f"{sidecar}: unknown weight_dtype {dtype_name!r}")

    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if metadata["arrays"].get("sha256") != digest:
        raise ClassifierError(
            f"{path}: contents do not match {sidecar.name} (SHA-256 {digest[:12]}..., expected "
            f"{str(metadata['arrays'].get('sha256'))[:12]}...): truncated, replaced or corrupt"
        )
    count = len(features.members)
    expected = {"intercepts", "calibration"} | {
        f"member{n}_{part}" for n in range(count) for part in ("index", "weight")
    }
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as archive:
            names = set(archive.files)
            if names != expected:
                raise ClassifierError(
                    f"{path}: arrays {sorted(names)} differ from the expected {sorted(expected)}"
                )
            arrays = {name: archive[name] for name in expected}
    except ClassifierError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ClassifierError(f"{path}: cannot read the arrays ({exc})") from None

    def check(condition: bool, problem: str) -> None:
        if not condition:
            raise ClassifierError(f"{path}: {problem}")

    for name, array in arrays.items():
        check(array.dtype.kind in "fi", f"array {name} has dtype {array.dtype}, not numeric")
    check(arrays["intercepts"].shape == (count,), f"intercepts must have shape ({count},)")
    check(arrays["calibration"].shape == (2,), "calibration must have shape (2,)")
    check(bool(np.isfinite(arrays["intercepts"]).all()), "intercepts not finite")
    check(
        bool(np.isfinite(arrays["calibration"]).all()) and arrays["calibration"][0] > 0,
        "calibration must be finite with a positive slope",
    )
    members = []
    for number in range(count):
        index = arrays[f"member{number}_index"]
        weight = arrays[f"member{number}_weight"]
        label = f"member {number}"
        check(index.dtype == np.int32, f"{label}: index dtype {index.dtype}, expected int32")
        check(
            weight.dtype == WEIGHT_DTYPES[dtype_name],
            f"{label}: weight dtype {weight.dtype}, metadata says {dtype_name}",
        )
        check(
            index.ndim == 1 and weight.shape == index.shape,
            f"{label}: index shape {index.shape} and weight shape {weight.shape} differ",
        )
        width = features.member_width(number)
        check(
            not len(index) or (index[0] >= 0 and index[-1] < width),
            f"{label}: index outside the feature space of {width} columns",
        )
        check(bool((np.diff(index) > 0).all()), f"{label}: index not strictly increasing")
        check(bool(np.isfinite(weight).all()), f"{label}: weights not finite")
        members.append(
            _Member(index, weight.astype(np.float64), float(arrays["intercepts"][number]))
        )
    return metadata, members, arrays["calibration"]
