"""Retention: what the legal channels and the comments keep, and for how long.

Each period is a setting in days (environment variables of the same name):

``NEWSDESK_LEGAL_RETENTION_ADDRESS_DAYS`` (180)
    Comment addresses (``Comment.ip_address``, kept for legal requests as the disclaimer
    says), the keyed address hashes of notices and of the audit trail (through
    ``core.audit.maintenance``) are removed after this many days.
``NEWSDESK_LEGAL_RETENTION_NOTICE_DAYS`` (365)
    A decided notice loses its notifier's name, e-mail address, account link, address hash
    and access token this many days after its decision (category, outcome and dates stay for
    the transparency report); notices with an open complaint wait.
``NEWSDESK_LEGAL_RETENTION_STATEMENT_DAYS`` (1825, five years)
    A statement of reasons is unlinked from the reader, comment, sanction and notice this
    many days after it was issued. The statement itself stays: it holds no personal data by
    design, and the DSA keeps its copy in the Commission's Transparency Database (Art. 24(5))
    without a time limit, so the site's copy stays in step with it.
``NEWSDESK_LEGAL_RETENTION_EVIDENCE_DAYS`` (365)
    An evidence package's bytes are deleted this many days after its case was closed; its
    name, size and SHA-256 stay as proof of what was handed over.

Records a legal hold in force covers are skipped; restricted records (kept by an erasure)
are purged as soon as no hold covers them. One run records DATA_PURGED with the counts; the
worker's sweep starts a run at most once a day (``retention_due``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.audit import EventType, maintenance, record_event
from newsdesk.core.models import AuditEvent
from newsdesk.legal.holds import purge_unheld
from newsdesk.legal.models import (
    Complaint,
    EvidencePackage,
    LegalHold,
    Notice,
    Statement,
)
from newsdesk.legal.models.holds import active_holds_q

RUN_EVERY = dt.timedelta(days=1)
WHY = "retention"


def _days(name: str) -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, f"NEWSDESK_LEGAL_RETENTION_{name}_DAYS")))


def retention_due(now: dt.datetime | None = None) -> bool:
    """Whether no retention run was recorded in the last day."""
    now = now or clock.now()
    return not AuditEvent.objects.filter(
        event_type=EventType.DATA_PURGED,
        new_value__why=WHY,
        created_at__gt=now - RUN_EVERY,
    ).exists()


def enforce_retention(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove what has outlived its period (see the module's docstring) in one transaction
    and record DATA_PURGED with the counts, which it returns."""
    now = now or clock.now()
    held = LegalHold.objects.filter(active_holds_q(now))
    held_accounts = {
        number for number in held.values_list("account_number", flat=True) if number is not None
    }
    held_comments = {pk for pk in held.values_list("comment_id", flat=True) if pk is not None}
    held_q = Q(pk__in=held_comments) | Q(author_id__in=held_accounts)
    counts: dict[str, int] = {}
    with transaction.atomic():
        address_cutoff = now - _days("ADDRESS")
        counts["comment_addresses"] = (
            Comment.objects.filter(created_at__lt=address_cutoff, ip_address__isnull=False)
            .exclude(held_q)
            .update(ip_address=None)
        )
        counts["notice_address_hashes"] = (
            Notice.objects.filter(received_at__lt=address_cutoff).exclude(address_hash="")
        ).update(address_hash="")
        old_hashes = (
            AuditEvent.objects.filter(created_at__lt=address_cutoff)
            .exclude(address_hash="")
            .exclude(actor_id__in=held_accounts)
        )
        if old_hashes.exists():
            with maintenance("retention: address hashes", acting_user=None) as run:
                changed = old_hashes.update(address_hash="")
                run.changed(changed)
        else:
            changed = 0
        counts["audit_address_hashes"] = changed

        open_complaints = Complaint.objects.filter(status=Complaint.Status.OPEN)
        counts["notices"] = (
            Notice.objects.filter(
                status=Notice.Status.DECIDED, decided_at__lt=now - _days("NOTICE")
            )
            .exclude(pk__in=open_complaints.exclude(notice=None).values("notice_id"))
            .filter(
                ~Q(notifier_name="")
                | ~Q(notifier_email="")
                | Q(notifier__isnull=False)
                | ~Q(access_token="")
            )
            .update(notifier_name="", notifier_email="", notifier=None, access_token="")
        )
        counts["statements"] = (
            Statement.objects.filter(created_at__lt=now - _days("STATEMENT"))
            .filter(
                Q(user__isnull=False)
                | Q(comment__isnull=False)
                | Q(sanction__isnull=False)
                | Q(notice__isnull=False)
            )
            .exclude(comment_id__in=held_comments)
            .exclude(user_id__in=held_accounts)
            .update(user=None, comment=None, sanction=None, notice=None)
        )
        counts["evidence_packages"] = EvidencePackage.objects.filter(
            purged_at__isnull=True,
            case__closed_at__lt=now - _days("EVIDENCE"),
        ).update(content=None, purged_at=now)
        restricted = purge_unheld(now)
        counts["restricted_accounts"] = restricted["accounts"]
        counts["restricted_comments"] = restricted["comments"]
        record_event(EventType.DATA_PURGED, actor=None, new={"why": WHY, **counts})
    return counts
