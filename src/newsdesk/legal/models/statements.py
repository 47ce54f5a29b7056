"""Statements of reasons (DSA Art. 17) and the templates moderators pick them from.

A statement records one restriction (a removed or hidden comment, a restricted account) with
the fields of the EU Transparency Database (names as its API spells them, see
``newsdesk.legal.tdb``), so the export is a projection of the row without personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.legal.models.notices import Notice
from newsdesk.legal.tdb import (
    AutomatedDecision,
    Category,
    DecisionAccount,
    DecisionGround,
    SourceType,
)
from newsdesk.moderation.models import Reason, Sanction


class Ground(models.Model):
    """The legal side of a moderation reason: the template a statement of reasons starts from.
    The community team edits it (the moderator can adjust the explanation per decision)."""

    reason = models.OneToOneField(
        Reason, on_delete=models.CASCADE, related_name="legal_ground", verbose_name=_("reason")
    )
    decision_ground = models.CharField(_("ground"), max_length=40, choices=DecisionGround.choices)
    category = models.CharField(_("category"), max_length=80, choices=Category.choices)
    # DECISION_GROUND_ILLEGAL_CONTENT: the provision (e.g. "§ 283 StGB (Verhetzung)").
    legal_ground = models.CharField(_("legal ground"), max_length=500, blank=True)
    # DECISION_GROUND_INCOMPATIBLE_CONTENT: the netiquette clause (e.g. "Netiquette, Nr. 3").
    contractual_ground = models.CharField(_("netiquette clause"), max_length=500, blank=True)
    # Why content is illegal / incompatible on that ground (the reader's explanation).
    explanation = models.TextField(_("explanation"))
    # For incompatible content: whether it is also considered illegal.
    also_illegal = models.BooleanField(_("also considered illegal"), default=False)

    class Meta:
        verbose_name = _("statement template")
        verbose_name_plural = _("statement templates")

    def __str__(self) -> str:
        return str(self.reason)


class Statement(models.Model):
    """A statement of reasons sent to the affected reader (Art. 17). ``puid`` is unique and
    never reused (the Transparency Database's platform unique identifier)."""

    puid = models.CharField(_("platform unique identifier"), max_length=500, unique=True)
    # The affected reader (None once their account is erased; the statement stays).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_statements",
        verbose_name=_("affected reader"),
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_statements",
        verbose_name=_("comment"),
    )
    sanction = models.ForeignKey(
        Sanction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_statements",
        verbose_name=_("sanction"),
    )
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        verbose_name=_("notice"),
    )
    # The team's reason the moderator picked (its Ground gave the legal side below).
    reason = models.ForeignKey(
        Reason,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_statements",
        verbose_name=_("reason"),
    )
    # The measure (Transparency Database keys; lists where the API takes lists).
    decision_visibility = models.JSONField(
        _("restriction of the content"), default=list, blank=True
    )
    decision_visibility_other = models.CharField(max_length=500, blank=True)
    decision_account = models.CharField(
        _("restriction of the account"), max_length=40, choices=DecisionAccount.choices, blank=True
    )
    decision_provision = models.CharField(
        _("restriction of the service"), max_length=60, blank=True
    )
    # When a temporary measure ends (None: indefinite).
    end_date = models.DateTimeField(_("until"), null=True, blank=True)
    # Where it applies (ISO 3166 codes of EU/EEA countries).
    territorial_scope = models.JSONField(_("territorial scope"), default=list, blank=True)
    decision_ground = models.CharField(_("ground"), max_length=40, choices=DecisionGround.choices)
    illegal_content_legal_ground = models.CharField(_("legal ground"), max_length=500, blank=True)
    illegal_content_explanation = models.TextField(_("why it is illegal"), blank=True)
    incompatible_content_ground = models.CharField(
        _("netiquette clause"), max_length=500, blank=True
    )
    incompatible_content_explanation = models.TextField(
        _("why it breaks the netiquette"), blank=True
    )
    incompatible_content_illegal = models.BooleanField(_("also considered illegal"), null=True)
    # The moderator's adjustment of the template's explanation for this decision: shown to the
    # reader after the explanation, never exported (free text may name people).
    moderator_note = models.TextField(_("moderator's addition"), blank=True)
    category = models.CharField(_("category"), max_length=80, choices=Category.choices)
    content_type = models.JSONField(_("content type"), default=list, blank=True)
    content_language = models.CharField(_("content language"), max_length=8, blank=True)
    content_date = models.DateField(_("content date"))
    application_date = models.DateField(_("application date"))
    decision_facts = models.TextField(_("facts and circumstances"))
    source_type = models.CharField(_("source"), max_length=40, choices=SourceType.choices)
    automated_detection = models.BooleanField(_("detected by automated means"), default=False)
    automated_decision = models.CharField(
        _("automated decision"),
        max_length=40,
        choices=AutomatedDecision.choices,
        default=AutomatedDecision.NOT_AUTOMATED,
    )
    created_at = models.DateTimeField(_("issued"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    language = models.CharField(_("language of the statement"), max_length=8)
    # When the reader was told by e-mail (None: no address, or not yet).
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When an upheld complaint reversed the measure.
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    # The Transparency Database: when it accepted the statement, its id there, the last error.
    tdb_submitted_at = models.DateTimeField(null=True, blank=True)
    tdb_uuid = models.CharField(max_length=64, blank=True)
    tdb_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")

    def __str__(self) -> str:
        return self.puid

    @property
    def audit_label(self) -> str:
        return f"statement {self.puid}"
