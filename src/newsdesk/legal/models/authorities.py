"""Cases for the authorities (DSA Art. 18: suspected criminal offences, threats to life or
safety) and documented requests for user data, with the evidence packages produced for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.legal.models.holds import LegalHold


class AuthorityCase(models.Model):
    """A comment or account a moderator marked for the authorities, or a request for user
    data from a party with a legal interest (requester, legal basis, reference, and the
    decision whether to disclose). Opening one places a legal hold on what it covers."""

    class Kind(models.TextChoices):
        CRIMINAL_OFFENCE = "criminal_offence", _("suspected criminal offence")
        THREAT = "threat", _("threat to the life or safety of persons")
        DATA_REQUEST = "data_request", _("request for user data")

    class Disclosure(models.TextChoices):
        UNDECIDED = "", _("not decided")
        DISCLOSE = "disclose", _("disclose")
        REFUSE = "refuse", _("refuse")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_authority_cases",
        verbose_name=_("comment"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_authority_cases",
        verbose_name=_("account"),
    )
    # The account's number when the case was opened (the account may be erased later).
    account_number = models.PositiveIntegerField(_("account number"), null=True, blank=True)
    description = models.TextField(_("what the team found"))
    # Data requests: who asks, on what legal basis, under which reference of theirs.
    requester = models.CharField(_("requester"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    request_reference = models.CharField(_("their reference"), max_length=200, blank=True)
    disclosure = models.CharField(
        _("decision"), max_length=10, choices=Disclosure.choices, blank=True, default=""
    )
    disclosure_note = models.TextField(_("grounds of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    hold = models.OneToOneField(
        LegalHold,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authority_case",
        verbose_name=_("legal hold"),
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case for the authorities")
        verbose_name_plural = _("cases for the authorities")

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"A-{self.pk}"

    @property
    def audit_label(self) -> str:
        return f"case {self.reference}"


class EvidencePackage(models.Model):
    """One ZIP produced for a case: its SHA-256 (recorded in the audit trail too) and its bytes,
    kept in the database (never in the public media folder) until retention purges them."""

    case = models.ForeignKey(
        AuthorityCase, on_delete=models.CASCADE, related_name="packages", verbose_name=_("case")
    )
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("bytes"))
    content = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(_("produced"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("produced by"),
    )
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evidence package")
        verbose_name_plural = _("evidence packages")

    def __str__(self) -> str:
        return self.filename

    @property
    def audit_label(self) -> str:
        return f"evidence {self.filename}"
