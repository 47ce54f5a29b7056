"""Internal complaints (DSA Art. 20) against a decision: by the affected reader (against a
statement of reasons) or by the notifier (against the decision on their notice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.legal.models.notices import Notice
from newsdesk.legal.models.statements import Statement
from newsdesk.moderation.models import Reason


class Complaint(models.Model):
    """One internal complaint (Art. 20): who filed it (``side``; the account, or for a
    notifier without one the e-mail address the notice gave), against what (a statement or a
    notice's decision), their grounds, and the reasoned answer of the moderator who decided
    it (never the one who took the original decision; see ``newsdesk.legal.complaints``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld: the decision is reversed")
        REJECTED = "rejected", _("rejected: the decision stands")

    class Side(models.TextChoices):
        AFFECTED = "affected", _("the affected reader")
        NOTIFIER = "notifier", _("the notifier")

    statement = models.ForeignKey(
        Statement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("statement of reasons"),
    )
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("notice"),
    )
    side = models.CharField(_("filed by"), max_length=10, choices=Side.choices)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_complaints",
        verbose_name=_("complainant"),
    )
    complainant_email = models.EmailField(_("complainant's e-mail"), blank=True)
    text = models.TextField(_("grounds of the complaint"))
    filed_at = models.DateTimeField(_("filed"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    answer = models.TextField(_("reasoned answer"), blank=True)
    # An upheld complaint of a notifier: the reason the reported comments were removed for.
    removal_reason = models.ForeignKey(
        Reason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reason for the removal"),
    )

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statement__isnull=False) | models.Q(notice__isnull=False),
                name="legal_complaint_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.statement or self.notice}"

    @property
    def audit_label(self) -> str:
        return f"complaint #{self.pk}"
