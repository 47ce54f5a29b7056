"""The reader's data (GDPR): everything the site holds about a reader as one JSON document
(Art. 15 access, Art. 20 portability), and what an account's deletion (Art. 17) keeps aside
because a legal hold covers it.

The export holds the reader's own records only: other readers appear by no name, address
or text (a complaint someone else filed against a decision about the reader shows its
outcome, not its author or text). Cases for the authorities and the holds they placed are
left out while they run (a suspect must not be warned, GDPR Art. 23(1)(d)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsdesk.community.models import Comment, Profile, Vote
from newsdesk.core import clock
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.models import AuditEvent
from newsdesk.legal.holds import held_comments, holds_for, latest_end
from newsdesk.legal.models import (
    Complaint,
    LegalHold,
    Notice,
    RestrictedRecord,
    Statement,
    TermsAcceptance,
)
from newsdesk.moderation.models import Sanction

EXPORT_FORMAT = 1


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def account_data(user: User) -> dict[str, Any]:
    """The account's identifying data: what an evidence package and the export show and what
    an erasure under hold keeps."""
    profile = Profile.objects.filter(user=user).first()
    return {
        "account_number": user.pk,
        "username": user.username,
        "email": user.email,
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "signed_up": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "active": user.is_active,
        "profile": (
            {
                "display_name": profile.display_name,
                "notify_replies": profile.notify_replies,
                "created": _when(profile.created_at),
            }
            if profile
            else None
        ),
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    """One comment with its revisions and address, as the reader's export and a restricted
    copy keep it."""
    return {
        "id": comment.pk,
        "conversation": str(comment.conversation),
        "url": settings.SITE_URL + comment.conversation.get_absolute_url(),
        "reply_to": comment.parent_id,
        "language": comment.language,
        "text": comment.text,
        "status": comment.status,
        "note_to_author": comment.status_note,
        "posted": _when(comment.created_at),
        "edited": _when(comment.edited_at),
        "deleted": _when(comment.deleted_at),
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "address": comment.ip_address,
        "revisions": [
            {
                "text": revision.text,
                "written": _when(revision.written_at),
                "replaced": _when(revision.replaced_at),
            }
            for revision in comment.revisions.all()
        ],
    }


def collect_reader_data(user: User) -> dict[str, Any]:
    """Everything the site holds about ``user`` as JSON-ready values: account, profile,
    comments with revisions, votes, notices they sent, statements of reasons about them and
    complaints (theirs, and about decisions on them), terms accepted, sanctions, and the
    audit events they caused. Times are ISO 8601 with the site's offset."""
    comments = (
        Comment.objects.filter(author=user)
        .select_related("conversation__article")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    statements = Statement.objects.filter(user=user).order_by("created_at", "pk")
    complaints = (
        Complaint.objects.filter(complainant=user) | Complaint.objects.filter(statement__user=user)
    ).distinct()
    return {
        "format": EXPORT_FORMAT,
        "site": settings.SITE_URL,
        "exported": _when(localtime(clock.now())),
        "account": account_data(user),
        "comments": [comment_data(comment) for comment in comments],
        "votes": [
            {"comment": vote.comment_id, "value": vote.value, "when": _when(vote.updated_at)}
            for vote in Vote.objects.filter(user=user).order_by("updated_at", "pk")
        ],
        "notices_sent": [
            {
                "reference": notice.reference,
                "category": notice.category,
                "explanation": notice.explanation,
                "location": notice.location,
                "name": notice.notifier_name,
                "email": notice.notifier_email,
                "received": _when(notice.received_at),
                "status": notice.status,
                "outcome": notice.outcome,
                "decided": _when(notice.decided_at),
                "comments": [item.comment_id for item in notice.items.all() if item.comment_id],
                "articles": [item.article_id for item in notice.items.all() if item.article_id],
            }
            for notice in Notice.objects.filter(notifier=user)
            .prefetch_related("items")
            .order_by("received_at", "pk")
        ],
        "statements_about_you": [
            {
                "puid": statement.puid,
                "comment": statement.comment_id,
                "decision_visibility": statement.decision_visibility,
                "decision_account": statement.decision_account,
                "until": _when(statement.end_date),
                "decision_ground": statement.decision_ground,
                "legal_ground": statement.illegal_content_legal_ground,
                "legal_explanation": statement.illegal_content_explanation,
                "netiquette_clause": statement.incompatible_content_ground,
                "netiquette_explanation": statement.incompatible_content_explanation,
                "category": statement.category,
                "facts": statement.decision_facts,
                "source": statement.source_type,
                "automated_detection": statement.automated_detection,
                "automated_decision": statement.automated_decision,
                "issued": _when(statement.created_at),
                "reversed": _when(statement.reversed_at),
            }
            for statement in statements
        ],
        "complaints": [
            {
                "id": complaint.pk,
                "statement": complaint.statement.puid if complaint.statement else None,
                "notice": (
                    complaint.notice.reference
                    if complaint.notice and complaint.complainant_id == user.pk
                    else None
                ),
                "filed_by_you": complaint.complainant_id == user.pk,
                # Someone else's complaint: its outcome, not their words.
                "text": complaint.text if complaint.complainant_id == user.pk else None,
                "filed": _when(complaint.filed_at),
                "status": complaint.status,
                "answer": complaint.answer,
                "decided": _when(complaint.decided_at),
            }
            for complaint in complaints.select_related("statement", "notice").order_by(
                "filed_at", "pk"
            )
        ],
        "terms_accepted": [
            {
                "document": row.document,
                "version": row.version,
                "language": row.terms.language,
                "accepted": _when(row.accepted_at),
            }
            for row in TermsAcceptance.objects.filter(user=user)
            .select_related("terms")
            .order_by("accepted_at", "pk")
        ],
        "sanctions": [
            {
                "measure": sanction.kind,
                "reason": sanction.reason.label,
                "note": sanction.note,
                "from": _when(sanction.starts_at),
                "until": _when(sanction.ends_at),
                "lifted": _when(sanction.lifted_at),
                "acknowledged": _when(sanction.acknowledged_at),
            }
            for sanction in Sanction.objects.filter(user=user)
            .select_related("reason")
            .order_by("starts_at", "pk")
        ],
        "your_actions": [
            {"event": event.event_type, "when": _when(event.created_at), "on": event.target_label}
            for event in AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
        ],
    }


# --- erasure under legal hold ----------------------------------------------------------


def _until_text(holds: list[LegalHold]) -> str:
    end = latest_end(holds)
    if end is None:
        return _("until the matter is closed")
    return _("until %(date)s at the latest") % {"date": date_format(localtime(end), "DATE_FORMAT")}


def _why(holds: list[LegalHold]) -> str:
    kinds = sorted({str(hold.get_kind_display()) for hold in holds})
    return ", ".join(kinds)


def erasure_notes(user: User) -> list[str]:
    """What deleting ``user``'s account keeps, why and until when, and what goes now (empty
    when no hold covers anything: everything goes)."""
    account_holds = list(holds_for(user))
    comments = held_comments(user)
    if not account_holds and not comments:
        return []
    lines = []
    if account_holds:
        lines.append(
            _(
                "Your user name, e-mail address, display name and sign-up date are kept, "
                "restricted (only the legal team sees them), because of: %(why)s; "
                "%(until)s."
            )
            % {"why": _why(account_holds), "until": _until_text(account_holds)}
        )
    if comments:
        holds = [hold for comment_holds in comments.values() for hold in comment_holds]
        lines.append(
            ngettext(
                "%(count)d of your comments is kept with its history, restricted (hidden from "
                "everyone but the legal team), because of: %(why)s; %(until)s.",
                "%(count)d of your comments are kept with their history, restricted (hidden "
                "from everyone but the legal team), because of: %(why)s; %(until)s.",
                len(comments),
            )
            % {"count": len(comments), "why": _why(holds), "until": _until_text(holds)}
        )
    lines.append(
        _(
            "Deleted now: your account and profile, your votes and the texts of your other "
            "comments. What is kept is deleted when the last hold on it ends."
        )
    )
    return lines


def restrict_for_erasure(user: User) -> None:
    """Community's erasure hook: inside the deleting transaction, copy what a hold covers into
    restricted records (the account's data, each held comment), then let the deletion go on.
    Records DATA_ERASED (counts only, no name)."""
    now = clock.now()
    account_holds = list(holds_for(user, now=now))
    comments = held_comments(user, now=now)
    if not account_holds and not comments:
        return
    if account_holds:
        record = RestrictedRecord.objects.create(
            kind=RestrictedRecord.Kind.ACCOUNT,
            account_number=user.pk,
            data=account_data(user),
            restricted_at=now,
        )
        record.holds.set(account_holds)
    for comment in (
        Comment.objects.filter(pk__in=list(comments))
        .select_related("conversation__article")
        .prefetch_related("revisions")
    ):
        record = RestrictedRecord.objects.create(
            kind=RestrictedRecord.Kind.COMMENT,
            account_number=user.pk,
            comment=comment,
            data=comment_data(comment),
            restricted_at=now,
        )
        record.holds.set(comments[comment.pk])
    record_event(
        EventType.DATA_ERASED,
        actor=None,
        new={
            "account": user.pk,
            "account_restricted": bool(account_holds),
            "comments_restricted": len(comments),
            "holds": sorted(
                {hold.pk for holds in comments.values() for hold in holds}
                | {hold.pk for hold in account_holds}
            ),
        },
    )


def register() -> None:
    """Plug the erasure hooks into the community's account deletion (idempotent)."""
    from newsdesk.community import actions as community

    if erasure_notes not in community.erasure_notes:
        community.erasure_notes.append(erasure_notes)
    if restrict_for_erasure not in community.erasure_hooks:
        community.erasure_hooks.append(restrict_for_erasure)
