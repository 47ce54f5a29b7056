"""Notice and action (DSA Art. 16, 22): receiving a notice, deciding it, following the
moderators' decisions on reported comments, registering trusted flaggers.

Each action checks, changes the rows in one transaction with its audit row, and sends
e-mails only after the commit. Refusals are ``ActionRefused`` with the codes each docstring
lists.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, address_hash, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.core.roles import ADMIN, user_has_role
from newsdesk.legal import misuse, parts, signals
from newsdesk.legal import notices as domain
from newsdesk.legal.models import Notice, NoticeItem, TrustedFlagger
from newsdesk.legal.tdb import Category
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Case

MAX_EXPLANATION = 10_000


def _part_off() -> ActionRefused:
    return ActionRefused("switched_off", _("Notices are switched off on this site."), status=404)


def _clean_notice_input(
    *, category: str, explanation: str, notifier_email: str, good_faith: bool
) -> tuple[str, str]:
    if category not in Category.values:
        raise ActionRefused(
            "unknown_category", _("Choose the kind of content from the list of categories.")
        )
    text = explanation.strip()
    if not text:
        raise ActionRefused(
            "explanation_needed",
            _("Explain why the content is illegal or breaks our netiquette."),
        )
    if len(text) < domain.min_explanation():
        raise ActionRefused(
            "explanation_too_short",
            _(
                "Please explain in a little more detail (at least %(count)d characters) why "
                "the content is illegal or breaks our netiquette."
            )
            % {"count": domain.min_explanation()},
        )
    if len(text) > MAX_EXPLANATION:
        raise ActionRefused(
            "explanation_too_long",
            _("The explanation can be at most %(count)d characters long.")
            % {"count": MAX_EXPLANATION},
        )
    if not good_faith:
        raise ActionRefused(
            "good_faith_needed",
            _(
                "Please confirm that you believe in good faith that the information in your "
                "notice is accurate and complete."
            ),
        )
    email = notifier_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ActionRefused(
                "bad_email", _("“%(email)s” is not an e-mail address.") % {"email": email[:100]}
            ) from None
    return text, email


def _create_with_reference(**fields: Any) -> Notice:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Notice.objects.create(reference=domain.new_reference(), **fields)
        except IntegrityError:  # the reference was taken (1 in 10**12): draw again
            continue
    raise RuntimeError("no free notice reference after 5 draws")


def do_submit_notice(
    *,
    category: str,
    explanation: str,
    location: str,
    notifier_name: str = "",
    notifier_email: str = "",
    good_faith: bool,
    language: str,
    address: str | None = None,
    acting_user: Actor,
) -> Notice:
    """Receive a notice (Art. 16) from anyone, signed in or not. ``location``: one address
    per line (comments, articles of this site; see ``notices.resolve_location``);
    ``address``: the sender's IP address (rate limits and the audit row keep only a keyed
    hash). A notice from a member of an active trusted flagger is linked to it and comes
    first (priority 0). Each reported comment enters the moderators' reported queue; the
    notifier gets a confirmation by e-mail when they gave an address.

    Refusals: ``switched_off`` (404), ``unknown_category``, ``explanation_needed``,
    ``explanation_too_short``, ``explanation_too_long``, ``good_faith_needed``, ``bad_email``,
    ``location_needed``, ``too_many_items``, ``bad_location``, ``deleted``,
    ``already_removed``, ``notices_suspended`` (403, Art. 23), ``too_many`` (429, rate
    limits per address and per e-mail; trusted flaggers' members are not limited)."""
    if not parts.enabled("notices"):
        raise _part_off()
    text, email = _clean_notice_input(
        category=category,
        explanation=explanation,
        notifier_email=notifier_email,
        good_faith=good_faith,
    )
    targets = domain.resolve_location(location)
    account = person(acting_user)
    flagger = domain.flagger_of(account)
    if flagger is None:
        domain.check_limits(address=address, email=email, now=time.time())
    suspended_until = misuse.notices_suspended_until(
        user=account, email=email, address_hash=address_hash(address)
    )
    if suspended_until is not None:
        raise ActionRefused(
            "notices_suspended",
            _(
                "Notices from you are not processed until %(until)s: you sent manifestly "
                "unfounded notices repeatedly (Art. 23(2) DSA). You were told why by e-mail; "
                "you may file a complaint against that decision."
            )
            % {"until": date_format(timezone.localtime(suspended_until), "SHORT_DATETIME_FORMAT")},
            status=403,
        )
    priority = domain.PRIORITY_TRUSTED if flagger is not None else domain.PRIORITY_DEFAULT
    now = clock.now()
    with transaction.atomic():
        notice = _create_with_reference(
            category=category,
            explanation=text,
            location=location.strip()[:2000],
            notifier_name=notifier_name.strip()[:200],
            notifier_email=email,
            notifier=account,
            trusted_flagger=flagger,
            good_faith=True,
            language=domain.notice_language(language),
            received_at=now,
            address_hash=address_hash(address),
            priority=priority,
            access_token=domain.new_token(),
        )
        NoticeItem.objects.bulk_create(
            NoticeItem(notice=notice, comment=target.comment, article=target.article)
            for target in targets
        )
        held = []
        report = _workspace_report(notice)
        for target in targets:
            if target.comment is None:
                continue
            comment = Comment.objects.select_for_update().get(pk=target.comment.pk)
            domain.reportable_comment(comment.pk)  # still there, now that it is locked
            moderation.record_report(
                comment, priority=priority, report=report, hold=domain.hold_reported()
            )
            if comment.status == Comment.Status.PENDING:
                held.append(comment.pk)
        record_event(
            EventType.NOTICE_RECEIVED,
            actor=account,
            target=notice,
            new={
                "reference": notice.reference,
                "category": category,
                "items": [target.label for target in targets],
                "trusted_flagger": flagger.name if flagger else None,
                "priority": priority,
                "signed_in": account is not None,
                "email_given": bool(email),
                "held": held,
            },
            address=address,
        )
        if email:
            transaction.on_commit(lambda: domain.send_notice_confirmation.enqueue(notice.pk))
        transaction.on_commit(
            lambda: signals.notice_received.send(sender=Notice, notice=notice),
            robust=True,
        )
    return notice


def _workspace_report(notice: Notice) -> dict[str, Any]:
    """What the moderators' workspace shows beside a reported comment (the site's language;
    no name, no e-mail)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "reference": notice.reference,
            "category": str(Category(notice.category).label),
            "explanation": notice.explanation[: domain.WORKSPACE_EXPLANATION],
            "notifier": domain.notifier_kind(notice),
        }


# --- decisions --------------------------------------------------------------------------


def _decide(
    notice: Notice,
    *,
    outcome: str,
    explanation: str,
    automated: bool,
    moderator: User | None,
) -> None:
    """Inside the caller's transaction, on a locked open notice: record the decision and
    its audit row, and tell the notifier after the commit."""
    old = {"status": notice.status, "outcome": notice.outcome}
    notice.status = Notice.Status.DECIDED
    notice.outcome = outcome
    notice.decision_explanation = explanation
    notice.automated = automated
    notice.decided_at = clock.now()
    notice.decided_by = moderator
    notice.save(
        update_fields=[
            "status",
            "outcome",
            "decision_explanation",
            "automated",
            "decided_at",
            "decided_by",
        ]
    )
    record_event(
        EventType.NOTICE_DECIDED,
        actor=moderator,
        target=notice,
        old=old,
        new={"status": notice.status, "outcome": outcome, "automated": automated},
    )
    if notice.notifier_email:
        notice_id = notice.pk
        transaction.on_commit(lambda: domain.send_notice_decision.enqueue(notice_id))
    transaction.on_commit(
        lambda: signals.notice_decided.send(sender=Notice, notice=notice),
        robust=True,
    )


def _shown(comment: Comment | None) -> bool:
    return comment is not None and comment.deleted_at is None and comment.status != "rejected"


def do_decide_notice(
    notice: Notice, *, outcome: str, explanation: str, acting_user: Actor
) -> Notice:
    """A moderator decides a notice: "actioned" (for an article the editors took down or
    changed, or comments already removed), "no action" or "manifestly unfounded", with an
    explanation the notifier reads. Reported comments that are still shown and reported by no
    other open notice are approved in moderation (they stay); held ones stay held for the
    moderators to decide. Reported comments are otherwise decided in the moderators'
    workspace, and their notices follow (``follow_moderation_decision``).

    Refusals: ``switched_off`` (404), ``forbidden`` (403), ``bad_outcome``,
    ``explanation_needed``, ``already_decided`` (409), ``decide_in_workspace`` (actioned
    while a reported comment is still shown)."""
    if not parts.enabled("notices"):
        raise _part_off()
    moderator = moderation.require_moderator(acting_user)
    if outcome not in Notice.Outcome.values:
        raise ActionRefused("bad_outcome", _("Choose one of the decisions."))
    text = explanation.strip()
    if not text:
        raise ActionRefused(
            "explanation_needed", _("Explain the decision: the notifier will read it.")
        )
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status == Notice.Status.DECIDED:
            raise ActionRefused(
                "already_decided",
                _("This notice was decided already (%(outcome)s).")
                % {"outcome": locked.get_outcome_display()},
                status=409,
            )
        comments = [item.comment for item in locked.items.select_related("comment")]
        shown = [comment for comment in comments if _shown(comment)]
        if outcome == Notice.Outcome.ACTIONED and shown:
            raise ActionRefused(
                "decide_in_workspace",
                _(
                    "Remove the reported comment in the moderation workspace; the notice "
                    "follows that decision."
                ),
            )
        _decide(locked, outcome=outcome, explanation=text, automated=False, moderator=moderator)
        for comment in shown:
            if comment is None or comment.status != Comment.Status.VISIBLE:
                continue
            other_open = (
                NoticeItem.objects.filter(comment=comment, notice__status=Notice.Status.OPEN)
                .exclude(notice=locked)
                .exists()
            )
            case = Case.objects.filter(comment=comment).first()
            if not other_open and case is not None and case.queue == Case.Queue.REPORTED:
                moderation.do_approve_comment(
                    comment,
                    acting_user=moderator,
                    note=_("Notice %(ref)s: %(outcome)s")
                    % {"ref": locked.reference, "outcome": locked.get_outcome_display()},
                )
    notice.refresh_from_db()
    return notice


def _decided_case(comment: Comment | None) -> Case | None:
    """The comment's case when moderators decided it (None: still open)."""
    if comment is None:
        return None
    case = Case.objects.filter(comment=comment).first()
    if case is not None and case.queue in (Case.Queue.APPROVED, Case.Queue.REJECTED):
        return case
    return None


def do_follow_decision(comment: Comment, *, case: Case, acting_user: Actor) -> list[Notice]:
    """Moderators decided on ``comment`` (``case``): every open notice covering it whose
    reported comments are now all decided is decided too: "actioned" when one of them was
    removed, else "no action"; ``automated`` when screening took part in any of them; the
    decision's explanation is the reason the moderators gave. Returns the notices decided.

    Refusals: none (a notice decided meanwhile is skipped)."""
    if not parts.enabled("notices"):
        return []
    moderator = person(acting_user)
    decided: list[Notice] = []
    with transaction.atomic():
        open_ids = list(
            NoticeItem.objects.filter(comment=comment, notice__status=Notice.Status.OPEN)
            .values_list("notice_id", flat=True)
            .distinct()
        )
        for notice in Notice.objects.select_for_update().filter(
            pk__in=open_ids, status=Notice.Status.OPEN
        ):
            items = list(notice.items.select_related("comment"))
            if any(item.article_id is not None for item in items):
                continue  # an article in the notice: a moderator decides on the notice page
            real: list[Case] = []
            waiting = False
            for item in items:
                if item.comment is None or item.comment.deleted_at is not None:
                    continue  # gone: nothing left to decide on
                case_of_item = _decided_case(item.comment)
                if case_of_item is None:
                    waiting = True  # another reported comment still waits for a decision
                    break
                real.append(case_of_item)
            if waiting or not real:
                continue
            removed = [c for c in real if c.queue == Case.Queue.REJECTED]
            outcome = Notice.Outcome.ACTIONED if removed else Notice.Outcome.NO_ACTION
            _decide(
                notice,
                outcome=outcome,
                explanation=_decision_explanation(removed or real, notice.language),
                automated=any(domain.automated_means(c) for c in real),
                moderator=moderator,
            )
            decided.append(notice)
    return decided


def _decision_explanation(cases: Iterable[Case], language: str) -> str:
    with translation.override(language):
        lines = []
        for case in cases:
            if case.queue == Case.Queue.REJECTED and case.reason is not None:
                line = f"{case.reason.label}: {case.reason.explanation}"
            elif case.queue == Case.Queue.REJECTED:
                line = _("The comment breaks the law or our netiquette.")
            else:
                line = _(
                    "We reviewed the comment and found that it breaks neither the law nor our "
                    "netiquette; it stays."
                )
            if case.note.strip():
                line += f"\n{case.note.strip()}"
            if line not in lines:
                lines.append(line)
        return "\n\n".join(lines)


def follow_moderation_decision(
    sender: Any, *, case: Case, comment: Comment, acting_user: Actor, **kwargs: Any
) -> None:
    """Receiver of ``moderation.signals.decision_made``: the notices follow the decision."""
    if parts.enabled("notices"):
        do_follow_decision(comment, case=case, acting_user=acting_user)


# --- trusted flaggers -------------------------------------------------------------------

FLAGGER_FIELDS = ("name", "areas", "contact_email", "website", "active")


def _flagger_state(flagger: TrustedFlagger) -> dict[str, Any]:
    state = {name: getattr(flagger, name) for name in FLAGGER_FIELDS}
    state["members"] = sorted(flagger.members.values_list("pk", flat=True))
    return state


def do_save_flagger(
    flagger: TrustedFlagger, *, members: Iterable[User], acting_user: Actor
) -> TrustedFlagger:
    """Register a trusted flagger (Art. 22) or change one: its name, areas of expertise
    (categories), contact, whether it is active, and its member accounts. Administrators only.

    Refusals: ``forbidden`` (403), ``unknown_category`` (an area that is no category),
    ``name_needed``."""
    admin = person(acting_user)
    if admin is None or not user_has_role(admin, ADMIN):
        raise ActionRefused(
            "forbidden", _("Only administrators register trusted flaggers."), status=403
        )
    if not flagger.name.strip():
        raise ActionRefused("name_needed", _("Give the organisation's name."))
    areas = list(flagger.areas or [])
    unknown = [area for area in areas if area not in Category.values]
    if unknown:
        raise ActionRefused(
            "unknown_category",
            _("Not a category: %(areas)s.") % {"areas": ", ".join(map(str, unknown))},
        )
    wanted = sorted({member.pk: member for member in members}.values(), key=lambda u: u.pk)
    with transaction.atomic():
        before = (
            _flagger_state(TrustedFlagger.objects.select_for_update().get(pk=flagger.pk))
            if flagger.pk
            else None
        )
        if flagger.pk is None:
            flagger.registered_at = clock.now()
            flagger.registered_by = admin
        flagger.save()
        flagger.members.set(wanted)
        after = _flagger_state(flagger)
        if before != after:
            record_event(
                EventType.FLAGGER_CHANGED, actor=admin, target=flagger, old=before, new=after
            )
    return flagger
