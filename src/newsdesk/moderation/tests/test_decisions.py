"""Decisions on comments and sanctions on accounts: what changes, who is told, what the
audit trail keeps, what is refused, and that sanctions hold on every way in."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection, transaction

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import EventType, trail_of
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent
from newsdesk.moderation import actions
from newsdesk.moderation.models import Case, ModerationPolicy, Sanction, WordList
from newsdesk.moderation.tasks import tell_about_decision, tell_about_sanction
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings, post):
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.Premoderation"}
    ]
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    return post("Ein Beitrag zur Prüfung")


def test_approving_publishes_the_comment_and_records_the_decision(held, users):
    case = actions.do_approve_comment(held, acting_user=users["moderator"], expected="pending")
    held.refresh_from_db()
    held.conversation.refresh_from_db()
    assert held.status == Comment.Status.VISIBLE and held.status_note == ""
    assert held.conversation.comment_count == 1
    assert case.queue == Case.Queue.APPROVED and case.decided_by == users["moderator"]
    event = trail_of(held).get(event_type=EventType.COMMENT_APPROVED)
    assert event.actor == users["moderator"]
    assert event.old_value == {"status": "pending", "queue": "pending"}
    assert event.new_value["holds"][0]["code"] == "premoderation"


def test_rejecting_tells_the_author_why_on_the_page_and_by_mail(
    post,
    users,
    reasons,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
    told_only_by_moderation,
):
    comment = post("Du bist so dumm")
    with django_capture_on_commit_callbacks(execute=True):
        case = actions.do_reject_comment(
            comment,
            reason=reasons["insult"],
            note="Bitte sachlich bleiben.",
            acting_user=users["moderator"],
        )
    assert tell_about_decision.call(case.pk) is True  # the task, run as the worker would
    comment.refresh_from_db()
    comment.conversation.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.conversation.comment_count == 0
    assert "Punkt 2 unserer Netiquette" in comment.status_note
    assert "Bitte sachlich bleiben." in comment.status_note
    page = client_for("reader").get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert "Punkt 2 unserer Netiquette" in page and "status-note" in page
    other = client_for("other_reader").get(f"/de/community/comments/{comment.pk}/")
    assert "Du bist so dumm" not in other.content.decode()
    assert "Punkt 2 unserer Netiquette" not in other.content.decode()
    thread = (
        client_for("anonymous")
        .get(f"/api/community/threads?article={comment.conversation.article_id}")
        .json()
    )
    assert thread["comments"][0]["removed"] is True and thread["comments"][0]["html"] == ""
    assert any("Beleidigung" in mail.body and "Du bist so dumm" in mail.body for mail in mailoutbox)
    event = trail_of(comment).get(event_type=EventType.COMMENT_REJECTED)
    assert event.new_value["reason"] == "insult" and event.actor == users["moderator"]


def test_a_second_moderator_is_told_who_decided(held, users):
    actions.do_approve_comment(held, acting_user=users["moderator"], expected="pending")
    with pytest.raises(ActionRefused) as refused:
        actions.do_approve_comment(held, acting_user=users["admin"], expected="pending")
    assert refused.value.code == "already_decided" and refused.value.status == 409
    assert "moderator" in refused.value.message
    assert trail_of(held).filter(event_type=EventType.COMMENT_APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_moderators_at_once_make_one_decision(settings, users, reasons, open_for_comments):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs a database with row locks")
    conversation = community.conversation_for_article(make_article())
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.Premoderation"}
    ]
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_ALL)
    comment = community.do_post_comment(
        conversation, text_value="Zur Prüfung", acting_user=users["reader"]
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(moderator: str, reject: bool) -> None:
        barrier.wait()
        try:
            if reject:
                actions.do_reject_comment(
                    comment,
                    reason=reasons["spam"],
                    acting_user=users[moderator],
                    expected="pending",
                )
            else:
                actions.do_approve_comment(
                    comment, acting_user=users[moderator], expected="pending"
                )
            outcomes.append("done")
        except ActionRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("moderator", False)),
        threading.Thread(target=decide, args=("admin", True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_decided", "done"]
    assert (
        AuditEvent.objects.filter(
            event_type__in=[EventType.COMMENT_APPROVED, EventType.COMMENT_REJECTED]
        ).count()
        == 1
    )


@pytest.mark.parametrize("role", ["reader", "other_reader", "editor"])
def test_only_moderators_decide(held, users, reasons, role):
    before = AuditEvent.objects.count()
    for decide in (
        lambda: actions.do_approve_comment(held, acting_user=users[role]),
        lambda: actions.do_reject_comment(held, reason=reasons["spam"], acting_user=users[role]),
        lambda: actions.do_impose_sanction(
            users["other_reader"], kind="ban", reason=reasons["spam"], acting_user=users[role]
        ),
        lambda: actions.do_change_word_list("banned", source="idiot", acting_user=users[role]),
    ):
        with pytest.raises(ActionRefused) as refused:
            decide()
        assert refused.value.code == "forbidden" and refused.value.status == 403
    held.refresh_from_db()
    assert held.is_pending and AuditEvent.objects.count() == before
    assert not Sanction.objects.exists() and not WordList.objects.exists()


def test_unknown_and_inactive_reasons_are_refused(held, users, reasons):
    with pytest.raises(ActionRefused) as refused:
        actions.reason_by_code("nonsense")
    assert refused.value.code == "unknown_reason"
    reasons["spam"].active = False
    reasons["spam"].save()
    with pytest.raises(ActionRefused) as refused:
        actions.do_reject_comment(held, reason=reasons["spam"], acting_user=users["moderator"])
    assert refused.value.code == "unknown_reason"
    held.refresh_from_db()
    assert held.is_pending


def test_a_deleted_comment_cannot_be_decided(held, users):
    community.do_delete_comment(held, acting_user=users["reader"])
    with pytest.raises(ActionRefused) as refused:
        actions.do_approve_comment(held, acting_user=users["moderator"])
    assert refused.value.code == "deleted"


@pytest.mark.parametrize(
    ("kind", "ends", "code"),
    [
        ("mute", -1, "end_in_past"),
        ("suspend", None, "end_needed"),
        ("mute", None, "end_needed"),
        ("exile", 5, "bad_kind"),
    ],
)
def test_bad_sanctions_are_refused_and_nothing_is_stored(users, reasons, kind, ends, code):
    until = None if ends is None else clock.now() + dt.timedelta(days=ends)
    with pytest.raises(ActionRefused) as refused:
        actions.do_impose_sanction(
            users["reader"],
            kind=kind,
            reason=reasons["insult"],
            ends_at=until,
            acting_user=users["moderator"],
        )
    assert refused.value.code == code
    assert not Sanction.objects.exists()


def test_staff_accounts_are_not_sanctioned(users, reasons):
    with pytest.raises(ActionRefused) as refused:
        actions.do_impose_sanction(
            users["editor"], kind="ban", reason=reasons["insult"], acting_user=users["admin"]
        )
    assert refused.value.code == "not_a_reader"


def sanction(users, reasons, kind, days=3):
    return actions.do_impose_sanction(
        users["reader"],
        kind=kind,
        reason=reasons["insult"],
        ends_at=None if kind in ("ban", "warn") else clock.now() + dt.timedelta(days=days),
        note="Wiederholte Beleidigungen.",
        acting_user=users["moderator"],
    )


@pytest.mark.parametrize(
    ("kind", "code", "vote_allowed"),
    [("mute", "muted", True), ("suspend", "suspended", False), ("ban", "banned", False)],
)
def test_sanctions_hold_on_every_way_in(
    post, users, reasons, client_for, conversation, kind, code, vote_allowed
):
    mine = post("Vorher geschrieben")
    theirs = post("Ein anderer Beitrag", author="other_reader")
    sanction(users, reasons, kind)
    with pytest.raises(community.CommentRefused) as refused:
        post("Nachher")
    assert refused.value.code == code and "Beleidigung" in refused.value.message
    with pytest.raises(community.CommentRefused):
        community.do_edit_comment(mine, text_value="Geändert", acting_user=users["reader"])
    client = client_for("reader")
    api = client.post(
        "/api/community/comments",
        json.dumps({"article": conversation.article_id, "text": "Über die API"}),
        content_type="application/json",
    )
    assert api.status_code == 403 and api.json()["error"] == code
    page = client.post(
        f"/de/community/conversations/{conversation.pk}/comments/", {"text": "Auf der Seite"}
    )
    assert page.status_code == 403
    assert "Beleidigung" in page.content.decode()
    assert not Comment.objects.filter(text__in=["Über die API", "Auf der Seite"]).exists()
    if vote_allowed:
        community.do_vote(theirs, value=1, acting_user=users["reader"])
    else:
        with pytest.raises(community.CommentRefused):
            community.do_vote(theirs, value=1, acting_user=users["reader"])


def test_a_sanction_ends_by_itself_and_can_be_lifted(post, users, reasons):
    muted = sanction(users, reasons, "mute", days=1)
    with pytest.raises(community.CommentRefused):
        post("Jetzt nicht")
    with clock.frozen(clock.now() + dt.timedelta(days=2)):
        assert post("Zwei Tage später").is_visible
    actions.do_lift_sanction(muted, acting_user=users["moderator"])
    banned = sanction(users, reasons, "ban")
    with pytest.raises(community.CommentRefused):
        post("Gesperrt")
    actions.do_lift_sanction(banned, acting_user=users["moderator"])
    assert post("Wieder frei").is_visible
    with pytest.raises(ActionRefused) as refused:
        actions.do_lift_sanction(banned, acting_user=users["moderator"])
    assert refused.value.code == "already_lifted"
    kinds = list(trail_of(users["reader"]).order_by("id").values_list("event_type", flat=True))
    assert kinds == [
        EventType.SANCTION_IMPOSED,
        EventType.SANCTION_LIFTED,
        EventType.SANCTION_IMPOSED,
        EventType.SANCTION_LIFTED,
    ]


def test_a_warning_must_be_acknowledged_before_posting_again(post, users, reasons, mailoutbox):
    warning = sanction(users, reasons, "warn")
    assert tell_about_sanction.call(warning.pk) is True
    assert "Beleidigung" in mailoutbox[-1].body
    with pytest.raises(community.CommentRefused) as refused:
        post("Trotzdem")
    assert refused.value.code == "warning_unacknowledged"
    with pytest.raises(ActionRefused) as refused_ack:
        actions.do_acknowledge_warning(warning, acting_user=users["other_reader"])
    assert refused_ack.value.code == "not_yours"
    actions.do_acknowledge_warning(warning, acting_user=users["reader"])
    assert post("Verstanden").is_visible


def test_a_bad_word_list_is_refused_with_its_line_and_the_old_list_stays(users):
    actions.do_change_word_list("banned", source="idiot\n", acting_user=users["moderator"])
    with pytest.raises(ActionRefused) as refused:
        actions.do_change_word_list(
            "banned", source="trottel\nid*iot\n", acting_user=users["moderator"]
        )
    assert refused.value.code == "bad_word_list" and "Line 2" in refused.value.message
    assert WordList.objects.get(kind="banned").source == "idiot\n"
    event = AuditEvent.objects.get(event_type=EventType.WORD_LIST_CHANGED)
    assert event.new_value["entries"] == ["idiot"]
    with pytest.raises(ActionRefused) as refused:
        actions.do_change_word_list("allowed", source="x", acting_user=users["moderator"])
    assert refused.value.code == "bad_kind"


def test_an_empty_word_list_is_allowed_and_clears_the_list(users):
    actions.do_change_word_list("suspect", source="idiot\n", acting_user=users["moderator"])
    actions.do_change_word_list("suspect", source="", acting_user=users["moderator"])
    assert WordList.objects.get(kind="suspect").source == ""


def test_trust_is_recorded_once(users):
    assert actions.do_set_trusted(users["reader"], trusted=True, acting_user=users["moderator"])
    assert not actions.do_set_trusted(users["reader"], trusted=True, acting_user=users["moderator"])
    assert trail_of(users["reader"]).filter(event_type=EventType.TRUST_CHANGED).count() == 1


def test_moderation_audit_rows_cannot_be_changed(held, users):
    actions.do_approve_comment(held, acting_user=users["moderator"])
    event = trail_of(held).get(event_type=EventType.COMMENT_APPROVED)
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET actor_id = NULL WHERE id = %s", [event.pk])


def test_a_new_site_starts_with_reasons_in_its_language():
    from newsdesk.moderation.models import Reason

    codes = set(Reason.objects.values_list("code", flat=True))
    assert {"insult", "hate", "threat", "spam", "off_topic", "personal_data", "illegal"} <= codes
    assert Reason.objects.get(code="hate").label == "Hass und Hetze"  # LANGUAGE_CODE de


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_reasons_and_policies_change_through_the_actions(client_for, role):
    from newsdesk.moderation.models import Reason

    client = client_for(role)
    response = client.post(
        "/admin/moderation/reason/add/",
        {
            "code": "doxxing",
            "label": "Doxxing",
            "explanation": "Nein.",
            "position": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    reason = Reason.objects.get(code="doxxing")
    assert trail_of(reason).get(event_type=EventType.REASON_CHANGED).old_value is None
    response = client.post(
        "/admin/moderation/moderationpolicy/add/", {"mode": "pre_all", "approvals_needed": 3}
    )
    assert response.status_code == 302
    policy = ModerationPolicy.objects.get()
    assert trail_of(policy).filter(event_type=EventType.MODERATION_POLICY_CHANGED).exists()
    assert client.get(f"/admin/moderation/reason/{reason.pk}/delete/").status_code == 403


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_others_cannot_edit_reasons(client_for, role):
    response = client_for(role).get("/admin/moderation/reason/add/")
    assert response.status_code in (302, 403)


def test_a_second_site_policy_is_refused(users):
    ModerationPolicy.objects.create(mode="post")
    with pytest.raises(ActionRefused) as refused:
        actions.do_save_policy(ModerationPolicy(mode="pre_all"), acting_user=users["moderator"])
    assert refused.value.code == "bad_policy"


def test_the_workspace_and_the_refusals_speak_german_on_german_pages(client_for, users, reasons):
    from django.utils import translation

    page = client_for("moderator").get("/de/moderation/queues/pending/").content.decode()
    assert "Ausstehend" in page and "Automatisch zurückgehalten" in page
    with translation.override("de"), pytest.raises(ActionRefused) as refused:
        actions.do_impose_sanction(
            users["reader"], kind="mute", reason=reasons["insult"], acting_user=users["moderator"]
        )
    assert "Enddatum" in refused.value.message or "Ende" in refused.value.message


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("other_reader", 404),
        ("editor", 404),
        ("reader", 200),
        ("moderator", 200),
    ],
)
def test_held_text_is_not_leaked_through_the_translation_endpoint(
    held, client_for, settings, role, status
):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "t1"},
    }
    response = client_for(role).get(f"/en/editions/comments/{held.pk}/translation/")
    assert response.status_code == status
    if status == 404:
        assert "Prüfung" not in response.content.decode()


def test_the_workspace_offers_a_translation_of_comments_in_other_languages(held, post, client_for):
    english = post("A comment in English", language="en")
    page = client_for("moderator").get("/en/moderation/queues/pending/").content.decode()
    assert f'data-translation-url="/en/editions/comments/{english.pk}/translation/"' in page
    assert f'data-translation-url="/en/editions/comments/{held.pk}/translation/"' not in page


def test_a_warned_reader_reads_the_warning_in_their_settings_and_acknowledges_it(
    post, users, reasons, client_for
):
    warning = sanction(users, reasons, "warn")
    with pytest.raises(community.CommentRefused) as refused:
        post("Vorher")
    assert "/community/settings/" in refused.value.message
    client = client_for("reader")
    page = client.get("/de/community/settings/").content.decode()
    assert f'id="sanction-{warning.pk}"' in page and "Beleidigung" in page
    assert "Wiederholte Beleidigungen." in page
    # Another reader cannot acknowledge it, nor see it.
    other = client_for("other_reader")
    assert (
        f'id="sanction-{warning.pk}"' not in other.get("/de/community/settings/").content.decode()
    )
    assert other.post(f"/de/moderation/warnings/{warning.pk}/acknowledge/").status_code == 404
    assert (
        client_for("anonymous")
        .post(f"/de/moderation/warnings/{warning.pk}/acknowledge/")
        .status_code
        == 302
    )
    response = client.post(f"/de/moderation/warnings/{warning.pk}/acknowledge/")
    assert response.status_code == 302 and response["Location"].endswith("#sanctions")
    warning.refresh_from_db()
    assert warning.acknowledged_at is not None
    assert post("Verstanden, danke").is_visible
    page = client.get("/de/community/settings/").content.decode()
    assert "I have read the warning" not in page and "Warnung gelesen" not in page


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_every_reading_of_in_force_agrees_at_the_end(users, reasons, offset):
    from newsdesk.moderation import enforcement, screening

    now = clock.now()
    sanction = Sanction.objects.create(
        user=users["reader"],
        kind=Sanction.Kind.PREMODERATE,
        reason=reasons["insult"],
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(seconds=offset),
    )
    expected = offset > 0  # a sanction ending now has ended
    with clock.frozen(now):
        assert sanction.in_force(now) is expected
        assert screening.active_sanctions(users["reader"]).exists() is expected
        assert enforcement._any_in_force(users["reader"]) is expected
        assert screening.author_record(users["reader"]).forced_premoderation is expected
