"""Issue 11 item 12: editions that wait for a model start as soon as it is installed, by
`newsdesk models install` or found by a worker, not at their next retry minutes later."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.editions import tasks, workflow
from newsdesk.editions.models import Edition
from newsdesk.translation.marian import build_marian_release
from newsdesk.translation.modelstore import install_from_path

pytestmark = pytest.mark.django_db

TASK = "newsdesk.editions.workflow.translate_edition"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny random-weight OPUS-MT-style de-en release, as `models install --from` takes."""
    return build_marian_release(tmp_path_factory.mktemp("marian") / "de-en", seed=1)


@pytest.fixture
def no_model(settings, tmp_path):
    """The real engine with an empty model directory, as on a demo that could not download."""
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    settings.NEWSDESK_MODEL_DIR = model_dir
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
        "OPTIONS": {"model_dir": str(model_dir), "beam_size": 1},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 30
    return model_dir


def _waiting(publish, committed):
    article = publish(headline="Die Stadt")
    edition = Edition.objects.get(article=article, language="en")
    assert committed(workflow.run_translation, edition.pk) == "waiting for a model"
    edition.refresh_from_db()
    assert "Waiting for a translation model" in edition.error
    # Its retry is minutes away; the task that ran (here, by hand) is done.
    later = DBTaskResult.objects.filter(
        task_path=TASK, run_after__gt=timezone.now(), run_after__year__lt=9999
    )
    assert later.exists()
    DBTaskResult.objects.filter(task_path=TASK).exclude(pk__in=later).delete()
    return edition


def _due_now(edition) -> list[DBTaskResult]:
    """The edition's tasks a worker runs now (the backend writes "no run_after" as 9999)."""
    now = timezone.now()
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=TASK, status="READY")
        if task.args_kwargs["args"] == [edition.pk]
        and (task.run_after <= now or task.run_after.year == 9999)
    ]


def test_installing_the_model_queues_the_waiting_edition_at_once(
    no_model,
    release,
    publish,
    committed,
):
    edition = _waiting(publish, committed)
    out = io.StringIO()
    committed(
        call_command,
        "models",
        "install",
        "de-en",
        "--from",
        str(release),
        stdout=out,
    )
    assert "1 edition that waited for a model is queued for translation." in out.getvalue()
    assert len(_due_now(edition)) == 1
    edition.refresh_from_db()
    assert edition.error == "" and edition.queued
    outcome = committed(workflow.run_translation, edition.pk)
    assert outcome in ("published", "held for review")  # random weights: flagged, held
    edition.refresh_from_db()
    assert edition.model_version.startswith("ctranslate2:")


def test_a_worker_that_finds_a_new_model_queues_the_waiting_editions(
    no_model,
    release,
    publish,
    committed,
):
    edition = _waiting(publish, committed)
    committed(tasks.start_editions_whose_model_arrived)
    assert len(_due_now(edition)) == 0  # still no model: nothing queued again
    install_from_path(release, no_model, name="tiny-de-en", version="1")
    committed(tasks.start_editions_whose_model_arrived)
    assert len(_due_now(edition)) == 1
    committed(tasks.start_editions_whose_model_arrived)  # the next sweep: not twice
    assert len(_due_now(edition)) == 1


def test_failed_editions_are_not_taken_for_waiting_ones(engine, publish, committed):
    article = publish(headline="Die Stadt")
    Edition.objects.filter(article=article).update(error="engine is down", attempts=1)
    assert committed(workflow.start_waiting_editions) == []
