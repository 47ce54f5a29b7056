"""The parts of the legal channels working together, through their actions: a notice from
an anonymous reader holds the comment, the moderator's removal issues the statement and
decides the notice, the complaint window holds the records, an upheld complaint brings the
comment back; unfounded notices lead to a notifier's suspension."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import holds
from newsdesk.legal.actions.complaints import do_decide_complaint, do_file_complaint
from newsdesk.legal.actions.notices import do_decide_notice, do_submit_notice
from newsdesk.legal.models import Complaint, LegalHold, MisuseMeasure, Notice, Statement
from newsdesk.legal.tdb import Category, SourceType
from newsdesk.legal.tests.test_complaints_make import make_moderator
from newsdesk.moderation.actions import do_reject_comment
from newsdesk.moderation.models import Reason

EXPLANATION = "Der Kommentar beleidigt einen anderen Leser als Idioten (§ 115 StGB)."


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: Any) -> Iterator[None]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield


def report(comment: Comment, *, email: str = "anna@example.net", address: str = "192.0.2.7"):
    return do_submit_notice(
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        explanation=EXPLANATION,
        location=f"http://testserver/en/community/comments/{comment.pk}/",
        notifier_email=email,
        good_faith=True,
        language="en",
        address=address,
        acting_user=None,
    )


def in_force(comment: Comment) -> set[str]:
    return set(holds.holds_on(comment).values_list("kind", flat=True))


def test_the_whole_path(
    comment: Comment, insult: Reason, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notice = report(comment)
    assert in_force(comment) == {LegalHold.Kind.NOTICE}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DECIDED
    assert notice.outcome == Notice.Outcome.ACTIONED
    statement = Statement.objects.get(comment=comment)
    assert statement.source_type == SourceType.ARTICLE_16
    # The notice's hold ended; the complaint windows (notifier's and author's) hold instead,
    # until six months after they were told.
    assert in_force(comment) == {LegalHold.Kind.COMPLAINT}
    until = max(h.until for h in holds.holds_on(comment) if h.until)
    assert dt.timedelta(days=180) < until - clock.now() < dt.timedelta(days=186)
    told = {message.to[0] for message in mail.outbox}
    assert {"anna@example.net", users["reader"].email} <= told

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = do_file_complaint(
            statement, text="That was irony, not an insult.", acting_user=users["reader"]
        )
    # The moderator who removed it may not decide the complaint; another one may.
    with pytest.raises(ActionRefused) as refused:
        do_decide_complaint(complaint, upheld=True, answer="Irony.", acting_user=users["moderator"])
    assert refused.value.code == "same_moderator"
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_complaint(
            complaint,
            upheld=True,
            answer="Read in context, the comment is irony.",
            acting_user=make_moderator(),
        )
    comment.refresh_from_db()
    statement.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert statement.reversed_at is not None
    assert Complaint.objects.get().status == Complaint.Status.UPHELD
    told = {message.to[0] for message in mail.outbox}
    assert {"anna@example.net", users["reader"].email} <= told


def test_unfounded_notices_suspend_the_notifier(
    comment: Comment, users: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NEWSDESK_LEGAL_MISUSE_UNFOUNDED_NOTICES = 2
    settings.NEWSDESK_LEGAL_NOTICES_PER_EMAIL = 100
    settings.NEWSDESK_LEGAL_NOTICES_PER_ADDRESS = 100
    for round_ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            notice = report(comment, email="troll@example.net", address="198.51.100.9")
        with django_capture_on_commit_callbacks(execute=True):
            do_decide_notice(
                notice,
                outcome=Notice.Outcome.UNFOUNDED,
                explanation=f"Round {round_}: the comment is a fair opinion.",
                acting_user=users["moderator"],
            )
    steps = list(MisuseMeasure.objects.order_by("pk").values_list("step", flat=True))
    assert steps == [MisuseMeasure.Step.WARNING, MisuseMeasure.Step.SUSPENSION]
    with pytest.raises(ActionRefused) as refused:
        report(comment, email="TROLL@example.net", address="203.0.113.1")
    assert refused.value.code == "notices_suspended"
    assert refused.value.status == 403
    # Someone else still reports.
    assert report(comment, email="someone@example.net", address="203.0.113.2").pk
