"""Notices (DSA Art. 16) from anyone, with or without an account, and the trusted flaggers
(Art. 22) whose notices come first."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment
from newsdesk.legal.tdb import Category
from newsdesk.newsroom.models import Article


class TrustedFlagger(models.Model):
    """An organisation an administrator registered as a trusted flagger (Art. 22), with its
    areas of expertise (categories); notices its members send come first."""

    name = models.CharField(_("organisation"), max_length=200, unique=True)
    areas = models.JSONField(
        _("areas of expertise"),
        default=list,
        blank=True,
        help_text=_("Categories (Transparency Database keys) the organisation is expert in."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The accounts that report on the organisation's behalf.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="legal_flaggers",
        verbose_name=_("members"),
    )
    active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted flagger")
        verbose_name_plural = _("trusted flaggers")

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A notice of allegedly illegal (or netiquette-breaking) content (Art. 16): who sent it
    (optional where the law allows), what it says, where the content is, and what became of
    it. ``reference`` is the public number the notifier is given."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DECIDED = "decided", _("decided")

    class Outcome(models.TextChoices):
        ACTIONED = "actioned", _("content removed or restricted")
        NO_ACTION = "no_action", _("no action: the content stays")
        UNFOUNDED = "unfounded", _("manifestly unfounded")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    category = models.CharField(_("category"), max_length=80, choices=Category.choices)
    explanation = models.TextField(_("explanation"))
    # The address the notifier gave (pasted or filled in by the report control).
    location = models.CharField(_("location"), max_length=2000, blank=True)
    notifier_name = models.CharField(_("name"), max_length=200, blank=True)
    notifier_email = models.EmailField(_("e-mail"), blank=True)
    notifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_notices",
        verbose_name=_("notifier's account"),
    )
    trusted_flagger = models.ForeignKey(
        TrustedFlagger,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("trusted flagger"),
    )
    good_faith = models.BooleanField(_("good-faith statement"), default=False)
    language = models.CharField(_("language"), max_length=8)
    received_at = models.DateTimeField(_("received"), db_index=True)
    # Keyed hash of the sender's address (for rate limits and misuse), never the address.
    address_hash = models.CharField(max_length=64, blank=True)
    # Lower numbers first: trusted flaggers 0, everyone else 10 (set when received).
    priority = models.PositiveSmallIntegerField(_("priority"), default=10, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_explanation = models.TextField(_("explanation of the decision"), blank=True)
    # Whether automated means were used in deciding (the notifier is told, Art. 16(6)).
    automated = models.BooleanField(_("automated means used"), default=False)
    # When the notifier was told the decision (None: not yet, or no e-mail address).
    notifier_told_at = models.DateTimeField(_("notifier told"), null=True, blank=True)
    # Secret that lets a notifier without an account see the notice and appeal its decision.
    access_token = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["priority", "received_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["status", "priority", "received_at"], name="legal_notice_queue")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return f"notice {self.reference}"


class NoticeItem(models.Model):
    """One reported item of a notice: a comment of this site, or an article."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_notice_items",
        verbose_name=_("comment"),
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_notice_items",
        verbose_name=_("article"),
    )

    class Meta:
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=True) | models.Q(article__isnull=True),
                name="legal_notice_item_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.comment or self.article or "")
