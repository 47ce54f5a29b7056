"""`newsdesk editions retranslate`: which editions, and the three ways of doing it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from newsdesk.editions import workflow
from newsdesk.editions.models import Edition
from newsdesk.newsroom.testing import make_section

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("editions", "retranslate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def translated(engine, publish, committed):
    """Two published articles in different sections with their English editions done."""
    first = publish(headline="Die Stadt hat ein Budget")
    second = publish(headline="Die Schule ist neu", section=make_section("wien", "Wien"))
    for article in (first, second):
        for edition in Edition.objects.filter(article=article):
            committed(workflow.run_translation, edition.pk)
    return first, second


def test_dry_run_counts_and_changes_nothing(translated, engine):
    before = list(Edition.objects.values_list("pk", "translated_at"))
    out, _err = run("--dry-run")
    editions = Edition.objects.count()
    assert f"Would translate {editions} editions again: {editions} in en." in out
    assert list(Edition.objects.values_list("pk", "translated_at")) == before
    assert not Edition.objects.filter(queued=True).exists()


def test_outdated_picks_the_editions_of_another_model_and_here_translates_them(translated, engine):
    first, second = translated
    Edition.objects.filter(article=first).update(model_version="dummy:de-en@t0")
    engine.calls.clear()
    out, err = run("--outdated", "--here")
    assert "Translating 1 editions again: 1 in en." in out
    assert "1/1" in err  # the progress bar
    assert "Now: 1 published." in out and "Outcomes: 1 published." in out
    # Translated again by the engine (not from the memory), now by the current model.
    assert len(engine.calls) == 1
    assert Edition.objects.get(article=first).model_version == "dummy:de-en@t1"
    out, _err = run("--outdated")
    assert "No editions to translate again." in out


def test_filters_by_language_and_section_with_clear_errors(translated):
    first, _second = translated
    out, _err = run("--dry-run", "--section", first.section.slug)
    assert "Would translate 1 editions again" in out
    with pytest.raises(CommandError, match="unknown language 'xx'"):
        run("--language", "xx")
    with pytest.raises(CommandError, match="no editions in section"):
        run("--section", "no-such-section")


def test_no_wait_queues_them_for_the_worker(translated):
    out, _err = run("--no-wait")
    assert "Queued for the worker: 2 of 2 editions." in out
    assert Edition.objects.filter(queued=True).count() == 2


def test_following_the_worker_ends_when_it_has_done_them_all(translated, monkeypatch):
    """Without --here the command queues and then shows the worker's progress until all are
    done; here each pause between two looks lets a stand-in worker translate one."""
    from newsdesk.editions.management.commands import editions as command

    pauses = []

    def worker_step(seconds):
        pauses.append(seconds)
        pending = Edition.objects.filter(queued=True).order_by("pk").first()
        if pending is not None:
            workflow.run_translation(pending.pk)

    monkeypatch.setattr(command, "sleep", worker_step)
    out, err = run("--poll", "0.5")
    assert "2/2" in err
    assert "Now: 2 published." in out
    assert pauses == [0.5, 0.5]  # it looked three times: 0, 1, then 2 of 2 done
    assert not Edition.objects.filter(queued=True).exists()


def test_outdated_leaves_pairs_the_engine_cannot_translate_and_says_so(translated, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t2", "pairs": ["en-de"]},
    }
    out, _err = run("--dry-run")  # not only with --outdated
    assert "Left as they are: the engine cannot translate de-en now" in out
    assert "No editions to translate again." in out


def test_failures_are_reported_and_make_the_command_fail(translated, settings):
    from django_tasks_db.models import DBTaskResult

    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t2", "fail": "the engine is down"},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 0
    tasks_before = DBTaskResult.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError, match="are not done: their errors are in the back office"):
        call_command("editions", "retranslate", "--here", stdout=out, stderr=io.StringIO())
    # The editions readers see stay as they were; the new run is to be retried.
    assert "Outcomes: 2 retry 1 in 0 s." in out.getvalue()
    assert "Now: 2 published (2 still queued)." in out.getvalue()
    assert all("the engine is down" in e.error for e in Edition.objects.all())
    # --here translates itself: it leaves no task for the worker behind (retries aside).
    assert DBTaskResult.objects.count() - tasks_before <= Edition.objects.count()


def test_an_engine_that_cannot_be_set_up_is_a_clear_error(translated, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.http.LibreTranslateEngine",
        "OPTIONS": {"url": ""},
    }
    with pytest.raises(CommandError, match="the translation engine is not usable: LibreTranslate"):
        run("--outdated", "--dry-run")
