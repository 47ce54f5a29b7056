"""moderation.hooks: a higher app that tells the reader itself keeps moderation's e-mail
about a removal or a sanction from going out (no double e-mails)."""

from __future__ import annotations

from typing import Any

from newsdesk.moderation import actions, hooks
from newsdesk.moderation.models import Case, Sanction
from newsdesk.moderation.tasks import tell_about_decision, tell_about_sanction


def test_a_registered_teller_keeps_moderations_mail_back(
    post, users, reasons, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    asked: list[Any] = []

    def tells_removals(subject: Any) -> bool:
        asked.append(subject)
        return isinstance(subject, Case)

    monkeypatch.setattr(hooks, "_told_elsewhere", [])
    assert hooks.tells_the_reader(tells_removals) is tells_removals
    hooks.tells_the_reader(tells_removals)  # twice: registered once
    assert hooks._told_elsewhere == [tells_removals]

    comment = post("Du bist so dumm")
    case = actions.do_reject_comment(
        comment, reason=reasons["insult"], acting_user=users["moderator"]
    )
    assert tell_about_decision.call(case.pk) is False
    sanction = actions.do_impose_sanction(
        users["reader"],
        kind=Sanction.Kind.WARN,
        reason=reasons["insult"],
        acting_user=users["moderator"],
    )
    assert tell_about_sanction.call(sanction.pk) is True  # this teller leaves sanctions alone
    assert len(mailoutbox) == 1
    assert [type(subject) for subject in asked] == [Case, Sanction]


def test_without_a_teller_moderation_sends_its_mail(post, users, reasons, mailoutbox, monkeypatch):
    monkeypatch.setattr(hooks, "_told_elsewhere", [])
    comment = post("Du bist so dumm")
    case = actions.do_reject_comment(
        comment, reason=reasons["insult"], acting_user=users["moderator"]
    )
    assert hooks.told_elsewhere(case) is False
    assert tell_about_decision.call(case.pk) is True
    assert len(mailoutbox) == 1
