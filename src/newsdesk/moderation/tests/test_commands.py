"""`newsdesk moderation train|evaluate|classify` and the site's decisions as training examples,
on a tiny model each test session trains itself (never on the GermEval data, but for one
optional check that skips where the data is missing)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from newsdesk.community import actions as community
from newsdesk.community import hours
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import EventType, record_event
from newsdesk.moderation.classifiers.linear import (
    LinearClassifier,
    train,
)
from newsdesk.moderation.learning import site_examples
from newsdesk.moderation.management.commands import moderation as command
from newsdesk.moderation.tests.synthetic import SMALL, synthetic
from newsdesk.newsroom.testing import make_article

SHARED_DATA = (
    Path(__file__).resolve().parents[4].parent
    / "shared"
    / "data"
    / "germeval2018"
    / "germeval2018.training.txt"
)
VIENNA = ZoneInfo("Europe/Vienna")
OPEN = dt.datetime(2026, 11, 27, 14, 0, tzinfo=VIENNA)  # the comment function is open


def germeval_file(path: Path, count: int, seed: int, *, fine: bool = False) -> Path:
    """A GermEval-format file of synthetic texts (with GermEval's fine labels if ``fine``)."""
    texts, labels = synthetic(count, seed)
    lines = [
        f"{text}\t{'OFFENSE' if offensive else 'OTHER'}"
        + (f"\t{'INSULT' if offensive else 'OTHER'}" if fine else "")
        for text, offensive in zip(texts, labels, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained here, saved as a model file."""
    texts, labels = synthetic(60, seed=1)
    path = tmp_path_factory.mktemp("model") / "tiny.npz"
    train(texts, labels, options=SMALL, name="tiny").save(path)
    return path


@pytest.fixture
def corrupt_model(model_path: Path, tmp_path: Path) -> Path:
    """The tiny model with its arrays cut short."""
    path = tmp_path / "corrupt.npz"
    path.write_bytes(model_path.read_bytes()[:200])
    path.with_suffix(".json").write_bytes(model_path.with_suffix(".json").read_bytes())
    return path


def run(*args: str, stdin: Any = None) -> str:
    out = io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    call_command("moderation", *args, stdout=out, stderr=io.StringIO(), **extra)
    return out.getvalue()


def run_failing(*args: str, stdin: Any = None) -> tuple[str, str]:
    """(what was printed, the error) of a command that must fail."""
    out = io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    with pytest.raises(CommandError) as failure:
        call_command("moderation", *args, stdout=out, stderr=io.StringIO(), **extra)
    return out.getvalue(), str(failure.value)


# train ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_train_cross_validates_trains_and_writes_a_model_that_works(tmp_path: Path) -> None:
    data = germeval_file(tmp_path / "train.tsv", 60, seed=3)
    out = tmp_path / "models" / "site.npz"
    printed = run("train", "--data", str(data), "--out", str(out))
    steps = [line for line in printed.splitlines() if line.startswith("… ")]
    assert steps == [
        f"… Reading {data}",
        *[f"… Cross-validation: fold {n} of 5" for n in range(1, 6)],
        "… Training on all 60 examples",
        f"… Writing {out}",
    ]
    assert "60 texts, 30 of them offensive." in printed
    assert sum(line.startswith("  fold ") for line in printed.splitlines()) == 5
    cv_line = next(line for line in printed.splitlines() if line.startswith("5-fold CV:"))
    for figure in ("Average F", "macro P", "macro R", "ROC-AUC"):
        assert figure in cv_line
    assert f"NEWSDESK_MODERATION_MODEL={out}" in printed

    model = LinearClassifier(out)
    assert model.name == "germeval2018-de" and model.languages == ("de",)
    assert model.metadata["metrics"]["folds"] == 5
    assert "GermEval 2018" in model.metadata["training"]["attribution"]
    assert model.metadata["training"]["extra_examples"] == 0
    texts, labels = synthetic(20, seed=4)
    assert model.is_offensive(texts) == labels
    assert sorted(p.name for p in out.parent.iterdir()) == ["site.json", "site.npz"]  # no temp


@pytest.mark.django_db
def test_train_without_cv_writes_to_the_data_directory_by_default(
    tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "var"
    data = germeval_file(tmp_path / "train.tsv", 30, seed=5)
    printed = run("train", "--data", str(data), "--no-cv")
    assert "Cross-validation" not in printed and "5-fold CV" not in printed
    written = tmp_path / "var" / "moderation" / "model.npz"
    assert LinearClassifier(written).metadata["metrics"] is None


def test_train_names_the_missing_default_data_and_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _printed, error = run_failing("train", "--out", str(tmp_path / "m.npz"))
    assert str(tmp_path / ".." / "shared" / "data" / "germeval2018") in error
    assert "--data" in error
    assert not (tmp_path / "m.npz").exists()


def test_train_names_a_missing_data_file(tmp_path: Path) -> None:
    _printed, error = run_failing("train", "--data", str(tmp_path / "nope.tsv"))
    assert str(tmp_path / "nope.tsv") in error and "--data" in error


def test_train_refuses_a_bad_line_of_training_data_by_number(tmp_path: Path) -> None:
    data = tmp_path / "train.tsv"
    data.write_text("Du Depp\tOFFENSE\nSchön\tRUDE\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    _printed, error = run_failing("train", "--data", str(data), "--out", str(out))
    assert "line 2" in error and "RUDE" in error
    assert not out.exists()


def test_train_refuses_an_output_name_without_npz_before_reading(tmp_path: Path) -> None:
    printed, error = run_failing("train", "--data", "whatever", "--out", str(tmp_path / "m.bin"))
    assert ".npz" in error and printed == ""


@pytest.mark.django_db
def test_train_says_when_it_cannot_write(tmp_path: Path) -> None:
    data = germeval_file(tmp_path / "train.tsv", 30, seed=6)
    (tmp_path / "file").write_text("in the way")
    _printed, error = run_failing(
        "train", "--data", str(data), "--no-cv", "--out", str(tmp_path / "file" / "m.npz")
    )
    assert error.startswith(f"cannot write {tmp_path / 'file' / 'm.npz'}")


def test_train_on_too_little_data_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "train.tsv"
    data.write_text("Du Depp\tOFFENSE\nSchön\tOTHER\nNett\tOTHER\n", encoding="utf-8")
    _printed, error = run_failing("train", "--data", str(data), "--out", str(tmp_path / "m.npz"))
    assert "5 examples of each class" in error and "--no-cv" in error
    _printed, error = run_failing(
        "train", "--data", str(data), "--no-cv", "--out", str(tmp_path / "m.npz")
    )
    assert "at least 5 offensive" in error


# the site's decisions ----------------------------------------------------------------


@pytest.fixture
def posting(settings: Any) -> Any:
    """Comments can be posted: the function is open and nobody is held back."""
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 1000
    settings.COMMUNITY_IP_PER_MINUTE = 0
    hours.forget_schedule()
    clock.set_now(OPEN)
    yield
    clock.set_now(None)
    hours.forget_schedule()


@pytest.fixture
def post(posting: Any, users: dict[str, Any]) -> Any:
    conversation = community.conversation_for_article(make_article(headline="Budget"))

    def post_comment(text: str, author: str = "reader") -> Comment:
        return community.do_post_comment(conversation, text_value=text, acting_user=users[author])

    return post_comment


def decide(comment: Comment, event_type: EventType, actor: Any, minutes: int = 0) -> None:
    clock.set_now(OPEN + dt.timedelta(minutes=minutes))
    with transaction.atomic():
        record_event(event_type, actor=actor, target=comment)


@pytest.mark.django_db
def test_site_examples_are_human_decisions_the_latest_counting(
    post: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    moderator = users["moderator"]
    rejected = post("Du bist ein elender Vollpfosten")
    approved = post("Ein kluger Gedanke, danke")
    changed_mind = post("Das ist grenzwertig formuliert")
    automatic = post("Nur die Maschine hat entschieden")
    undecided = post("Niemand hat sich das angesehen")
    decide(rejected, EventType.COMMENT_REJECTED, moderator, 1)
    decide(approved, EventType.COMMENT_APPROVED, moderator, 2)
    decide(changed_mind, EventType.COMMENT_REJECTED, moderator, 3)
    decide(changed_mind, EventType.COMMENT_APPROVED, users["admin"], 4)
    decide(rejected, EventType.COMMENT_HELD, moderator, 5)  # no verdict: changes nothing
    decide(automatic, EventType.COMMENT_REJECTED, None, 6)
    decide(approved, EventType.COMMENT_REJECTED, None, 7)  # the machine does not overrule
    assert undecided.pk

    with django_assert_max_num_queries(3):
        examples = site_examples()
    assert examples == [
        ("Du bist ein elender Vollpfosten", 1, 2.0),
        ("Ein kluger Gedanke, danke", 0, 2.0),
        ("Das ist grenzwertig formuliert", 0, 2.0),
    ]
    assert site_examples(weight=0.5)[0] == ("Du bist ein elender Vollpfosten", 1, 0.5)


@pytest.mark.django_db
def test_site_examples_skip_comments_gone_or_emptied_by_a_deleted_account(
    post: Any, users: dict[str, Any]
) -> None:
    moderator = users["moderator"]
    kept = post("Eine sachliche Antwort", author="other_reader")
    emptied = post("Du Trottel, verschwinde")
    gone = post("Ihr seid alle Abschaum", author="other_reader")
    for number, comment in enumerate((kept, emptied, gone)):
        decide(comment, EventType.COMMENT_REJECTED, moderator, number)
    community.do_delete_account(users["reader"], acting_user=users["reader"])
    Comment.objects.filter(pk=gone.pk).delete()
    assert Comment.objects.get(pk=emptied.pk).text == ""
    assert site_examples() == [("Eine sachliche Antwort", 1, 2.0)]


@pytest.mark.django_db
def test_train_from_decisions_adds_the_sites_examples(
    post: Any, users: dict[str, Any], tmp_path: Path
) -> None:
    data = germeval_file(tmp_path / "train.tsv", 40, seed=7)
    decide(post("Du elender Schwachkopf"), EventType.COMMENT_REJECTED, users["moderator"], 1)
    decide(post("Gut recherchiert"), EventType.COMMENT_APPROVED, users["moderator"], 2)
    decide(post("Der Maschine egal"), EventType.COMMENT_REJECTED, None, 3)
    out = tmp_path / "m.npz"
    printed = run("train", "--data", str(data), "--from-decisions", "--out", str(out))
    assert "2 comments decided by moderators: 1 rejected, 1 approved" in printed
    assert "… Training on all 42 examples" in printed
    training = LinearClassifier(out).metadata["training"]
    assert training["examples"] == 40
    assert training["extra_examples"] == 2 and training["extra_offensive"] == 1
    assert LinearClassifier(out).name == "germeval2018-de+site"


@pytest.mark.django_db
def test_train_from_decisions_without_any_says_so(tmp_path: Path) -> None:
    data = germeval_file(tmp_path / "train.tsv", 30, seed=8)
    printed = run(
        "train",
        "--data",
        str(data),
        "--from-decisions",
        "--no-cv",
        "--out",
        str(tmp_path / "m.npz"),
    )
    assert "No comments decided by moderators yet" in printed
    assert LinearClassifier(tmp_path / "m.npz").name == "germeval2018-de"


# evaluate ------------------------------------------------------------------------------


def test_evaluate_prints_the_germeval_measures(model_path: Path, tmp_path: Path) -> None:
    data = germeval_file(tmp_path / "test.tsv", 41, seed=9, fine=True)
    printed = run("evaluate", str(data), "--model", str(model_path))
    model = LinearClassifier(model_path)
    assert printed.splitlines() == [
        f"model: tiny@1 ({model_path})",
        "texts: 41 (21 offensive)",
        "macro precision: 100.00",
        "macro recall: 100.00",
        "Average F: 100.00",
        "ROC-AUC: 100.00",
        f"threshold: {model.threshold:.4f}",
    ]


def test_average_f_is_the_harmonic_mean_of_macro_precision_and_recall(
    model_path: Path, tmp_path: Path
) -> None:
    # Two harmless texts labelled offensive: the model calls one text offensive, four other;
    # P(off) 1, P(other) 2/4, R(off) 1/3, R(other) 1.
    data = tmp_path / "test.tsv"
    data.write_text(
        "Er ist ein elender Vollpfosten.\tOFFENSE\n"
        "Sie ist ein netter Mensch.\tOFFENSE\n"
        "Er ist heute in Berlin.\tOFFENSE\n"
        "Er ist sehr fleißig.\tOTHER\n"
        "Sie ist im Urlaub.\tOTHER\n",
        encoding="utf-8",
    )
    printed = run("evaluate", str(data), "--model", str(model_path))
    precision, recall = (1 + 2 / 4) / 2, (1 / 3 + 1) / 2
    assert f"macro precision: {100 * precision:.2f}" in printed
    assert f"macro recall: {100 * recall:.2f}" in printed
    assert f"Average F: {100 * 2 * precision * recall / (precision + recall):.2f}" in printed


def test_evaluate_on_one_class_gives_no_roc_auc(model_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "test.tsv"
    data.write_text("Er ist ein Vollpfosten.\tOFFENSE\n", encoding="utf-8")
    assert "ROC-AUC: n/a (one class only)" in run("evaluate", str(data), "--model", str(model_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Gut\tOTHER\nkein Tab\n", "line 2: expected text<TAB>"),
        ("Gut\tOTHER\n\tOFFENSE\n", "line 2: empty text"),
        ("Gut\tOTHER\nBöse\tRUDE\n", "line 2: unknown label 'RUDE'"),
        ("Gut\tOTHER\nBöse\tOFFENSE\tMEAN\n", "line 2: unknown fine label 'MEAN'"),
        ("\n\n", "no examples"),
    ],
)
def test_evaluate_refuses_bad_lines_by_number_and_prints_nothing(
    model_path: Path, tmp_path: Path, content: str, message: str
) -> None:
    data = tmp_path / "test.tsv"
    data.write_text(content, encoding="utf-8")
    printed, error = run_failing("evaluate", str(data), "--model", str(model_path))
    assert message in error and printed == ""


def test_evaluate_refuses_a_missing_or_undecodable_file(model_path: Path, tmp_path: Path) -> None:
    printed, error = run_failing("evaluate", str(tmp_path / "nope.tsv"))
    assert "no such file" in error and printed == ""
    (tmp_path / "latin1.tsv").write_bytes("Schön\tOTHER\n".encode("latin-1"))
    printed, error = run_failing("evaluate", str(tmp_path / "latin1.tsv"))
    assert "not UTF-8" in error and printed == ""


# classify ------------------------------------------------------------------------------


def test_classify_labels_each_line_with_its_score(model_path: Path) -> None:
    model = LinearClassifier(model_path)
    texts = ["Er ist ein elender Vollpfosten.", "Sie ist heute in Berlin."]
    printed = run("classify", "--model", str(model_path), stdin=io.StringIO("\n".join(texts)))
    expected = [
        f"{'OFFENSE' if score >= model.threshold else 'OTHER'}\t{score:.4f}"
        for score in model.score(texts)
    ]
    assert printed.splitlines() == expected
    assert [line.split("\t")[0] for line in expected] == ["OFFENSE", "OTHER"]


def test_classify_reads_the_first_column_of_a_tsv(model_path: Path) -> None:
    stdin = io.StringIO("Er ist ein elender Vollpfosten.\tOTHER\tx\nSie ist im Urlaub.\r\n")
    labels = [
        line.split("\t")[0]
        for line in run("classify", "--tsv", "--model", str(model_path), stdin=stdin).splitlines()
    ]
    assert labels == ["OFFENSE", "OTHER"]


def test_classify_streams_in_batches(model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command, "BATCH", 2)
    sizes: list[int] = []
    score = LinearClassifier.score

    def spy(self: LinearClassifier, texts: Any) -> list[float]:
        sizes.append(len(texts))
        return score(self, texts)

    monkeypatch.setattr(LinearClassifier, "score", spy)
    texts, _labels = synthetic(5, seed=10)
    printed = run("classify", "--model", str(model_path), stdin=io.StringIO("\n".join(texts)))
    assert sizes == [2, 2, 1] and len(printed.splitlines()) == 5


@pytest.mark.parametrize("tsv", [False, True])
def test_classify_stops_at_an_empty_line_after_labelling_the_ones_before(
    model_path: Path, tsv: bool
) -> None:
    stdin = io.StringIO("Er ist ein Vollpfosten.\nSie ist im Urlaub.\n \nEr ist fleißig.\n")
    args = ("classify", "--model", str(model_path)) + (("--tsv",) if tsv else ())
    printed, error = run_failing(*args, stdin=stdin)
    assert len(printed.splitlines()) == 2
    assert error.startswith("line 3: empty text")
    if tsv:
        printed, error = run_failing(*args, stdin=io.StringIO("\tOTHER\n"))
        assert error.startswith("line 1: empty text") and "first column" in error


def test_classify_names_a_line_that_is_not_utf8(model_path: Path) -> None:
    stdin = io.BytesIO("Er ist fleißig.\n".encode() + "Schön\n".encode("latin-1"))
    printed, error = run_failing("classify", "--model", str(model_path), stdin=stdin)
    assert len(printed.splitlines()) == 1 and error.startswith("line 2: not UTF-8")


def test_classify_with_the_built_in_model() -> None:
    printed = run("classify", stdin=io.StringIO("Du bist ein elender Vollpfosten\n"))
    assert printed.startswith("OFFENSE\t")


# models that cannot be used ----------------------------------------------------------


@pytest.mark.parametrize("action", ["evaluate", "classify"])
def test_a_missing_or_corrupt_model_is_the_classifiers_error(
    action: str, corrupt_model: Path, tmp_path: Path
) -> None:
    data = germeval_file(tmp_path / "test.tsv", 10, seed=11)
    args = (action, str(data)) if action == "evaluate" else (action,)
    stdin = io.StringIO("Er ist fleißig.\n")
    printed, error = run_failing(*args, "--model", str(tmp_path / "nope.npz"), stdin=stdin)
    assert error == f"{tmp_path / 'nope.npz'}: model file not found" and printed == ""
    printed, error = run_failing(*args, "--model", str(corrupt_model), stdin=stdin)
    assert "contents do not match corrupt.json" in error and printed == ""


def test_from_the_shell_a_bad_model_exits_non_zero_without_a_traceback(
    corrupt_model: Path, tmp_path: Path
) -> None:
    environment = dict(os.environ)
    environment["NEWSDESK_DATA_DIR"] = str(tmp_path / "var")
    newsdesk = Path(sys.executable).with_name("newsdesk")
    finished = subprocess.run(
        [str(newsdesk), "moderation", "classify", "--model", str(corrupt_model)],
        input=b"Er ist fleissig.\n",
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )
    stderr = finished.stderr.decode()
    assert finished.returncode == 1, stderr
    assert stderr.startswith("CommandError: ") and "corrupt" in stderr
    assert "Traceback" not in stderr and finished.stdout == b""


# the real data, where it is --------------------------------------------------------------


@pytest.mark.skipif(not SHARED_DATA.is_file(), reason=f"no GermEval data at {SHARED_DATA}")
def test_the_built_in_model_on_a_slice_of_its_training_data(tmp_path: Path) -> None:
    lines = SHARED_DATA.read_text(encoding="utf-8").splitlines()[:400]
    data = tmp_path / "slice.tsv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    printed = run("evaluate", str(data))
    assert "model: germeval2018-de@1 (built-in)" in printed
    values = dict(line.split(": ", 1) for line in printed.splitlines())
    assert float(values["Average F"]) > 80 and float(values["ROC-AUC"]) > 90
