"""The screening pipeline on real posts: each step refuses, holds or lets pass, with German
and English examples, obfuscated spellings, compounds and harmless look-alikes."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import EventType, trail_of
from newsdesk.moderation import screening
from newsdesk.moderation.models import Case, ModerationPolicy, Sanction, TrustedReader, WordList
from newsdesk.newsroom.models import Section
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db


def only(settings, *names: str, **options) -> None:
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": f"newsdesk.moderation.screening.{name}", "OPTIONS": options.get(name, {})}
        for name in names
    ]


@pytest.fixture
def banned(db):
    return WordList.objects.create(
        kind=WordList.Kind.BANNED,
        source="# Beleidigungen\n*idiot\narsch*\n*arsch\n!marsch\n!barsch\nwichser\nanal\nass\n",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Du bist ein Idiot.",
        "So ein Vollidiot!",
        "Lauter Idioten hier",
        "du 1d10t",
        "I d i o t",
        "Idiooooot",
        "Ιdiot",  # Greek capital iota
        "Id\u200biot",  # zero-width space inside
        "Arschgeige",
        "So ein A.r.s.c.h",
        "Du Wichser",
        "You idiots",
    ],
)
def test_banned_terms_refuse_with_the_term_named_and_store_nothing(settings, post, banned, text):
    only(settings, "BannedTerms")
    with pytest.raises(community.CommentRefused) as refused:
        post(text)
    assert refused.value.code == "banned_term"
    assert refused.value.status == 422
    assert "netiquette" in refused.value.message
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Schwanensee war wunderbar.",
        "Eine gute Analyse der Lage.",
        "Wir analysieren das Budget.",
        "Mein Passwort ist sicher, der Passant auch.",
        "Die Klasse ist groß.",
        "Der Marsch durch die Stadt.",
        "Ein Barsch im Teich.",
        "Scunthorpe and Hitchcock and Dickens",
        "Die Kosten steigen 2026 um 10 Euro.",
    ],
)
def test_harmless_words_that_contain_a_banned_string_pass(settings, post, banned, text):
    only(settings, "BannedTerms")
    comment = post(text)
    assert comment.status == Comment.Status.VISIBLE


def test_suspect_terms_hold_the_comment_with_the_evidence(settings, post, users):
    only(settings, "SuspectTerms")
    WordList.objects.create(kind=WordList.Kind.SUSPECT, source="lügenpresse\n")
    comment = post("Das ist doch Luegenpresse!")
    assert comment.status == Comment.Status.PENDING
    case = Case.objects.get(comment=comment)
    assert case.queue == Case.Queue.SYSTEM
    assert case.holds[0]["code"] == "suspect_term"
    assert case.holds[0]["evidence"]["entries"] == [
        "lügenpresse"
    ]  # the list's word, not the reader's
    held = trail_of(comment).get(event_type=EventType.COMMENT_HELD)
    assert held.actor is None and held.new_value["holds"][0]["code"] == "suspect_term"


def test_links_new_accounts_and_repeat_posts_are_held(settings, post, users):
    only(settings, "Links", "NewAccount", "RepeatPosts")
    first = post("Mein erster Beitrag")
    assert [h["code"] for h in Case.objects.get(comment=first).holds] == ["new_account"]
    community.apply_comment_status(first, status=Comment.Status.VISIBLE)
    assert post("Ein zweiter Beitrag ohne Link").status == Comment.Status.VISIBLE
    linked = post("Siehe https://example.org/werbung")
    assert [h["code"] for h in Case.objects.get(comment=linked).holds] == ["links"]
    other = community.conversation_for_article(make_article(headline="Anderes Thema"))
    TrustedReader.objects.create(user=users["other_reader"], added_at=clock.now())
    community.apply_comment_status(
        post("Mein erster Beitrag", author="other_reader"), status=Comment.Status.VISIBLE
    )
    repeat = community.do_post_comment(
        other, text_value="Ein zweiter Beitrag ohne Link", acting_user=users["other_reader"]
    )
    assert [h["code"] for h in Case.objects.get(comment=repeat).holds] == ["repeat_post"]


def test_a_high_share_of_rejections_holds_the_next_comment(settings, post, users, reasons):
    from newsdesk.moderation.actions import do_reject_comment

    only(settings, "RejectionShare")
    for number in range(3):
        comment = post(f"Beitrag {number}")
        do_reject_comment(comment, reason=reasons["insult"], acting_user=users["moderator"])
    held = post("Noch ein Beitrag")
    assert held.status == Comment.Status.PENDING
    assert Case.objects.get(comment=held).holds[0]["evidence"] == {"rejected": 3, "decided": 3}


def test_the_classifier_holds_what_it_scores_high_and_keeps_score_and_model(settings, post):
    only(settings, "ClassifierStep")
    harmless = post("Danke für den ausführlichen Bericht über den Gemeinderat.")
    assert harmless.status == Comment.Status.VISIBLE
    offensive = post("Halt die Fresse, du dummes Stück Scheiße, du verlogenes Pack!")
    assert offensive.status == Comment.Status.PENDING
    case = Case.objects.get(comment=offensive)
    assert case.holds[0]["code"] == "classifier"
    assert case.score is not None and case.score >= case.holds[0]["evidence"]["threshold"]
    assert case.model_name and case.model_version


def test_a_section_threshold_overrides_the_models(settings, post, conversation):
    only(settings, "ClassifierStep")
    ModerationPolicy.objects.create(section=conversation.article.section, hold_threshold=0.0)
    assert post("Ein freundlicher Beitrag.").status == Comment.Status.PENDING


def test_a_broken_model_holds_for_a_human_instead_of_failing(settings, post, tmp_path):
    only(settings, "ClassifierStep")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    settings.NEWSDESK_MODERATION_MODEL = str(broken)
    comment = post("Irgendein Text")
    assert comment.status == Comment.Status.PENDING
    assert Case.objects.get(comment=comment).holds[0]["code"] == "classifier_unavailable"


@pytest.mark.parametrize(
    ("scope", "mode", "held"),
    [
        ("site", ModerationPolicy.Mode.POST, False),
        ("site", ModerationPolicy.Mode.PRE_ALL, True),
        ("section", ModerationPolicy.Mode.PRE_ALL, True),
        ("article", ModerationPolicy.Mode.PRE_ALL, True),
        ("other_section", ModerationPolicy.Mode.PRE_ALL, False),
    ],
)
def test_premoderation_by_site_section_and_article(settings, post, conversation, scope, mode, held):
    only(settings, "Premoderation")
    article = conversation.article
    target = {
        "site": {},
        "section": {"section": article.section},
        "article": {"article": article},
        "other_section": {"section": Section.objects.create(slug="sport", name="Sport")},
    }[scope]
    ModerationPolicy.objects.create(mode=mode, **target)
    comment = post("Ein Beitrag")
    assert comment.is_pending is held
    if held:
        assert Case.objects.get(comment=comment).queue == Case.Queue.PENDING
        assert "geprüft" in comment.status_note or "checked" in comment.status_note


def test_the_most_specific_policy_wins(settings, post, conversation):
    only(settings, "Premoderation")
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    ModerationPolicy.objects.create(article=conversation.article, mode=ModerationPolicy.Mode.POST)
    assert post("Ein Beitrag").status == Comment.Status.VISIBLE


def test_new_readers_are_premoderated_until_enough_approvals(settings, post, users):
    from newsdesk.moderation.actions import do_approve_comment

    only(settings, "Premoderation")
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_NEW, approvals_needed=2)
    for number in range(2):
        comment = post(f"Beitrag {number}")
        assert comment.is_pending
        do_approve_comment(comment, acting_user=users["moderator"])
    assert post("Jetzt direkt").status == Comment.Status.VISIBLE


def test_trusted_readers_skip_premoderation_but_a_sanction_forces_it(
    settings, post, users, reasons
):
    only(settings, "Premoderation")
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    TrustedReader.objects.create(user=users["reader"], added_at=clock.now())
    assert post("Vertrauenswürdig").status == Comment.Status.VISIBLE
    Sanction.objects.create(
        user=users["reader"],
        kind=Sanction.Kind.PREMODERATE,
        reason=reasons["insult"],
        starts_at=clock.now() - dt.timedelta(minutes=1),
    )
    assert post("Jetzt vorab geprüft").status == Comment.Status.PENDING


def test_an_edit_is_screened_like_a_new_comment(settings, post, users):
    only(settings, "SuspectTerms")
    WordList.objects.create(kind=WordList.Kind.SUSPECT, source="volksverräter\n")
    comment = post("Ein harmloser Beitrag")
    conversation = comment.conversation
    conversation.refresh_from_db()
    count = conversation.comment_count
    assert count == 1
    community.do_edit_comment(
        comment, text_value="Lauter Volksverraeter!", acting_user=users["reader"]
    )
    comment.refresh_from_db()
    conversation.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert conversation.comment_count == count - 1
    assert Case.objects.get(comment=comment).holds[0]["code"] == "suspect_term"


def test_the_whole_default_pipeline_runs_in_its_documented_order(full_pipeline, post, users):
    comment = post("Mein erster Beitrag, siehe www.example.org")
    codes = [hold["code"] for hold in Case.objects.get(comment=comment).holds]
    assert codes == ["links", "new_account"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ([{"OPTIONS": {}}], "needs a CLASS"),
        ([{"CLASS": "newsdesk.moderation.screening.Nope"}], "cannot be imported"),
        ([{"CLASS": "newsdesk.moderation.models.Case"}], "is not a Step"),
        (
            [{"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": {"allowed": -1}}],
            "at least 0",
        ),
        (
            [{"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": {"colour": 1}}],
            "bad OPTIONS",
        ),
        ([{"CLASS": "newsdesk.moderation.screening.Links", "OPTIONS": [1]}], "must be a mapping"),
    ],
)
def test_a_bad_pipeline_configuration_is_a_clear_error(settings, config, message):
    settings.NEWSDESK_MODERATION_PIPELINE = config
    with pytest.raises(screening.PipelineError, match=message):
        screening.pipeline()


def test_held_comments_are_hidden_from_readers_and_shown_to_their_author(
    settings, post, users, client_for, conversation
):
    only(settings, "Premoderation")
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    comment = post("Wartet auf Prüfung")
    conversation.refresh_from_db()
    assert conversation.comment_count == 0
    url = conversation.article.get_absolute_url()
    for role in ("anonymous", "other_reader", "editor"):
        client = client_for(role)
        assert "Wartet auf Prüfung" not in client.get(url).content.decode()
        assert client.get(f"/de/community/comments/{comment.pk}/").status_code == 404
        api = client.get(f"/api/community/comments/{comment.pk}")
        assert api.status_code == 404 and api.json()["error"] == "not_found"
        thread = client.get(f"/api/community/threads?article={conversation.article_id}")
        assert "Wartet auf Prüfung" not in thread.content.decode()
    own = client_for("reader").get(url).content.decode()
    assert "Wartet auf Prüfung" in own and "community__pending" in own
    permalink = client_for("reader").get(f"/de/community/comments/{comment.pk}/")
    assert permalink.status_code == 200 and "comment__pending" in permalink.content.decode()
    assert client_for("moderator").get(f"/de/community/comments/{comment.pk}/").status_code == 200


DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"


def test_a_comment_in_another_language_is_scored_through_its_translation(settings, post):
    only(settings, "ClassifierStep")
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "t1"}}
    comment = post("Thanks for the detailed report on the council.", language="en")
    assert comment.status == Comment.Status.VISIBLE
    ModerationPolicy.objects.create(hold_threshold=0.0)  # hold whatever the score
    held = post("Another comment in English.", language="en")
    case = Case.objects.get(comment=held)
    assert case.holds[0]["evidence"]["translated_from"] == "en"
    assert case.holds[0]["evidence"]["translated_to"] == "de"
    assert case.score is not None


@pytest.mark.parametrize(("unscored", "status"), [("pass", "visible"), ("hold", "pending")])
def test_without_a_translation_the_setting_decides(settings, post, unscored, status):
    only(settings, "ClassifierStep", ClassifierStep={"unscored": unscored})
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": DUMMY,
        "OPTIONS": {"version": "t1", "fail": "engine is down"},
    }
    comment = post("A comment in English.", language="en")
    assert comment.status == status
    if status == "pending":
        assert Case.objects.get(comment=comment).holds[0]["code"] == "unscored_language"


def test_the_links_prefilter_never_misses_what_the_rendering_links():
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from newsdesk.community.comment_text import render
    from newsdesk.moderation.screening import _HREF, _MAYBE_LINK

    pieces = st.sampled_from(
        [
            "www",
            ".",
            "@",
            ":",
            "//",
            "http",
            "https",
            "mailto",
            "com",
            "org",
            "de",
            "a",
            "b",
            " ",
            "x1",
            "-",
            "Stadt",
            "2.5",
            "ftp",
            "tel",
            "/",
        ]
    )

    @hsettings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def check(text: str) -> None:
        if _HREF.findall(render(text)):
            assert _MAYBE_LINK.search(text), text

    check()
