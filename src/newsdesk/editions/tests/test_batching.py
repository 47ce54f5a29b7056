"""Batching across editions: one task takes several waiting editions of a language pair and
sends their segments to the engine in one call; each edition keeps its own claim, memory,
glossary, checks and single publication."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.editions import workflow
from newsdesk.editions.models import Edition
from newsdesk.translation.engines import EngineError, get_engine
from newsdesk.translation.engines.dummy import DummyEngine
from newsdesk.translation.models import GlossaryTerm
from newsdesk.translation.tests.conftest import (  # noqa: F401 - the tiny models' fixtures
    converted_models,
    marian_releases,
    model_dir,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def burst(publish):  # type: ignore[no-untyped-def]
    """burst(count, **fields): ``count`` articles published at once; their editions wait,
    none translated yet."""

    def make(count: int, **fields: Any) -> list[Edition]:
        articles = [publish(headline=f"Die Stadt baut {n} Haus", **fields) for n in range(count)]
        return [Edition.objects.get(article=a, language="en") for a in articles]

    return make


def contents(editions: list[Edition]) -> list[list[str]]:
    """Each edition's published texts (block ids differ between articles; jsonb sorts keys)."""
    return [sorted(Edition.objects.get(pk=e.pk).content.values()) for e in editions]


class Poisoned(DummyEngine):
    """Fails on any call that holds the word "Gift" (one bad article poisons a shared call)."""

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        if any("Gift" in s for s in segments):
            self.calls.append((list(segments), source, target))
            raise EngineError("poisoned")
        return super().translate(segments, source, target)


def test_editions_queued_at_once_share_one_engine_call(engine, burst):
    editions = burst(6)
    outcomes = workflow.run_translations(editions[0].pk, limit=4)
    assert sorted(outcomes) == sorted(e.pk for e in editions[:4])
    assert set(outcomes.values()) == {"published"}
    assert len(engine.calls) == 1  # one call for four editions
    assert "Die Stadt baut 3 Haus" in engine.calls[0][0]
    # The rest in the next task; the companions' own tasks find nothing to do.
    assert workflow.run_translations(editions[1].pk, limit=4) == {editions[1].pk: "nothing to do"}
    rest = workflow.run_translations(editions[4].pk, limit=4)
    assert sorted(rest) == [editions[4].pk, editions[5].pk]
    assert len(engine.calls) == 2  # 6 editions, 2 engine calls
    for edition in editions:
        edition.refresh_from_db()
        assert edition.state == Edition.State.PUBLISHED and not edition.queued
        assert edition.claim_token == ""
        assert edition.engine == "dummy" and edition.model_version == "dummy:de-en@t1"


def test_batched_text_is_the_text_translated_alone(engine, settings, burst):
    alone = burst(3)
    for edition in alone:
        workflow.run_translation(edition.pk)
    engine.calls.clear()
    # The same articles again, without the memory: all through the engine, batched.
    settings.NEWSDESK_MT_BATCH_EDITIONS = 3
    together = burst(3)
    Edition.objects.filter(pk__in=[e.pk for e in together]).update(force_engine=True)
    workflow.run_translations(together[0].pk)
    assert len(engine.calls) == 1
    assert contents(together) == contents(alone)


def test_segments_the_memory_knows_are_not_sent_again(engine, burst):
    first = burst(1)[0]
    workflow.run_translation(first.pk)
    engine.calls.clear()
    editions = burst(2, lead="Ein ganz neuer Vorspann.")
    workflow.run_translations(editions[0].pk, limit=2)
    (sent,) = engine.calls
    assert sent[0].count("Ein ganz neuer Vorspann.") == 1  # once for both editions
    assert "Der Bürgermeister sagte heute." not in sent[0]  # from the memory
    reused = [Edition.objects.get(pk=e.pk).segments_reused for e in editions]
    assert all(n > 0 for n in reused)


def test_each_edition_keeps_its_glossary_and_checks(engine, burst):
    GlossaryTerm.objects.create(
        source_language="de", target_language="en", term="Haus", translation="Building"
    )
    editions = burst(2)
    workflow.run_translations(editions[0].pk, limit=2)
    for edition in editions:
        edition.refresh_from_db()
        assert "Building" in edition.content["headline"]


def test_a_failing_edition_does_not_fail_the_others(settings, burst):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": f"{Poisoned.__module__}.Poisoned",
        "OPTIONS": {"version": "t1"},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 0
    engine = get_engine()
    good = burst(2)
    bad = burst(1, lead="Das Gift wirkt.")[0]
    outcomes = workflow.run_translations(good[0].pk, limit=3)
    assert outcomes[good[0].pk] == outcomes[good[1].pk] == "published"
    assert outcomes[bad.pk].startswith("retry 1")
    bad.refresh_from_db()
    assert bad.attempts == 1 and "poisoned" in bad.error and bad.queued
    # the shared call failed, then each edition asked alone: 1 + 3 calls
    assert len(engine.calls) == 4


def test_claims_are_respected_with_two_workers(engine, monkeypatch, burst):
    """Worker B runs while worker A is inside its shared engine call: B cannot take A's
    editions and batches the others; every edition is translated and published once."""
    editions = burst(6)
    ids = [e.pk for e in editions]
    seen: dict[str, Any] = {}
    real = engine.translate

    def worker_a_engine(segments: list[str], source: str, target: str) -> list[str]:
        if "b" not in seen:
            seen["b"] = {e: workflow.run_translations(e, limit=3) for e in ids}
        return real(segments, source, target)

    monkeypatch.setattr(engine, "translate", worker_a_engine)
    a = workflow.run_translations(ids[0], limit=3)
    b_results: dict[int, str] = {}
    for outcome in seen["b"].values():
        b_results.update({k: v for k, v in outcome.items() if v != "nothing to do"})
    assert sorted(a) == ids[:3] and sorted(b_results) == ids[3:]
    assert set(a.values()) == set(b_results.values()) == {"published"}
    sent = [segment for call in engine.calls for segment in call[0]]
    headlines = [s for s in sent if s.startswith("Die Stadt baut")]
    assert sorted(headlines) == sorted(f"Die Stadt baut {n} Haus" for n in range(6))


def test_a_waiting_or_retrying_edition_is_not_taken_early(engine, burst):
    editions = burst(3)
    Edition.objects.filter(pk=editions[1].pk).update(attempts=1, error="EngineError: down")
    Edition.objects.filter(pk=editions[2].pk).update(error="Waiting for a translation model")
    assert list(workflow.run_translations(editions[0].pk, limit=3)) == [editions[0].pk]


def test_the_task_batches_with_the_setting(engine, settings, burst):
    settings.NEWSDESK_MT_BATCH_EDITIONS = 5
    editions = burst(3)
    result = workflow.translate_edition.call(editions[0].pk)
    assert result == "published (with 2 other edition(s) in one batch)"
    assert len(engine.calls) == 1


@pytest.mark.parametrize(
    ("device", "configured", "expected"),
    [("cpu", 0, 1), ("cuda", 0, 16), ("cuda", 4, 4), ("cpu", 8, 8)],
)
def test_editions_per_batch(settings, device, configured, expected):
    settings.NEWSDESK_MT_BATCH_EDITIONS = configured
    pretend = DummyEngine()
    pretend.device = device  # type: ignore[attr-defined]
    assert workflow.editions_per_batch(pretend) == expected


def test_the_real_engine_batched_matches_alone(model_dir, settings, publish):  # noqa: F811
    """The tiny en-fr CTranslate2 model (random weights, beam search): editions translated
    together give the same text as each translated alone, in fewer engine calls."""
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
        "OPTIONS": {"model_dir": str(model_dir), "beam_size": 2},
    }
    engine = get_engine()
    calls: list[int] = []
    real = engine.translate

    def counted(segments: list[str], source: str, target: str) -> list[str]:
        calls.append(len(segments))
        return real(segments, source, target)

    engine.translate = counted  # type: ignore[method-assign]
    texts = ["The council met today.", "A new school opens in the city.", "It rains."]

    def articles() -> list[Edition]:
        made = [
            publish(
                headline=text, language="en", kicker="City", lead=text, blocks=[("paragraph", text)]
            )
            for text in texts
        ]
        return [Edition.objects.get(article=a, language="fr") for a in made]

    alone = articles()
    for edition in alone:
        workflow.run_translations(edition.pk, limit=1)
    assert len(calls) == 3
    together = articles()
    Edition.objects.filter(pk__in=[e.pk for e in together]).update(force_engine=True)
    workflow.run_translations(together[0].pk, limit=3)
    assert len(calls) == 4  # the three editions in one call
    assert contents(together) == contents(alone)


def test_an_engine_that_cannot_be_built_fails_the_edition_at_once(burst, monkeypatch):
    """No claim left to run out: the edition is failed (and retried) as without batching."""
    (edition,) = burst(1)

    def no_engine() -> None:
        raise RuntimeError("NEWSDESK_MT_DEVICE=cuda, but CTranslate2 finds no CUDA device")

    monkeypatch.setattr(workflow, "get_engine", no_engine)
    monkeypatch.setattr("newsdesk.translation.pipeline.get_engine", no_engine)
    outcome = workflow.run_translations(edition.pk)
    edition.refresh_from_db()
    assert edition.claim_token == ""
    assert "CUDA" in edition.error
    assert outcome[edition.pk] != "nothing to do"
