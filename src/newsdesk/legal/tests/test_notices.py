"""Notice and action (DSA Art. 16, 22): notices with and without an account, trusted
flaggers first, pasted addresses, bad input, rate limits, honeypot, the moderators' queue, the
decisions that follow moderation, and the e-mails to the notifier."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from newsdesk.community import actions as community
from newsdesk.community.models import Comment, Conversation
from newsdesk.core.audit import trail_of
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType, RateCounter
from newsdesk.legal import notices as domain
from newsdesk.legal.actions import notices as actions
from newsdesk.legal.models import Notice, NoticeItem, TrustedFlagger
from newsdesk.legal.tdb import Category
from newsdesk.moderation import actions as moderation
from newsdesk.moderation import queries
from newsdesk.moderation.models import Case, Reason
from newsdesk.newsroom.testing import make_article

EXPLANATION = "Der Kommentar beleidigt einen anderen Leser als Idioten (§ 115 StGB)."
SPEECH = Category.ILLEGAL_OR_HARMFUL_SPEECH.value


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: Any) -> Iterator[None]:
    """E-mail tasks run as soon as they are enqueued (after the commit)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    def run() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return run


def address(comment: Comment, *, absolute: bool = True, lang: str = "de") -> str:
    path = f"/{lang}/community/comments/{comment.pk}/"
    return f"http://testserver{path}" if absolute else path


def submit(**fields: Any) -> Notice:
    values: dict[str, Any] = {
        "category": SPEECH,
        "explanation": EXPLANATION,
        "location": "",
        "notifier_name": "",
        "notifier_email": "",
        "good_faith": True,
        "language": "de",
        "address": "198.51.100.7",
        "acting_user": None,
    }
    values.update(fields)
    return actions.do_submit_notice(**values)


def post_comment(conversation: Conversation, user: Any, text: str) -> Comment:
    return community.do_post_comment(conversation, text_value=text, acting_user=user)


# --- the HTML form, without and with an account ------------------------------------------


def test_a_notice_without_an_account_through_the_form(
    comment: Comment, on_commit: Callable[[], Any]
) -> None:
    client = Client()
    page = client.get(f"/en/legal/report/?comment={comment.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert address(comment, lang="en") in html  # the location is filled in from ?comment=
    assert 'name="website"' in html  # the honeypot
    with on_commit():
        answer = client.post(
            "/en/legal/report/",
            {
                "category": SPEECH,
                "location": address(comment),
                "explanation": EXPLANATION,
                "name": "Erika Muster",
                "email": "erika@example.net",
                "good_faith": "on",
                "website": "",
            },
        )
    assert answer.status_code == 201
    notice = Notice.objects.get()
    assert notice.reference in answer.content.decode()
    assert notice.notifier is None and notice.trusted_flagger is None
    assert notice.priority == domain.PRIORITY_DEFAULT and notice.language == "en"
    assert notice.notifier_email == "erika@example.net" and notice.good_faith
    assert notice.address_hash and "198.51" not in notice.address_hash
    assert [item.comment for item in notice.items.all()] == [comment]
    assert len(notice.access_token) >= 40
    # The comment is in the moderators' reported queue and still visible.
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    case = Case.objects.get(comment=comment)
    assert case.queue == Case.Queue.REPORTED and case.priority == 10
    assert case.reports[0]["reference"] == notice.reference
    assert "beleidigt" in case.reports[0]["explanation"]
    assert list(queries.queue_comments(Case.Queue.REPORTED)) == [comment]
    assert queries.queue_counts()[Case.Queue.REPORTED] == 1
    # The audit row, and the confirmation in the page's language with reference and status link.
    event = trail_of(notice).get(event_type=EventType.NOTICE_RECEIVED)
    assert event.actor is None and event.new_value["items"] == [f"comment #{comment.pk}"]
    assert event.address_hash == notice.address_hash
    assert "erika" not in str(event.new_value)
    (message,) = mail.outbox
    assert message.to == ["erika@example.net"]
    assert notice.reference in message.subject and "received" in message.subject
    assert "What happens next" in message.body
    assert f"/en/legal/notices/{notice.reference}/?token={notice.access_token}" in message.body


def test_the_status_page_for_the_notifier_by_token(comment: Comment) -> None:
    notice = submit(location=address(comment))
    url = f"/en/legal/notices/{notice.reference}/"
    assert Client().get(url).status_code == 404
    assert Client().get(url + "?token=wrong").status_code == 404
    page = Client().get(url + f"?token={notice.access_token}")
    assert page.status_code == 200
    assert "reviewing it" in page.content.decode() and notice.reference in page.content.decode()


def test_a_notice_with_an_account_is_prefilled_and_linked(
    comment: Comment, users: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    client = client_for("other_reader")
    html = client.get(f"/en/legal/report/?comment={comment.pk}").content.decode()
    assert "other_reader@example.org" in html and address(comment, lang="en") in html
    answer = client.post(
        "/en/legal/report/",
        {
            "category": SPEECH,
            "location": address(comment),
            "explanation": EXPLANATION,
            "email": "other_reader@example.org",
            "good_faith": "on",
        },
    )
    assert answer.status_code == 201
    notice = Notice.objects.get()
    assert notice.notifier == users["other_reader"]
    # The notifier sees it with their account, without a token; another reader does not.
    assert client.get(f"/en/legal/notices/{notice.reference}/").status_code == 200
    assert client_for("reader").get(f"/en/legal/notices/{notice.reference}/").status_code == 404


def test_a_trusted_flagger_comes_first(
    comment: Comment, conversation: Conversation, users: dict[str, Any], client_for: Any
) -> None:
    older = post_comment(conversation, users["other_reader"], "Noch ein Kommentar, älter.")
    submit(location=address(older))  # an anonymous notice first
    flagger = TrustedFlagger.objects.create(
        name="Meldestelle Respekt", areas=[SPEECH], registered_at=comment.created_at
    )
    flagger.members.add(users["editor"])
    page = client_for("editor").get("/en/legal/report/").content.decode()
    assert "You are reporting as “Meldestelle Respekt”" in page
    notice = submit(location=address(comment), acting_user=users["editor"])
    assert notice.trusted_flagger == flagger and notice.priority == 0
    assert list(queries.queue_comments(Case.Queue.REPORTED)) == [comment, older]
    case = Case.objects.get(comment=comment)
    assert case.priority == 0 and "Meldestelle Respekt" in case.reports[0]["notifier"]
    # An inactive flagger's members report as anyone else.
    flagger.active = False
    flagger.save()
    third = post_comment(conversation, users["other_reader"], "Ein dritter Kommentar hier.")
    assert submit(location=address(third), acting_user=users["editor"]).priority == 10


def test_several_comments_at_once(
    comment: Comment, conversation: Conversation, users: dict[str, Any]
) -> None:
    second = post_comment(conversation, users["other_reader"], "Noch eine Beleidigung.")
    page = Client().get(f"/en/legal/report/?comment={comment.pk}&comment={second.pk}")
    html = page.content.decode()
    assert address(comment, lang="en") in html and address(second, lang="en") in html
    notice = submit(location=f"{address(comment)}\n\n{address(second)}\n{address(comment)}")
    assert sorted(notice.items.values_list("comment_id", flat=True)) == [comment.pk, second.pk]
    assert Case.objects.filter(queue=Case.Queue.REPORTED).count() == 2


# --- pasted addresses --------------------------------------------------------------------


def test_pasted_addresses_of_each_kind(
    comment: Comment, conversation: Conversation, users: dict[str, Any]
) -> None:
    article = conversation.article
    assert article is not None
    article_url = f"http://testserver/de{article.get_absolute_url()[3:]}"
    cases = {
        address(comment): comment,  # the comment's own page
        address(comment, absolute=False): comment,  # without the host
        f"{article_url}#c-{comment.pk}": comment,  # the article page with the fragment
        f"/en/community/conversations/{conversation.pk}/#c-{comment.pk}": comment,
        f"{address(comment)}?utm_source=x": comment,
    }
    for line, expected in cases.items():
        assert domain.resolve_address(line) == domain.Target(comment=expected), line
    assert domain.resolve_address(article_url) == domain.Target(article=article)
    notice = submit(location=article_url)
    item = NoticeItem.objects.get(notice=notice)
    assert item.article == article and item.comment is None
    # An article alone enters no moderation queue.
    assert not Case.objects.filter(queue=Case.Queue.REPORTED).exists()


@pytest.mark.parametrize(
    "line",
    [
        "https://example.com/de/community/comments/1/",  # another site
        "/de/community/comments/999999/",  # no such comment
        "/de/legal/report/",  # a page of this site that is no comment
        "javascript:alert(1)",
        "comment 5",
        "/de/community/conversations/{conversation}/",  # a whole discussion
        "/de/community/conversations/{conversation}/#c-999999",
        "/de/nosection/noarticle/",
    ],
)
def test_a_location_that_is_no_comment_of_this_site_is_refused(
    line: str, comment: Comment, conversation: Conversation
) -> None:
    with pytest.raises(ActionRefused) as refused:
        submit(location=line.format(conversation=conversation.pk))
    assert refused.value.code == "bad_location"
    assert Notice.objects.count() == 0


def test_a_fragment_of_another_discussion_is_refused(
    comment: Comment, users: dict[str, Any]
) -> None:
    other = community.conversation_for_article(make_article())
    with pytest.raises(ActionRefused) as refused:
        submit(location=f"/de/community/conversations/{other.pk}/#c-{comment.pk}")
    assert refused.value.code == "bad_location"


def test_deleted_and_removed_comments_cannot_be_reported(
    comment: Comment, conversation: Conversation, users: dict[str, Any], insult: Reason
) -> None:
    community.do_delete_comment(comment, acting_user=users["reader"])
    with pytest.raises(ActionRefused) as refused:
        submit(location=address(comment))
    assert refused.value.code == "deleted" and "deleted by its author" in refused.value.message
    other = post_comment(conversation, users["other_reader"], "Eine Beschimpfung, du Depp.")
    moderation.do_reject_comment(other, reason=insult, acting_user=users["moderator"])
    with pytest.raises(ActionRefused) as refused:
        submit(location=address(other))
    assert refused.value.code == "already_removed"
    assert Notice.objects.count() == 0


# --- bad input through the form: a clear message, nothing lost ---------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"explanation": ""}, "Explain why the content is illegal"),
        ({"explanation": "Ist doof."}, "at least 20 characters"),
        ({"good_faith": ""}, "believe in good faith"),
        ({"category": "STATEMENT_CATEGORY_NONSENSE"}, "list of categories"),
        ({"category": ""}, "list of categories"),
        ({"location": ""}, "Say where the content is"),
        ({"location": "https://example.com/x"}, "is not the address of a comment"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"website": "http://spam.example"}, "Leave this field empty"),
    ],
)
def test_bad_input_is_refused_and_the_form_keeps_what_was_typed(
    change: dict[str, str], message: str, comment: Comment
) -> None:
    data = {
        "category": SPEECH,
        "location": address(comment),
        "explanation": EXPLANATION,
        "name": "Erika Muster",
        "email": "erika@example.net",
        "good_faith": "on",
        "website": "",
        **change,
    }
    answer = Client().post("/en/legal/report/", data)
    html = answer.content.decode()
    assert answer.status_code == 400
    assert message in html
    assert "Erika Muster" in html  # nothing lost
    if data["explanation"]:
        assert data["explanation"] in html
    if data["location"]:
        assert data["location"] in html
    assert Notice.objects.count() == 0 and not Case.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.NOTICE_RECEIVED).exists()
    as_json = Client().post("/en/legal/report/", data, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 400 and message in as_json.json()["message"]


def test_json_answer_for_a_good_notice(comment: Comment) -> None:
    answer = Client().post(
        "/en/legal/report/",
        {
            "category": SPEECH,
            "location": address(comment),
            "explanation": EXPLANATION,
            "good_faith": "on",
        },
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 201
    assert answer.json()["reference"] == Notice.objects.get().reference


def test_a_notice_without_e_mail_shows_the_status_link(comment: Comment) -> None:
    answer = Client().post(
        "/en/legal/report/",
        {
            "category": Category.PROTECTION_OF_MINORS,
            "location": address(comment),
            "explanation": EXPLANATION,
            "good_faith": "on",
        },
    )
    notice = Notice.objects.get()
    assert f"?token={notice.access_token}" in answer.content.decode()
    assert notice.notifier_email == "" and notice.notifier_name == ""
    assert mail.outbox == []


# --- rate limits -------------------------------------------------------------------------


def test_rate_limit_per_address(comment: Comment, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_NOTICES_PER_ADDRESS = 2
    submit(location=address(comment))
    submit(location=address(comment))
    with pytest.raises(ActionRefused) as refused:
        submit(location=address(comment))
    assert refused.value.code == "too_many" and refused.value.status == 429
    assert refused.value.retry_after and 0 < refused.value.retry_after <= 3600
    # Another address is not affected; the counters keep no address in clear.
    submit(location=address(comment), address="203.0.113.9")
    assert not RateCounter.objects.filter(key__contains="198.51").exists()
    # Through the form: 429, a clear message, the text kept.
    answer = Client(REMOTE_ADDR="198.51.100.7").post(
        "/en/legal/report/",
        {
            "category": SPEECH,
            "location": address(comment),
            "explanation": EXPLANATION,
            "good_faith": "on",
        },
    )
    assert answer.status_code == 429
    assert "wait an hour" in answer.content.decode() and EXPLANATION in answer.content.decode()


def test_rate_limit_per_email(comment: Comment, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_NOTICES_PER_EMAIL = 1
    submit(location=address(comment), notifier_email="erika@example.net")
    with pytest.raises(ActionRefused) as refused:
        submit(location=address(comment), notifier_email="Erika@Example.net", address="203.0.113.1")
    assert refused.value.code == "too_many"
    assert Notice.objects.count() == 1


def test_trusted_flaggers_are_not_rate_limited(
    comment: Comment, users: dict[str, Any], settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_NOTICES_PER_ADDRESS = 1
    flagger = TrustedFlagger.objects.create(name="Org", registered_at=comment.created_at)
    flagger.members.add(users["other_reader"])
    for _i in range(3):
        submit(location=address(comment), acting_user=users["other_reader"])
    assert Notice.objects.count() == 3


# --- decisions follow moderation; e-mails to the notifier ---------------------------------


def test_rejecting_the_comment_decides_the_notice_and_tells_the_notifier(
    comment: Comment, users: dict[str, Any], insult: Reason, on_commit: Callable[[], Any]
) -> None:
    with on_commit():
        notice = submit(location=address(comment), notifier_email="erika@example.net")
    mail.outbox.clear()
    with on_commit():
        moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DECIDED and notice.outcome == Notice.Outcome.ACTIONED
    assert notice.decided_by == users["moderator"] and notice.decided_at is not None
    assert notice.automated is False and notice.notifier_told_at is not None
    assert insult.label in notice.decision_explanation
    event = trail_of(notice).get(event_type=EventType.NOTICE_DECIDED)
    assert event.new_value == {"status": "decided", "outcome": "actioned", "automated": False}
    (message,) = [m for m in mail.outbox if m.to == ["erika@example.net"]]
    body = message.body
    assert notice.reference in message.subject
    # (in the notice's language, German here)
    assert "Inhalt entfernt oder eingeschränkt" in body
    assert "Es wurden keine automatisierten Mittel eingesetzt" in body
    assert f"/de/legal/notices/{notice.reference}/complaint/?token={notice.access_token}" in body
    assert "außergerichtlichen Streitbeilegung" in body and "Gerichte" in body
    # The status page shows the decision and the redress options too.
    page = Client().get(f"/de/legal/notices/{notice.reference}/?token={notice.access_token}")
    html = page.content.decode()
    assert (
        page.status_code == 200 and "Wenn Sie mit der Entscheidung nicht einverstanden sind" in html
    )
    assert f"/de/legal/notices/{notice.reference}/complaint/?token=" in html


def test_approving_the_comment_means_no_action_and_screening_counts_as_automated(
    comment: Comment, users: dict[str, Any], on_commit: Callable[[], Any], settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_DISPUTE_SETTLEMENT = "User Rights GmbH, https://example.org/odr"
    Case.objects.create(
        comment=comment,
        queue=Case.Queue.SYSTEM,
        holds=[{"code": "classifier", "note": "", "evidence": {"score": 0.9}}],
        score=0.9,
        created_at=comment.created_at,
    )
    with on_commit():
        notice = submit(
            location=address(comment), notifier_email="erika@example.net", language="en"
        )
    with on_commit():
        moderation.do_approve_comment(comment, acting_user=users["moderator"])
    notice.refresh_from_db()
    assert notice.outcome == Notice.Outcome.NO_ACTION and notice.automated is True
    body = mail.outbox[-1].body
    assert "no action: the content stays" in body
    assert "Automated means were used" in body
    assert "User Rights GmbH" in body
    assert "/en/legal/notices/" in body


def test_a_notice_of_two_comments_waits_for_both(
    comment: Comment,
    conversation: Conversation,
    users: dict[str, Any],
    insult: Reason,
    on_commit: Callable[[], Any],
) -> None:
    second = post_comment(conversation, users["other_reader"], "Zweiter gemeldeter Kommentar.")
    notice = submit(location=f"{address(comment)}\n{address(second)}")
    with on_commit():
        moderation.do_approve_comment(second, acting_user=users["moderator"])
    notice.refresh_from_db()
    assert notice.status == Notice.Status.OPEN
    with on_commit():
        moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    notice.refresh_from_db()
    assert notice.outcome == Notice.Outcome.ACTIONED


def test_the_part_switched_off_receives_nothing(comment: Comment, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["notices"]
    with pytest.raises(ActionRefused) as refused:
        submit(location=address(comment))
    assert refused.value.status == 404
    assert domain.report_page_address("de") is None


def test_report_page_address() -> None:
    assert domain.report_page_address("de") == "/de/legal/report/"
    assert domain.report_page_address("en") == "/en/legal/report/"


def test_the_operator_can_hold_reported_comments(
    comment: Comment, settings: Any, users: dict[str, Any]
) -> None:
    settings.NEWSDESK_LEGAL_HOLD_REPORTED = True
    notice = submit(location=address(comment))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert list(queries.queue_comments(Case.Queue.REPORTED)) == [comment]
    assert list(queries.queue_comments(Case.Queue.SYSTEM)) == []
    moderation.do_approve_comment(comment, acting_user=users["moderator"])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert trail_of(notice).get().new_value["held"] == [comment.pk]


# --- moderators decide notices on the legal pages -----------------------------------------


def test_a_moderator_decides_an_article_notice(
    conversation: Conversation, users: dict[str, Any], on_commit: Callable[[], Any]
) -> None:
    article = conversation.article
    assert article is not None
    with on_commit():
        notice = submit(location=article.get_absolute_url(), notifier_email="a@example.net")
    with pytest.raises(ActionRefused) as refused:
        actions.do_decide_notice(
            notice, outcome="actioned", explanation="", acting_user=users["moderator"]
        )
    assert refused.value.code == "explanation_needed"
    with pytest.raises(ActionRefused) as refused:
        actions.do_decide_notice(
            notice, outcome="actioned", explanation="x", acting_user=users["editor"]
        )
    assert refused.value.code == "forbidden"
    with on_commit():
        actions.do_decide_notice(
            notice,
            outcome="actioned",
            explanation="The editors corrected the article.",
            acting_user=users["moderator"],
        )
    notice.refresh_from_db()
    assert notice.outcome == "actioned" and notice.decided_by == users["moderator"]
    assert "The editors corrected the article." in mail.outbox[-1].body
    with pytest.raises(ActionRefused) as refused:
        actions.do_decide_notice(
            notice, outcome="no_action", explanation="again", acting_user=users["moderator"]
        )
    assert refused.value.code == "already_decided" and refused.value.status == 409


def test_manifestly_unfounded_keeps_the_comment_and_clears_the_queue(
    comment: Comment, users: dict[str, Any], on_commit: Callable[[], Any]
) -> None:
    notice = submit(location=address(comment))
    with pytest.raises(ActionRefused) as refused:
        actions.do_decide_notice(
            notice, outcome="actioned", explanation="weg", acting_user=users["moderator"]
        )
    assert refused.value.code == "decide_in_workspace"
    with on_commit():
        actions.do_decide_notice(
            notice,
            outcome="unfounded",
            explanation="Criticism of a politician is not an insult.",
            acting_user=users["moderator"],
        )
    notice.refresh_from_db()
    assert notice.outcome == "unfounded"
    assert notice.decision_explanation == "Criticism of a politician is not an insult."
    assert Case.objects.get(comment=comment).queue == Case.Queue.APPROVED
    assert list(queries.queue_comments(Case.Queue.REPORTED)) == []
    assert trail_of(notice).filter(event_type=EventType.NOTICE_DECIDED).count() == 1


def test_the_moderators_list_orders_by_priority_then_age(
    comment: Comment,
    conversation: Conversation,
    users: dict[str, Any],
    client_for: Callable[[str], Client],
) -> None:
    first = submit(location=address(comment))
    flagger = TrustedFlagger.objects.create(name="Org", registered_at=comment.created_at)
    flagger.members.add(users["other_reader"])
    trusted = submit(
        location=address(comment),
        acting_user=users["other_reader"],
        category=Category.VIOLENCE,
    )
    html = client_for("moderator").get("/en/legal/team/notices/").content.decode()
    assert html.index(trusted.reference) < html.index(first.reference)
    only = client_for("moderator").get("/en/legal/team/notices/?trusted=on").content.decode()
    assert trusted.reference in only and first.reference not in only
    by_category = client_for("moderator").get(
        f"/en/legal/team/notices/?category={Category.VIOLENCE.value}"
    )
    assert first.reference not in by_category.content.decode()
