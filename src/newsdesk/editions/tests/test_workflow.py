"""The publish-time workflow: every state transition, incremental updates, failures, crashes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.editions import actions as edition_actions
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition, EditionPolicy, EditionSegment
from newsdesk.editions.source import part_text
from newsdesk.newsroom import actions
from newsdesk.newsroom.models import Block
from newsdesk.translation.engines import TranslationEngine
from newsdesk.translation.models import MemoryEntry

pytestmark = pytest.mark.django_db
DEAD_CLAIM = "0" * 16  # the claim of a worker that no longer runs

LONG = [
    ("paragraph", f"Der Bürgermeister sagte am Montag {n} Sätze. Die Stadt ist neu.")
    for n in range(1, 21)
]


def edition_of(article, language="en") -> Edition:
    return Edition.objects.get(article=article, language=language)


def test_publishing_queues_one_edition_per_other_language(engine, publish):
    article = publish(headline="Der Gemeinderat hat das Budget beschlossen")
    edition = edition_of(article)
    assert edition.state == Edition.State.PENDING and edition.queued
    assert not edition.is_visible
    assert not Edition.objects.filter(article=article, language="de").exists()
    queued = DBTaskResult.objects.filter(task_path="newsdesk.editions.workflow.translate_edition")
    assert [r.args_kwargs["args"] for r in queued] == [[edition.pk]]


def test_translation_publishes_every_part_with_provenance(engine, publish, committed):
    article = publish(
        kicker="Stadt",
        headline="Der Gemeinderat hat das Budget beschlossen",
        lead="Die Stadt hat ein neue Budget.",
        blocks=[
            ("paragraph", 'Der Bürgermeister <a href="https://example.org/">sagte</a> heute.'),
            ("quote", "Wir haben zwei Millionen Euro."),
            ("factbox", "Zwei Schule\nDrei Haus"),
        ],
    )
    quote = article.blocks.get(kind="quote")
    Block.objects.filter(pk=quote.pk).update(attribution="Der Bürgermeister")
    factbox = article.blocks.get(kind="factbox")
    Block.objects.filter(pk=factbox.pk).update(title="Die Stadt")
    committed(
        actions.do_save_article, article, acting_user=None
    )  # no change of content yet: a revision only
    assert committed(workflow.run_translation, edition_of(article).pk) == "published"

    edition = edition_of(article)
    assert edition.state == Edition.State.PUBLISHED and not edition.queued
    assert edition.engine == "dummy" and edition.model_version == "dummy:de-en@t1"
    assert edition.translated_at is not None and edition.source_revision is not None
    content = edition.content
    assert content["kicker"] == "City"
    assert content["headline"] == "The City council has the Budget decided"
    assert content["lead"] == "The City has a new Budget."
    paragraph = article.blocks.get(kind="paragraph")
    assert content[f"{paragraph.key}:text"] == (
        'The Mayor <a href="https://example.org/" rel="noopener noreferrer">said</a> today.'
    )
    assert content[f"{quote.key}:attribution"] == "The Mayor"
    assert content[f"{factbox.key}:title"] == "The City"
    assert part_text(content, factbox, "text") == "Two School\nThree House"
    origins = set(edition.segments.values_list("origin", flat=True))
    assert origins == {EditionSegment.Origin.MACHINE}


def test_flagged_translation_is_held_and_approval_publishes_it(engine, publish, committed, users):
    # The dummy leaves "Millionen" alone but the numbers check passes; an unknown sentence
    # comes back identical, which the checks flag.
    article = publish(headline="Karmeliterviertel bleibt autofrei bis Oktober")
    assert committed(workflow.run_translation, edition_of(article).pk) == "held for review"
    edition = edition_of(article)
    assert edition.state == Edition.State.HELD and edition.flagged and not edition.is_visible
    flags = edition.segments.get(field="headline").flags
    assert flags and flags[0]["code"] == "identical"

    committed(edition_actions.do_approve_edition, edition, acting_user=users["editor"])
    edition.refresh_from_db()
    assert edition.state == Edition.State.REVIEWED and edition.is_visible
    assert edition.reviewed_by == users["editor"] and edition.reviewed_at is not None
    assert edition.content_reviewed and not edition.flagged


def test_review_first_policy_holds_clean_translations(engine, publish, committed):
    article = publish(headline="Die Stadt hat ein neue Budget")
    EditionPolicy.objects.create(section=article.section, language="en", mode="review")
    assert committed(workflow.run_translation, edition_of(article).pk) == "held for review"
    assert not edition_of(article).flagged
    other = publish(headline="Die Stadt hat ein Haus", section=None)
    EditionPolicy.objects.filter(section=article.section).update(mode="auto")
    assert committed(workflow.run_translation, edition_of(other).pk) == "published"


def test_section_rule_wins_over_the_default_rule(engine, publish, committed, settings):
    settings.NEWSDESK_EDITIONS_REVIEW_FIRST = True
    article = publish(headline="Die Stadt hat ein neue Budget")
    assert committed(workflow.run_translation, edition_of(article).pk) == "held for review"
    EditionPolicy.objects.create(section=None, language="en", mode="auto")
    EditionPolicy.objects.create(section=article.section, language="en", mode="review")
    committed(edition_actions.do_retranslate_edition, edition_of(article), acting_user=None)
    assert committed(workflow.run_translation, edition_of(article).pk) == "held for review"
    EditionPolicy.objects.filter(section=article.section).delete()
    committed(edition_actions.do_retranslate_edition, edition_of(article), acting_user=None)
    assert committed(workflow.run_translation, edition_of(article).pk) == "published"


def test_update_makes_the_edition_stale_until_the_new_one_is_complete(engine, publish, committed):
    article = publish(headline="Die Stadt hat ein Budget", blocks=LONG)
    committed(workflow.run_translation, edition_of(article).pk)
    before = edition_of(article).content

    block = article.blocks.order_by("position")[4]
    block.text = "Der Bürgermeister sagte heute drei Sätze. Es ist Regen."
    block.save()
    committed(actions.do_save_article, article, acting_user=None)
    edition = edition_of(article)
    assert edition.state == Edition.State.STALE and edition.queued
    assert edition.is_visible and edition.is_outdated
    assert edition.content == before  # readers keep the previous edition meanwhile

    engine.calls.clear()
    assert committed(workflow.run_translation, edition.pk) == "published"
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and not edition.is_outdated
    assert edition.content[f"{block.key}:text"] == "The Mayor said today three Sätze. It is Rain."
    # Only the changed paragraph's two sentences went to the engine.
    assert [call[0] for call in engine.calls] == [
        ["Der Bürgermeister sagte heute drei Sätze.", "Es ist Regen."]
    ]
    assert edition.segments_sent == 2
    assert edition.segments_reused == edition.segments.exclude(origin="copied").count() - 2


def test_post_edits_survive_updates_unless_their_source_changed(engine, publish, committed, users):
    article = publish(
        headline="Die Stadt hat ein Budget",
        blocks=[("paragraph", "Es ist Regen. Die Schule ist neu."), ("paragraph", "Das Haus.")],
    )
    committed(workflow.run_translation, edition_of(article).pk)
    edition = edition_of(article)
    rain = edition.segments.get(source_text="Es ist Regen.")
    school = edition.segments.get(source_text="Die Schule ist neu.")
    committed(
        edition_actions.do_post_edit_edition,
        edition,
        corrections={rain.pk: "It is raining.", school.pk: "The school is new!"},
        acting_user=users["editor"],
    )
    edition.refresh_from_db()
    first = article.blocks.order_by("position")[0]
    assert edition.content[f"{first.key}:text"] == "It is raining. The school is new!"
    assert MemoryEntry.objects.get(source_text="Es ist Regen.", origin="human").target_text == (
        "It is raining."
    )

    # The editor changes the second sentence of that paragraph and the headline.
    first.text = "Es ist Regen. Die Schule ist neu und die Stadt."
    first.save()
    article.headline = "Die Stadt hat ein neue Budget"
    article.save()
    committed(actions.do_save_article, article, acting_user=None)
    committed(workflow.run_translation, edition.pk)
    edition.refresh_from_db()
    kept = edition.segments.get(source_text="Es ist Regen.")
    assert kept.origin == "human" and kept.human_text == "It is raining." and not kept.flags
    changed = edition.segments.get(source_text="Die Schule ist neu und die Stadt.")
    assert changed.origin == "machine" and not changed.human_text
    assert [flag["code"] for flag in changed.flags] == ["correction-outdated"]
    assert "The school is new!" in changed.flags[0]["message"]
    assert edition.state == Edition.State.HELD  # an editor looks at it again


def test_correction_with_markup_goes_to_the_memory_with_placeholders(engine, publish, committed):
    article = publish(
        headline="Das Haus",
        blocks=[("paragraph", 'Der <a href="https://example.org/">Bahnhof</a> ist <em>neu</em>.')],
    )
    committed(workflow.run_translation, edition_of(article).pk)
    edition = edition_of(article)
    segment = edition.segments.get(field__endswith=":text")
    assert segment.source_text == "Der <x1>Bahnhof</x1> ist <x2>neu</x2>."
    correction = (
        '<em>Brand-new</em>: the <a href="https://example.org/" rel="noopener noreferrer">'
        "station</a> &amp; more."
    )
    assert workflow.to_placeholders(segment, correction) == (
        "<x2>Brand-new</x2>: the <x1>station</x1> & more."
    )
    committed(
        edition_actions.do_post_edit_edition,
        edition,
        corrections={segment.pk: correction},
        acting_user=None,
    )
    entry = MemoryEntry.objects.get(origin="human")
    assert entry.target_text == "<x2>Brand-new</x2>: the <x1>station</x1> & more."


def test_a_links_title_is_translated_and_a_correction_keeps_the_link(engine, publish, committed):
    """Issue 11: readers see a link's title; it is translated (through the memory) and the
    edition's markers know the translated tag, so a post-edit maps it back."""
    article = publish(
        headline="Das Haus",
        blocks=[
            (
                "paragraph",
                'Der <a href="https://example.org/" title="Die neue Schule">Bahnhof</a> ist neu.',
            )
        ],
    )
    committed(workflow.run_translation, edition_of(article).pk)
    edition = edition_of(article)
    assert (
        'title="The new School"'
        in edition.content[next(k for k in edition.content if k.endswith(":text"))]
    )
    segment = edition.segments.get(field__endswith=":text")
    tag = next(start for _n, kind, start, _end in segment.markers if kind == "pair")
    assert 'title="The new School"' in tag
    assert workflow.to_placeholders(segment, f"The {tag}station</a> is new.") == (
        "The <x1>station</x1> is new."
    )
    assert MemoryEntry.objects.filter(source_text="Die neue Schule").exists()


def test_bad_corrections_are_refused_and_change_nothing(engine, publish, committed, users):
    article = publish(headline="Das Haus")
    committed(workflow.run_translation, edition_of(article).pk)
    edition = edition_of(article)
    headline = edition.segments.get(field="headline")
    with pytest.raises(ValidationError, match="plain text"):
        edition_actions.do_post_edit_edition(
            edition, corrections={headline.pk: "The <b>house</b>"}, acting_user=users["editor"]
        )
    with pytest.raises(ValidationError, match="not part of this edition"):
        edition_actions.do_post_edit_edition(
            edition, corrections={999999: "x"}, acting_user=users["editor"]
        )
    headline.refresh_from_db()
    assert headline.human_text == "" and edition_of(article).content["headline"] == "The House"


def test_engine_failure_retries_then_fails_and_the_original_stays(
    failing_engine, publish, committed, client, settings
):
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 3
    article = publish(headline="Die Stadt hat ein Budget")
    edition = edition_of(article)
    assert committed(workflow.run_translation, edition.pk) == "retry 1 in 0 s"
    assert committed(workflow.run_translation, edition.pk) == "retry 2 in 0 s"
    edition.refresh_from_db()
    assert edition.state == Edition.State.PENDING and edition.attempts == 2 and edition.queued
    assert committed(workflow.run_translation, edition.pk) == "failed"
    edition.refresh_from_db()
    assert edition.state == Edition.State.FAILED and not edition.queued
    assert edition.error == "EngineError: engine is down"
    assert not edition.segments.exists() and not edition.is_visible
    assert len(failing_engine.calls) == 3
    # The original is published regardless; the English page shows it.
    response = client.get(f"/en/{article.section.slug}/{article.slug}/")
    assert response.status_code == 200 and "Die Stadt hat ein Budget" in response.content.decode()
    # Publishing again (e.g. after the engine is back) tries again from scratch.
    committed(actions.do_publish_article, article, acting_user=None)
    edition.refresh_from_db()
    assert edition.state == Edition.State.PENDING and edition.attempts == 0 and edition.queued


def test_an_unavailable_engine_keeps_the_edition_waiting_beyond_its_attempts(
    publish, committed, settings
):
    """A translation service that is down (EngineUnavailable, e.g. LibreTranslate not
    answering) for longer than the retries: the edition keeps waiting, retried every ten
    retry periods, and is translated once the service is back; never FAILED."""
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1", "unavailable": "no answer within 30 s"},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 5
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 2
    article = publish(headline="Die Stadt hat ein Budget")
    edition = edition_of(article)
    assert committed(workflow.run_translation, edition.pk) == "retry 1 in 5 s"
    before = timezone.now()
    for _ in range(3):  # the attempts are used up: it keeps waiting, every 10 x 5 s
        assert committed(workflow.run_translation, edition.pk) == "waiting for the engine"
    edition.refresh_from_db()
    assert edition.state == Edition.State.PENDING and edition.queued and not edition.is_failed
    assert edition.error == (
        "Waiting for the translation engine: EngineUnavailable: no answer within 30 s"
    )
    waits = [
        r.run_after - before
        for r in DBTaskResult.objects.filter(
            task_path__endswith="translate_edition", run_after__gte=before
        )
        if r.args_kwargs["args"] == [edition.pk]
    ]
    ten_periods = [w for w in waits if dt.timedelta(seconds=48) < w < dt.timedelta(seconds=52)]
    assert len(ten_periods) == 3  # one deferred try per wait, 10 x 5 s later
    # The service is back: the next try translates it.
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1"},
    }
    assert committed(workflow.run_translation, edition.pk) == "published"
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and edition.error == ""
    assert edition.attempts == 0


def test_an_engine_down_for_longer_than_the_wait_fails_at_last(publish, committed, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1", "unavailable": "cannot connect"},
    }
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 1
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 720  # a try every 2 hours while it waits
    settings.NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS = 4  # so: two waits
    article = publish(headline="Die Stadt hat ein Budget")
    edition = edition_of(article)
    assert committed(workflow.run_translation, edition.pk) == "waiting for the engine"
    assert committed(workflow.run_translation, edition.pk) == "waiting for the engine"
    assert committed(workflow.run_translation, edition.pk) == "failed"
    edition.refresh_from_db()
    assert edition.state == Edition.State.FAILED and not edition.queued
    assert edition.error == "EngineUnavailable: cannot connect" and edition.attempts == 3
    # No wait at all: it fails after its attempts like any other error.
    settings.NEWSDESK_EDITIONS_ENGINE_WAIT_HOURS = 0
    other = publish(headline="Die Schule ist neu")
    assert committed(workflow.run_translation, edition_of(other).pk) == "failed"


def test_an_engine_error_that_is_not_an_outage_still_fails(publish, committed, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1", "fail": "the model answered garbage"},
    }
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 0
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 1
    article = publish(headline="Die Stadt hat ein Budget")
    assert committed(workflow.run_translation, edition_of(article).pk) == "failed"
    assert edition_of(article).state == Edition.State.FAILED


def test_retries_are_deferred_with_backoff(failing_engine, publish, committed, settings):
    settings.NEWSDESK_EDITIONS_RETRY_SECONDS = 30
    article = publish(headline="Die Stadt")
    edition = edition_of(article)
    before = timezone.now()
    assert committed(workflow.run_translation, edition.pk) == "retry 1 in 30 s"
    assert committed(workflow.run_translation, edition.pk) == "retry 2 in 60 s"
    waits = sorted(
        r.run_after - before for r in DBTaskResult.objects.filter(run_after__isnull=False)
    )
    assert dt.timedelta(seconds=29) < waits[0] < dt.timedelta(seconds=32)
    assert dt.timedelta(seconds=59) < waits[1] < dt.timedelta(seconds=62)


def test_a_missing_model_keeps_the_edition_waiting_without_using_attempts(
    settings, publish, committed
):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["en-de"]},
    }
    article = publish(headline="Die Stadt")
    assert committed(workflow.run_translation, edition_of(article).pk) == "waiting for a model"
    edition = edition_of(article)
    assert edition.state == Edition.State.PENDING and edition.queued and edition.attempts == 0
    assert "Waiting for a translation model" in edition.error


class Killed(BaseException):
    """What a kill -9 looks like from inside: the task stops dead, nothing is cleaned up."""


class DyingEngine(TranslationEngine):
    name = "dying"

    def __init__(self, inner):
        self.inner = inner

    def check_pair(self, source, target):
        return self.inner.check_pair(source, target)

    def model_version(self, source, target):
        return self.inner.model_version(source, target)

    def translate(self, segments, source, target):
        raise Killed


def test_a_worker_killed_mid_task_leaves_nothing_half_done(engine, publish, committed, settings):
    settings.NEWSDESK_EDITIONS_LEASE_SECONDS = 10
    article = publish(headline="Die Stadt hat ein Budget")
    edition = edition_of(article)
    with pytest.raises(Killed):
        workflow.run_translation(edition.pk, engine=DyingEngine(engine))  # type: ignore[arg-type]
    edition.refresh_from_db()
    assert edition.claimed_until is not None and edition.queued
    assert not edition.segments.exists() and not edition.is_visible
    # While the dead worker's claim lasts, nobody else starts the same work twice.
    assert workflow.run_translation(edition.pk) == "nothing to do"
    assert workflow.requeue_abandoned() == []
    # When it has expired, the next sweep queues it again and another worker finishes it.
    Edition.objects.filter(pk=edition.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert committed(workflow.requeue_abandoned) == [edition.pk]
    assert committed(workflow.requeue_abandoned) == []  # released once, queued once
    assert committed(workflow.run_translation, edition.pk) == "published"
    assert Edition.objects.filter(article=article).count() == 1
    assert edition_of(article).content["headline"] == "The City has a Budget"


def test_unpublishing_withdraws_queued_work(engine, publish, committed):
    article = publish(headline="Die Stadt")
    committed(actions.do_unpublish_article, article, acting_user=None)
    edition = edition_of(article)
    assert not edition.queued
    assert workflow.run_translation(edition.pk) == "nothing to do"


def test_publishing_twice_makes_no_second_edition(engine, publish, committed):
    article = publish(headline="Die Stadt")
    committed(workflow.request_editions, article)
    committed(actions.do_publish_article, article, acting_user=None)
    assert Edition.objects.filter(article=article).count() == 1


def test_only_complete_translations_can_be_approved(engine, publish, users):
    article = publish(headline="Die Stadt")
    with pytest.raises(ValidationError, match="Only a complete translation"):
        edition_actions.do_approve_edition(edition_of(article), acting_user=users["editor"])
    with pytest.raises(ValidationError, match="no complete translation"):
        edition_actions.do_post_edit_edition(
            edition_of(article), corrections={}, acting_user=users["editor"]
        )


@pytest.mark.django_db(transaction=True)
def test_the_worker_translates_what_publishing_queued(engine):
    from newsdesk.editions.tests.conftest import CLEAN
    from newsdesk.newsroom.testing import make_article

    article = make_article(headline="Der Bürgermeister sagte heute", **CLEAN)
    call_command("worker", "--batch")
    edition = edition_of(article)
    assert edition.state == Edition.State.PUBLISHED
    assert edition.content["headline"] == "The Mayor said today"
    results = DBTaskResult.objects.filter(task_path="newsdesk.editions.workflow.translate_edition")
    assert [r.status for r in results] == ["SUCCESSFUL"]
    assert results[0].return_value == "published"


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_takes_over_from_a_killed_one(engine):
    from newsdesk.editions.tests.conftest import CLEAN
    from newsdesk.newsroom.testing import make_article

    article = make_article(headline="Die Stadt hat ein Haus", **CLEAN)
    edition = edition_of(article)
    # As left by a worker killed mid-task: claimed, its task marked running forever.
    Edition.objects.filter(pk=edition.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1), claim_token=DEAD_CLAIM
    )
    DBTaskResult.objects.update(status="RUNNING")
    call_command("worker", "--batch")
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED and not edition.queued
    assert edition.content["headline"] == "The City has a House"
    assert Edition.objects.filter(article=article).count() == 1


def test_a_failure_to_queue_editions_does_not_break_publishing(
    engine, publish, monkeypatch, caplog
):
    def broken(article, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(workflow, "request_editions", broken)
    article = publish(headline="Die Stadt")
    assert article.is_published
    assert not Edition.objects.filter(article=article).exists()
    assert "could not queue the editions" in caplog.text


def test_failed_edition_shows_its_error_to_editors(
    failing_engine, publish, committed, client_for, settings
):
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 1
    article = publish(headline="Die Stadt")
    committed(workflow.run_translation, edition_of(article).pk)
    listing = client_for("editor").get("/admin/editions/edition/?state__exact=failed")
    assert "EngineError: engine is down" in listing.content.decode()
    page = client_for("editor").get(f"/admin/editions/edition/{edition_of(article).pk}/change/")
    assert "EngineError: engine is down" in page.content.decode()


def test_reviewed_edition_goes_stale_on_update_and_keeps_its_corrections(
    engine, publish, committed, users
):
    article = publish(headline="Die Stadt hat ein Haus")
    committed(workflow.run_translation, edition_of(article).pk)
    edition = edition_of(article)
    headline = edition.segments.get(field="headline")
    committed(
        edition_actions.do_post_edit_edition,
        edition,
        corrections={headline.pk: "The city owns a house"},
        acting_user=None,
    )
    committed(edition_actions.do_approve_edition, edition, acting_user=users["editor"])
    assert edition_of(article).state == Edition.State.REVIEWED

    article.lead = "Die Schule ist neu."
    article.save()
    committed(actions.do_save_article, article, acting_user=None)
    edition = edition_of(article)
    assert edition.state == Edition.State.STALE and edition.content_reviewed
    assert committed(workflow.run_translation, edition.pk) == "published"
    edition.refresh_from_db()
    # Machine text is new, so the edition is no longer "reviewed"; the correction stays.
    assert edition.state == Edition.State.PUBLISHED and not edition.content_reviewed
    assert edition.content["headline"] == "The city owns a house"
    assert edition.content["lead"] == "The School is new."


def test_a_stale_edition_whose_update_fails_stays_readable(engine, publish, committed, settings):
    article = publish(headline="Die Stadt hat ein Haus")
    committed(workflow.run_translation, edition_of(article).pk)
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1", "fail": "engine is down"},
    }
    settings.NEWSDESK_EDITIONS_MAX_ATTEMPTS = 1
    article.headline = "Die Stadt hat zwei Haus"
    article.save()
    committed(actions.do_save_article, article, acting_user=None)
    assert committed(workflow.run_translation, edition_of(article).pk) == "failed"
    edition = edition_of(article)
    assert edition.state == Edition.State.FAILED
    assert edition.is_visible and edition.is_outdated
    assert edition.content["headline"] == "The City has a House"


def test_a_held_edition_nobody_saw_is_translated_again_when_the_original_changes(
    engine, publish, committed
):
    article = publish(headline="Karmeliterviertel bleibt autofrei bis Oktober")
    committed(workflow.run_translation, edition_of(article).pk)
    assert edition_of(article).state == Edition.State.HELD
    article.headline = "Die Stadt hat ein Haus"
    article.save()
    committed(actions.do_save_article, article, acting_user=None)
    edition = edition_of(article)
    assert edition.state == Edition.State.PENDING and edition.queued
    assert committed(workflow.run_translation, edition.pk) == "published"


def test_long_runs_of_whitespace_between_sentences_are_kept(engine, publish, committed):
    spaced = "Es ist Regen." + " " * 80 + "Das Haus ist neu."
    article = publish(headline="Das Haus", blocks=[("paragraph", spaced)])
    assert committed(workflow.run_translation, edition_of(article).pk) == "published"
    block = article.blocks.get()
    assert edition_of(article).content[f"{block.key}:text"] == (
        "It is Rain." + " " * 80 + "The House is new."
    )
