"""Filing and deciding internal complaints (DSA Art. 20); the rules are in
``newsdesk.legal.complaints``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.actors import Actor, AnyUser, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import complaints as rules
from newsdesk.legal import parts
from newsdesk.legal.models import Complaint, Notice, Statement
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Reason


def _require_part() -> None:
    if not parts.enabled("complaints"):
        raise ActionRefused(
            "switched_off", _("Complaints are not handled on this site."), status=404
        )


def do_file_complaint(
    subject: Statement | Notice,
    *,
    text: str,
    acting_user: Actor,
    token: str = "",
    address: str | None = None,
) -> Complaint:
    """File a complaint against ``subject``: a statement of reasons (by its reader, signed
    in) or the decision on a notice (by its notifier: their account or the notice's
    ``token``). Free; confirmed by e-mail after the commit. ``address``: the requester's IP
    address (kept only as a hash in the audit row).

    Refusals: ``switched_off`` (404), ``login_required`` (401), ``not_yours`` (403),
    ``not_decided`` (409), ``window_closed`` (403), ``reversed`` (409: the measure was
    reversed already), ``complained_already`` (409), ``text_needed``, ``too_long``."""
    _require_part()
    user: AnyUser = acting_user if acting_user is not None else _anonymous()
    rules.check_complainant(subject, user, token)
    text = text.strip()
    if not text:
        raise ActionRefused("text_needed", _("Please say why you think the decision is wrong."))
    if len(text) > rules.TEXT_MAX_LENGTH:
        raise ActionRefused(
            "too_long",
            _("Please keep your complaint under %(count)d characters.")
            % {"count": rules.TEXT_MAX_LENGTH},
        )
    now = clock.now()
    with transaction.atomic():
        if isinstance(subject, Statement):
            subject = Statement.objects.select_for_update().get(pk=subject.pk)
            if subject.reversed_at is not None:
                raise ActionRefused(
                    "reversed", _("This decision has been reversed already."), status=409
                )
        else:
            subject = Notice.objects.select_for_update().get(pk=subject.pk)
        rules.check_window(subject, now)
        if rules.existing_complaint(subject) is not None:
            raise ActionRefused(
                "complained_already",
                _("You have complained about this decision already; see its status below."),
                status=409,
            )
        account = person(acting_user)
        if isinstance(subject, Statement):
            complainant = subject.user
            email = complainant.email if complainant is not None else ""
        else:
            complainant = subject.notifier
            email = subject.notifier_email or (complainant.email if complainant else "")
            if account is not None and account.pk == subject.notifier_id:
                email = email or account.email
        complaint = Complaint.objects.create(
            statement=subject if isinstance(subject, Statement) else None,
            notice=subject if isinstance(subject, Notice) else None,
            side=rules.side_of(subject),
            complainant=complainant,
            complainant_email=email,
            text=text,
            filed_at=now,
        )
        record_event(
            EventType.COMPLAINT_FILED,
            actor=account,
            target=complaint,
            new={
                "side": complaint.side,
                "statement": complaint.statement_id,
                "notice": subject.reference if isinstance(subject, Notice) else None,
                "told_at": rules.told_at(subject),
            },
            address=address,
        )
        transaction.on_commit(lambda: rules.confirm_complaint.enqueue(complaint.pk))
    return complaint


def _anonymous() -> AnyUser:
    return AnonymousUser()


def do_decide_complaint(
    complaint: Complaint,
    *,
    upheld: bool,
    answer: str,
    acting_user: Actor,
    reason: Reason | None = None,
) -> Complaint:
    """Decide a complaint with a reasoned ``answer``; a person with the moderator role who did
    not take the decision complained about decides (``complaints.original_deciders``).

    Upheld, the affected reader's complaint reverses the measure: the comment is published
    again (``moderation.actions.do_approve_comment``), the sanction lifted
    (``do_lift_sanction``), ``Statement.reversed_at`` set. Upheld, a notifier's complaint
    removes the reported comments that are still visible for ``reason`` (required;
    ``do_reject_comment``; the statements part then tells their authors) and the notice's
    outcome becomes "actioned"; a notice that reported no comment (an article) is re-opened
    for the notices queue instead. Rejected, nothing changes. Both sides are told by e-mail
    after the commit (``complaints.send_complaint_answers``).

    Refusals: ``switched_off`` (404), ``human_needed`` (403: the system cannot decide),
    ``forbidden`` (403), ``same_moderator`` (403), ``answer_needed``, ``reason_needed``,
    ``unknown_reason``, ``already_decided`` (409)."""
    _require_part()
    if person(acting_user) is None:
        raise ActionRefused(
            "human_needed", _("A moderator, not the system, decides complaints."), status=403
        )
    moderator = moderation.require_moderator(acting_user)
    answer = answer.strip()
    if not answer:
        raise ActionRefused(
            "answer_needed", _("Give the complainant your reasons (the answer is e-mailed).")
        )
    side = complaint.side
    if upheld and side == Complaint.Side.NOTIFIER:
        if reason is None:
            raise ActionRefused(
                "reason_needed", _("Choose the reason the reported comments are removed for.")
            )
        if not reason.active:
            raise ActionRefused("unknown_reason", _("Choose one of the team's active reasons."))
    now = clock.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Complaint.Status.OPEN:
            raise ActionRefused(
                "already_decided", _("This complaint has been decided already."), status=409
            )
        if moderator.pk in rules.original_deciders(locked):
            raise ActionRefused(
                "same_moderator",
                _(
                    "You took the decision this complaint is about (or filed it): another "
                    "moderator must decide it."
                ),
                status=403,
            )
        effects: dict[str, object] = {}
        if upheld and side == Complaint.Side.AFFECTED:
            effects = _reverse_statement(locked, moderator=moderator, now=now)
        elif upheld:
            assert reason is not None  # noqa: S101 (checked above)
            effects = _act_on_notice(locked, reason=reason, moderator=moderator)
        locked.status = Complaint.Status.UPHELD if upheld else Complaint.Status.REJECTED
        locked.decided_at = now
        locked.decided_by = moderator
        locked.answer = answer
        locked.removal_reason = reason if upheld and side == Complaint.Side.NOTIFIER else None
        locked.save(
            update_fields=["status", "decided_at", "decided_by", "answer", "removal_reason"]
        )
        record_event(
            EventType.COMPLAINT_DECIDED,
            actor=moderator,
            target=locked,
            old={"status": Complaint.Status.OPEN},
            new={"status": locked.status, "answer": answer, **effects},
        )
        transaction.on_commit(lambda: rules.send_complaint_answers.enqueue(locked.pk))
    complaint.refresh_from_db()
    return complaint


def _reverse_statement(
    complaint: Complaint, *, moderator: User, now: dt.datetime
) -> dict[str, object]:
    """The affected reader was right: comment back, sanction lifted, statement reversed."""
    assert complaint.statement_id is not None  # noqa: S101 (an affected reader's complaint)
    statement = Statement.objects.select_for_update().get(pk=complaint.statement_id)
    effects: dict[str, object] = {"statement": statement.pk}
    comment = statement.comment
    if comment is not None and not comment.is_deleted and comment.status != Comment.Status.VISIBLE:
        moderation.do_approve_comment(
            comment,
            acting_user=moderator,
            note=_("Complaint #%(id)s upheld.") % {"id": complaint.pk},
        )
        effects["comment_restored"] = comment.pk
    sanction = statement.sanction
    if sanction is not None and sanction.lifted_at is None:
        moderation.do_lift_sanction(sanction, acting_user=moderator)
        effects["sanction_lifted"] = sanction.pk
    statement.reversed_at = now
    statement.save(update_fields=["reversed_at"])
    return effects


def _act_on_notice(complaint: Complaint, *, reason: Reason, moderator: User) -> dict[str, object]:
    """The notifier was right: the reported comments still shown are removed; a notice about
    no comment goes back to the notices queue."""
    assert complaint.notice_id is not None  # noqa: S101 (a notifier's complaint)
    notice = Notice.objects.select_for_update().get(pk=complaint.notice_id)
    comments = [
        item.comment
        for item in notice.items.select_related("comment").order_by("pk")
        if item.comment is not None
    ]
    old_outcome = notice.outcome
    removed: list[int] = []
    for comment in comments:
        if comment.is_visible:
            moderation.do_reject_comment(comment, reason=reason, acting_user=moderator)
            removed.append(comment.pk)
    if comments:
        notice.outcome = Notice.Outcome.ACTIONED
        notice.save(update_fields=["outcome"])
    else:
        notice.status = Notice.Status.OPEN
        notice.outcome = ""
        notice.save(update_fields=["status", "outcome"])
    return {
        "notice": notice.reference,
        "old_outcome": old_outcome,
        "outcome": notice.outcome,
        "reopened": not comments,
        "comments_removed": removed,
        "reason": reason.code,
    }
