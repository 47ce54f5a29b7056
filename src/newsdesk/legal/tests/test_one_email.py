"""No double e-mails: with the statements part on, a reader whose comment is removed or whose
account is restricted gets the statement of reasons only (moderation's own e-mail stays back,
``moderation.hooks``); with it off, moderation's e-mail as before. A warning restricts
nothing and has no statement: moderation's e-mail tells of it either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.legal.models import Statement
from newsdesk.legal.receivers import statement_tells_the_reader
from newsdesk.moderation import hooks
from newsdesk.moderation.actions import do_impose_sanction, do_reject_comment
from newsdesk.moderation.models import Case, Reason, Sanction

STATEMENT = "Begründung einer Moderationsentscheidung"  # in the reader's language
# Moderation's e-mails go out in the comment's or the site's language (German here).
REMOVED = "Ihr Kommentar bei newsdesk wurde entfernt"
MEASURE = "Eine Maßnahme zu Ihrem Konto bei newsdesk"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: Any) -> Iterator[None]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_NAME = "newsdesk"
    yield


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]


def test_legal_is_registered_with_moderation() -> None:
    assert statement_tells_the_reader in hooks._told_elsewhere


@pytest.mark.parametrize("off", [[], ["statements"]])
def test_a_removal_tells_the_author_once(
    comment: Comment,
    insult: Reason,
    users: dict[str, Any],
    settings: Any,
    off: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NEWSDESK_LEGAL_OFF = off
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    subjects = subjects_to(users["reader"].email)
    assert len(subjects) == 1
    if off:
        assert REMOVED in subjects[0]
        assert not Statement.objects.exists()
    else:
        assert STATEMENT in subjects[0]
        assert Statement.objects.get(comment=comment).sent_at is not None


@pytest.mark.parametrize("off", [[], ["statements"]])
def test_a_suspension_tells_the_reader_once(
    insult: Reason,
    users: dict[str, Any],
    settings: Any,
    off: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NEWSDESK_LEGAL_OFF = off
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_impose_sanction(
            users["reader"],
            kind=Sanction.Kind.SUSPEND,
            reason=insult,
            ends_at=clock.now() + dt.timedelta(days=7),
            acting_user=users["moderator"],
        )
    subjects = subjects_to(users["reader"].email)
    assert len(subjects) == 1
    assert (MEASURE if off else STATEMENT) in subjects[0]


@pytest.mark.parametrize("off", [[], ["statements"]])
def test_a_warning_is_told_by_moderation(
    insult: Reason,
    users: dict[str, Any],
    settings: Any,
    off: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NEWSDESK_LEGAL_OFF = off
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_impose_sanction(
            users["reader"], kind=Sanction.Kind.WARN, reason=insult, acting_user=users["moderator"]
        )
    assert [MEASURE in subject for subject in subjects_to(users["reader"].email)] == [True]


def test_the_check_follows_the_switch_at_sending_time(
    comment: Comment,
    insult: Reason,
    users: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    assert case.queue == Case.Queue.REJECTED
    assert hooks.told_elsewhere(case) is True
    settings.NEWSDESK_LEGAL_OFF = ["statements"]
    assert hooks.told_elsewhere(case) is False


def test_a_failing_statement_still_tells_the_author_and_spares_the_moderator(
    comment: Comment,
    insult: Reason,
    users: dict[str, Any],
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A receiver that fails after the commit is logged: the moderator's decision stands
    without a 500, and the reader gets moderation's own e-mail instead of none."""
    from newsdesk.legal import receivers

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the statement could not be built")

    monkeypatch.setattr(receivers, "do_issue_statement", broken)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert not Statement.objects.exists()
    subjects = subjects_to(users["reader"].email)
    assert len(subjects) == 1 and REMOVED in subjects[0]
