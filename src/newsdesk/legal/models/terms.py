"""Versioned terms of use, netiquette and privacy notice, and who accepted which version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TermsVersion(models.Model):
    """One version of a document in one language. ``version`` counts per document (the
    German and English texts of version 3 say the same); the text is HTML, sanitised when
    saved (``newsdesk.legal.terms.clean_terms_html``). A version is public once
    ``published_at`` is set; readers must accept a published version that
    ``requires_acceptance`` before they post or edit again."""

    class Document(models.TextChoices):
        TERMS = "terms", _("terms of use")
        NETIQUETTE = "netiquette", _("netiquette")
        PRIVACY = "privacy", _("privacy notice")

    document = models.CharField(_("document"), max_length=12, choices=Document.choices)
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text (HTML)"))
    summary = models.TextField(_("summary of changes"), blank=True)
    requires_acceptance = models.BooleanField(_("readers must accept it"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["document", "-version", "language"]
        verbose_name = _("terms version")
        verbose_name_plural = _("terms versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version", "language"], name="legal_terms_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} v{self.version} ({self.language})"

    @property
    def audit_label(self) -> str:
        return f"{self.document} v{self.version} ({self.language})"


class TermsAcceptance(models.Model):
    """A reader accepted version ``version`` of ``document`` (in the language they read)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="legal_acceptances",
        verbose_name=_("reader"),
    )
    terms = models.ForeignKey(
        TermsVersion,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("version"),
    )
    document = models.CharField(_("document"), max_length=12)
    version = models.PositiveIntegerField(_("version"))
    accepted_at = models.DateTimeField(_("accepted"))

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="legal_terms_accepted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.document} v{self.version}"
