"""Core's tables: rate-limit counters every server process shares, and the audit trail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """How many events a key (an API key, an address...) had in one fixed time window.
    Written only through ``newsdesk.core.counters.count``, which stores a keyed hash of the
    key, not the key."""

    key = models.CharField(_("key (hashed)"), max_length=200)
    # The window's number: epoch seconds // its length.
    window = models.BigIntegerField(_("window"))
    count = models.PositiveIntegerField(_("count"), default=0)
    # The window's end, in epoch seconds; the row is deleted after it.
    expires = models.BigIntegerField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @{self.window}: {self.count}"


class EventType(models.TextChoices):
    """Every kind of event the audit trail records (``AuditEvent.event_type``); apps add theirs
    here, so the trail has one list to filter by."""

    ARTICLE_SAVED = "article.saved", _("article saved")
    ARTICLE_PUBLISHED = "article.published", _("article published")
    ARTICLE_SCHEDULED = "article.scheduled", _("article scheduled")
    ARTICLE_UNPUBLISHED = "article.unpublished", _("article unpublished")
    EDITION_APPROVED = "edition.approved", _("edition approved")
    EDITION_POST_EDITED = "edition.post_edited", _("edition post-edited")
    EDITION_RETRANSLATION_REQUESTED = (
        "edition.retranslation_requested",
        _("edition re-translation requested"),
    )
    COMMENT_EDITED_BY_STAFF = "comment.edited_by_staff", _("comment edited by staff")
    COMMENT_DELETED = "comment.deleted", _("comment deleted")
    COMMENT_HELD = "comment.held", _("comment held for review")
    COMMENT_APPROVED = "comment.approved", _("comment approved")
    COMMENT_REJECTED = "comment.rejected", _("comment rejected")
    CONVERSATIONS_MERGED = "conversation.merged", _("conversations merged")
    SANCTION_IMPOSED = "sanction.imposed", _("sanction imposed")
    SANCTION_LIFTED = "sanction.lifted", _("sanction lifted")
    SANCTION_ACKNOWLEDGED = "sanction.acknowledged", _("warning acknowledged")
    TRUST_CHANGED = "reader.trust_changed", _("reader's trust changed")
    WORD_LIST_CHANGED = "moderation.word_list_changed", _("word list changed")
    REASON_CHANGED = "moderation.reason_changed", _("moderation reason changed")
    MODERATION_POLICY_CHANGED = "moderation.policy_changed", _("moderation policy changed")
    # The legal channels (newsdesk.legal): DSA notices, statements, complaints, misuse,
    # authorities, legal holds, the reader's data rights and versioned terms.
    NOTICE_RECEIVED = "legal.notice_received", _("notice received")
    NOTICE_DECIDED = "legal.notice_decided", _("notice decided")
    FLAGGER_CHANGED = "legal.flagger_changed", _("trusted flagger changed")
    GROUND_CHANGED = "legal.ground_changed", _("statement template changed")
    STATEMENT_ISSUED = "legal.statement_issued", _("statement of reasons issued")
    STATEMENT_SUBMITTED = "legal.statement_submitted", _("statement sent to the EU database")
    COMPLAINT_FILED = "legal.complaint_filed", _("complaint filed")
    COMPLAINT_DECIDED = "legal.complaint_decided", _("complaint decided")
    MISUSE_MEASURE = "legal.misuse_measure", _("misuse warning or suspension")
    AUTHORITY_CASE_OPENED = "legal.authority_case_opened", _("case for the authorities opened")
    EVIDENCE_EXPORTED = "legal.evidence_exported", _("evidence package produced")
    HOLD_PLACED = "legal.hold_placed", _("legal hold placed")
    HOLD_RELEASED = "legal.hold_released", _("legal hold released")
    DATA_EXPORTED = "legal.data_exported", _("reader's data exported")
    DATA_ERASED = "legal.data_erased", _("reader's data erased or restricted")
    DATA_PURGED = "legal.data_purged", _("records purged after retention")
    TERMS_PUBLISHED = "legal.terms_published", _("terms version published")
    TERMS_ACCEPTED = "legal.terms_accepted", _("terms version accepted")
    PROFILE_CHANGED = "profile.changed", _("profile changed")
    ACCOUNT_DELETED = "account.deleted", _("account deleted")
    USER_ACCESS_CHANGED = "user.access_changed", _("roles or access changed")
    API_KEY_CREATED = "api_key.created", _("API key created")
    API_KEY_CHANGED = "api_key.changed", _("API key changed")
    API_KEY_REMOVED = "api_key.removed", _("API key removed")
    AUDIT_MAINTENANCE = "audit.maintenance", _("audit trail maintenance")


class AuditJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's rounds to milliseconds):
    the trail records values exactly as they were."""

    def default(self, o: object) -> object:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


class AuditEvent(models.Model):
    """One state change, as it happened: who did what to which object, when, from what to what.

    Written only by ``newsdesk.core.audit.record_event``, inside the transaction of the action
    that made the change, so the row exists exactly when the change does. Rows are never
    changed or deleted: triggers in the database refuse UPDATE and DELETE (also through raw
    SQL), except inside ``newsdesk.core.audit.maintenance`` (retention, erasure), which
    records that it ran.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    event_type = models.CharField(
        _("event"), max_length=60, choices=EventType.choices, db_index=True
    )
    # Who acted; None for the system (worker, importer, demo content). No foreign-key
    # constraint: deleting an account must not touch (or be blocked by) the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # What was acted on, by type and primary key (as text: keys may be numbers or UUIDs).
    # The target may be gone later; the row keeps its label as it was.
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    old_value = models.JSONField(_("before"), null=True, blank=True, encoder=AuditJSONEncoder)
    new_value = models.JSONField(_("after"), null=True, blank=True, encoder=AuditJSONEncoder)
    # A keyed hash of the requester's address where the action came from a request
    # (``newsdesk.core.audit.address_hash``): comparable between rows, never readable.
    address_hash = models.CharField(_("address (hashed)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.target_label}"


class AuditMaintenance(models.Model):
    """A run of the one path that may change or delete audit rows (retention, erasure).

    The row is written before the guard is lifted and stays; together with the audit event
    ``audit.maintenance`` it shows who lifted the guard, when, why and how many rows changed.
    """

    started_at = models.DateTimeField(_("started"))
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    rows_changed = models.PositiveIntegerField(_("rows changed"), default=0)
    # True only inside the maintenance transaction: the triggers let changes through while an
    # open row exists, and no other transaction can see it before it is closed again.
    is_open = models.BooleanField(_("open"), default=False)

    class Meta:
        verbose_name = _("audit maintenance")
        verbose_name_plural = _("audit maintenance")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.reason}"
