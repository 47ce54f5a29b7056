"""Every moderation decision goes through these actions: approve or reject a comment, impose
or lift a sanction, trust a reader, change a word list.

Each ``do_<verb>_<noun>(obj, *, ..., acting_user)`` checks that ``acting_user`` may moderate,
locks what it changes, writes one audit event (``newsdesk.core.audit``) in the same
transaction, and tells the reader after the commit (``signals.decision_made`` /
``signals.sanction_imposed`` are where the statement of reasons of the legal channels will
hook in). Refusals are ``ActionRefused`` with the codes each docstring lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from newsdesk.community.actions import apply_comment_status, can_moderate
from newsdesk.community.models import Comment
from newsdesk.core import clock, prepared
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.moderation import signals
from newsdesk.moderation.models import (
    Case,
    ModerationPolicy,
    Reason,
    Sanction,
    TrustedReader,
    WordList,
)
from newsdesk.moderation.tasks import tell_about_decision, tell_about_sanction
from newsdesk.moderation.terms import TermListError, parse_term_list


def require_moderator(acting_user: Actor) -> User:
    """The moderator behind ``acting_user``; refuses ``forbidden`` (403) for anyone else."""
    moderator = person(acting_user)
    if moderator is None or not can_moderate(moderator):
        raise ActionRefused("forbidden", _("Only moderators can do this."), status=403)
    return moderator


def _unknown_reason(code: str) -> ActionRefused:
    return ActionRefused(
        "unknown_reason",
        _("“%(code)s” is not one of the team's reasons; choose one from the list.")
        % {"code": code},
    )


def reason_by_code(code: str) -> Reason:
    """The active reason with this code; refuses ``unknown_reason``."""
    reason = Reason.objects.filter(code=code, active=True).first()
    if reason is None:
        raise _unknown_reason(code)
    return reason


def _case_for(comment: Comment) -> Case:
    case = Case.objects.select_for_update().filter(comment=comment).first()
    if case is None:
        case = Case(comment=comment, queue=Case.Queue.SYSTEM, created_at=clock.now())
    return case


def _already_decided(case: Case) -> ActionRefused:
    who = case.decided_by.get_username() if case.decided_by else _("the system")
    when = (
        date_format(timezone.localtime(case.decided_at), "SHORT_DATETIME_FORMAT")
        if case.decided_at
        else ""
    )
    return ActionRefused(
        "already_decided",
        _("%(who)s already decided on this comment (%(queue)s, %(when)s).")
        % {"who": who, "queue": case.get_queue_display(), "when": when},
        status=409,
    )


def _decide(
    comment: Comment,
    *,
    queue: str,
    status: str,
    note_to_author: str,
    reason: Reason | None,
    note: str,
    expected: str | None,
    acting_user: Actor,
) -> Case:
    moderator = require_moderator(acting_user)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_deleted:
            raise ActionRefused("deleted", _("The author deleted this comment."), status=409)
        case = _case_for(locked)
        if expected is not None:
            seen_status, _sep, seen_digest = expected.partition(":")
            if locked.status != seen_status:
                raise _already_decided(case)
            if seen_digest and locked.text_digest != seen_digest:
                raise ActionRefused(
                    "changed",
                    _("The author changed this comment after you saw it; look at it again."),
                    status=409,
                )
        if case.queue == queue and locked.status == status:
            raise _already_decided(case)
        old = {"status": locked.status, "queue": case.queue if case.pk else None}
        apply_comment_status(locked, status=status, note=note_to_author)
        case.queue = queue
        case.decided_by = moderator
        case.decided_at = clock.now()
        case.reason = reason
        case.note = note
        case.save()
        record_event(
            EventType.COMMENT_APPROVED
            if queue == Case.Queue.APPROVED
            else EventType.COMMENT_REJECTED,
            actor=moderator,
            target=locked,
            old=old,
            new={
                "status": status,
                # Which text was judged (the training data uses only texts that still match).
                "text_digest": locked.text_digest,
                "reason": reason.code if reason else None,
                "note": note,
                "holds": case.holds,
                "score": case.score,
                "model": case.model_name,
                "model_version": case.model_version,
            },
        )
        comment.status, comment.status_note = locked.status, locked.status_note
        transaction.on_commit(
            lambda: signals.decision_made.send(
                sender=Case, case=case, comment=locked, acting_user=moderator
            ),
            robust=True,
        )
        if queue == Case.Queue.REJECTED:
            transaction.on_commit(lambda: tell_about_decision.enqueue(case.pk))
    return case


def do_approve_comment(
    comment: Comment, *, acting_user: Actor, expected: str | None = None, note: str = ""
) -> Case:
    """Publish a held comment (or confirm a visible one). ``expected``: what the moderator
    saw, ``"<status>"`` or ``"<status>:<text digest>"``; when the status has changed since,
    or the text (an edit by its author), the decision is refused.

    Refusals: ``forbidden`` (403), ``deleted`` (409), ``already_decided`` (409, naming who),
    ``changed`` (409)."""
    return _decide(
        comment,
        queue=Case.Queue.APPROVED,
        status=Comment.Status.VISIBLE,
        note_to_author="",
        reason=None,
        note=note,
        expected=expected,
        acting_user=acting_user,
    )


def do_reject_comment(
    comment: Comment,
    *,
    reason: Reason,
    acting_user: Actor,
    expected: str | None = None,
    note: str = "",
) -> Case:
    """Remove a comment for ``reason``: readers see a placeholder, its author the reason
    (on the comment and by e-mail).

    Refusals: ``forbidden`` (403), ``unknown_reason`` (an inactive reason), ``deleted``,
    ``already_decided``, ``changed`` (409; ``expected`` as for do_approve_comment)."""
    if not reason.active:
        raise _unknown_reason(reason.code)
    explanation = reason.explanation + (f"\n\n{note}" if note.strip() else "")
    return _decide(
        comment,
        queue=Case.Queue.REJECTED,
        status=Comment.Status.REJECTED,
        note_to_author=explanation,
        reason=reason,
        note=note,
        expected=expected,
        acting_user=acting_user,
    )


def do_impose_sanction(
    user: User,
    *,
    kind: str,
    reason: Reason,
    acting_user: Actor,
    ends_at: dt.datetime | None = None,
    note: str = "",
) -> Sanction:
    """Impose a measure on a reader's account until ``ends_at`` (None: until lifted; a ban
    or a warning). The reader is told by e-mail and on their next attempt to post.

    Refusals: ``forbidden`` (403), ``bad_kind``, ``end_in_past``, ``end_needed`` (mute and
    suspension need an end), ``not_a_reader`` (staff accounts), ``unknown_reason``."""
    moderator = require_moderator(acting_user)
    if kind not in Sanction.Kind.values:
        raise ActionRefused("bad_kind", _("Unknown measure %(kind)s.") % {"kind": kind})
    if not reason.active:
        raise _unknown_reason(reason.code)
    now = clock.now()
    if ends_at is not None and timezone.is_naive(ends_at):
        raise ActionRefused("naive_time", _("The end needs a time zone."))
    if ends_at is not None and ends_at <= now:
        raise ActionRefused("end_in_past", _("The end of a sanction must be in the future."))
    if ends_at is None and kind in (Sanction.Kind.MUTE, Sanction.Kind.SUSPEND):
        raise ActionRefused("end_needed", _("Muting and suspending need an end date."))
    if user.is_staff or user.is_superuser:
        raise ActionRefused("not_a_reader", _("Sanctions are for readers, not staff accounts."))
    with transaction.atomic():
        sanction = Sanction.objects.create(
            user=user,
            kind=kind,
            reason=reason,
            note=note,
            starts_at=now,
            ends_at=ends_at,
            created_by=moderator,
        )
        record_event(
            EventType.SANCTION_IMPOSED,
            actor=moderator,
            target=user,
            new={"sanction": sanction.pk, "kind": kind, "reason": reason.code, "until": ends_at},
        )
        transaction.on_commit(
            lambda: signals.sanction_imposed.send(
                sender=Sanction, sanction=sanction, acting_user=moderator
            ),
            robust=True,
        )
        transaction.on_commit(lambda: tell_about_sanction.enqueue(sanction.pk))
    return sanction


def do_lift_sanction(sanction: Sanction, *, acting_user: Actor) -> Sanction:
    """End a sanction now. Refusals: ``forbidden`` (403), ``already_lifted`` (409)."""
    moderator = require_moderator(acting_user)
    with transaction.atomic():
        locked = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if locked.lifted_at is not None:
            raise ActionRefused(
                "already_lifted", _("This sanction was lifted already."), status=409
            )
        locked.lifted_at = clock.now()
        locked.lifted_by = moderator
        locked.save(update_fields=["lifted_at", "lifted_by"])
        record_event(
            EventType.SANCTION_LIFTED,
            actor=moderator,
            target=locked.user,
            old={"sanction": locked.pk, "kind": locked.kind},
            new={"lifted_at": locked.lifted_at},
        )
    return locked


def do_acknowledge_warning(sanction: Sanction, *, acting_user: Actor) -> Sanction:
    """The warned reader confirms they read the warning; they may post again.

    Refusals: ``login_required`` (401), ``not_yours`` (403), ``not_a_warning``."""
    reader = person(acting_user)
    if reader is None:
        raise ActionRefused("login_required", _("Please log in to take part."), status=401)
    if sanction.user_id != reader.pk:
        raise ActionRefused("not_yours", _("This warning is for another reader."), status=403)
    if sanction.kind != Sanction.Kind.WARN:
        raise ActionRefused("not_a_warning", _("Only warnings are acknowledged."))
    if sanction.acknowledged_at is not None:
        return sanction
    with transaction.atomic():
        sanction.acknowledged_at = clock.now()
        sanction.save(update_fields=["acknowledged_at"])
        record_event(
            EventType.SANCTION_ACKNOWLEDGED,
            actor=reader,
            target=reader,
            new={"sanction": sanction.pk},
        )
    return sanction


def do_set_trusted(user: User, *, trusted: bool, acting_user: Actor) -> bool:
    """Let a reader's comments skip pre-moderation, or not; returns whether anything changed.
    Refusals: ``forbidden`` (403)."""
    moderator = require_moderator(acting_user)
    with transaction.atomic():
        exists = TrustedReader.objects.filter(user=user).exists()
        if exists == trusted:
            return False
        if trusted:
            TrustedReader.objects.create(user=user, added_at=clock.now(), added_by=moderator)
        else:
            TrustedReader.objects.filter(user=user).delete()
        record_event(
            EventType.TRUST_CHANGED,
            actor=moderator,
            target=user,
            old={"trusted": exists},
            new={"trusted": trusted},
        )
    return True


def do_change_word_list(kind: str, *, source: str, acting_user: Actor) -> WordList:
    """Replace a word list's entries. The text is parsed first: an error (with its line) is
    refused and the old list stays in force.

    Refusals: ``forbidden`` (403), ``bad_kind``, ``bad_word_list`` (names the line)."""
    moderator = require_moderator(acting_user)
    if kind not in WordList.Kind.values:
        raise ActionRefused("bad_kind", _("Unknown word list %(kind)s.") % {"kind": kind})
    try:
        parsed = parse_term_list(source, require_entries=False)
    except TermListError as exc:
        raise ActionRefused(
            "bad_word_list",
            _("Line %(line)d: %(message)s Nothing was changed.")
            % {"line": exc.line, "message": exc.message},
        ) from None
    with transaction.atomic():
        word_list, _created = WordList.objects.select_for_update().get_or_create(kind=kind)
        old = word_list.source
        if old == source:
            return word_list
        word_list.source = source
        word_list.save(update_fields=["source", "updated_at"])
        record_event(
            EventType.WORD_LIST_CHANGED,
            actor=moderator,
            target=word_list,
            old={"entries": old.splitlines()},
            new={"entries": source.splitlines(), "count": len(parsed)},
        )
    return word_list


def record_hold(
    comment: Comment, *, draft_holds: list[Any], screening: dict[str, Any], new: bool = False
) -> Case:
    """Screening held ``comment``: open its case (queue "pending" for pre-moderation, else
    "system") with the evidence, and record the hold by the system in the audit trail.
    Runs inside the transaction that stores the comment (``community.on_comment_stored``)."""
    holds = [{"code": h.code, "note": h.note, "evidence": h.evidence} for h in draft_holds]
    queue = (
        Case.Queue.PENDING
        if all(hold["code"] == "premoderation" for hold in holds)
        else Case.Queue.SYSTEM
    )
    values = {
        "queue": queue,
        "holds": holds,
        "score": screening.get("score"),
        "model_name": screening.get("model_name") or "",
        "model_version": screening.get("model_version") or "",
        "created_at": clock.now(),
        "decided_by": None,
        "decided_at": None,
        "reason": None,
        "note": "",
    }
    with transaction.atomic(savepoint=not new):
        if new:  # a comment stored in this transaction has no case yet
            case = Case(comment=comment, **values)
            prepared.insert(case)
        else:
            case, _created = Case.objects.update_or_create(comment_id=comment.pk, defaults=values)
        record_event(
            EventType.COMMENT_HELD,
            actor=None,
            target=comment,
            new={
                "queue": queue,
                "holds": holds,
                "score": case.score,
                "model": case.model_name,
                "model_version": case.model_version,
            },
        )
    return case


def record_report(
    comment: Comment, *, priority: int, report: dict[str, Any], hold: bool = False
) -> Case:
    """A notice reported ``comment`` (the legal channels' notice and action): put its case in
    the reported queue with ``priority`` (lower first; a case already there keeps the lower of
    the two) and add ``report`` ({"reference", "category", "explanation", "notifier"}) to what
    the moderator sees. A decided case is opened again; a held one keeps its evidence and its
    age. The comment stays as it is (visible or held) until a moderator decides, unless
    ``hold`` (the operator's choice): then a visible comment is held until decided.

    Runs inside the caller's transaction, which writes the audit row (the notice received);
    returns the case. Refuses nothing: the caller checks that the comment can be reported."""
    with transaction.atomic():
        case = _case_for(comment)
        fresh = case.pk is None or case.queue in (Case.Queue.APPROVED, Case.Queue.REJECTED)
        if fresh:
            case.created_at = clock.now()
            case.decided_by = None
            case.decided_at = None
            case.reason = None
            case.note = ""
            case.reports = []
        if case.queue != Case.Queue.REPORTED:
            case.priority = priority
        else:
            case.priority = min(case.priority, priority)
        case.queue = Case.Queue.REPORTED
        case.reports = [*case.reports, report]
        case.save()
        if hold and comment.status == Comment.Status.VISIBLE and comment.deleted_at is None:
            apply_comment_status(
                comment,
                status=Comment.Status.PENDING,
                note=_("This comment was reported; our moderators are looking at it."),
            )
    return case


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


REASON_FIELDS = ("code", "label", "explanation", "position", "active")
POLICY_FIELDS = ("section_id", "article_id", "mode", "approvals_needed", "hold_threshold")


def do_save_reason(reason: Reason, *, acting_user: Actor) -> Reason:
    """Store a new or edited reason of the team's list (reasons in use are never deleted,
    only deactivated). Refusals: ``forbidden`` (403)."""
    moderator = require_moderator(acting_user)
    with transaction.atomic():
        before = (
            _fields(Reason.objects.select_for_update().get(pk=reason.pk), REASON_FIELDS)
            if reason.pk
            else None
        )
        after = _fields(reason, REASON_FIELDS)
        if before == after:
            return reason
        reason.save()
        record_event(
            EventType.REASON_CHANGED, actor=moderator, target=reason, old=before, new=after
        )
    return reason


def do_save_policy(policy: ModerationPolicy, *, acting_user: Actor) -> ModerationPolicy:
    """Store a new or changed moderation policy (site, section or article).

    Refusals: ``forbidden`` (403), ``bad_policy`` (both a section and an article, a second
    policy for the whole site, a threshold outside 0..1)."""
    moderator = require_moderator(acting_user)
    if policy.section_id and policy.article_id:
        raise ActionRefused("bad_policy", _("A policy is for a section or an article, not both."))
    if policy.hold_threshold is not None and not 0 <= policy.hold_threshold <= 1:
        raise ActionRefused("bad_policy", _("The threshold is a number from 0 to 1."))
    if (
        not policy.section_id
        and not policy.article_id
        and ModerationPolicy.objects.filter(section__isnull=True, article__isnull=True)
        .exclude(pk=policy.pk)
        .exists()
    ):
        raise ActionRefused("bad_policy", _("The whole site has a policy already; edit that."))
    with transaction.atomic():
        before = (
            _fields(ModerationPolicy.objects.select_for_update().get(pk=policy.pk), POLICY_FIELDS)
            if policy.pk
            else None
        )
        after = _fields(policy, POLICY_FIELDS)
        if before == after:
            return policy
        policy.save()
        record_event(
            EventType.MODERATION_POLICY_CHANGED,
            actor=moderator,
            target=policy,
            old=before,
            new=after,
        )
    return policy
