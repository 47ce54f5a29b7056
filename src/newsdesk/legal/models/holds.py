"""Legal holds (records that must not be deleted while a notice, a complaint, a request from
an authority or an Art. 18 case needs them) and the records an erasure kept because of one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.community.models import Comment


class LegalHold(models.Model):
    """Keeps an account's data and/or a comment from deletion while ``kind`` needs them.

    What it covers: with ``comment`` set, that comment (its text, revisions and address) and,
    when ``account`` is set too, the account's identifying data; with ``account`` alone, the
    account's data and every comment of the account. A hold is in force from ``starts_at``
    until it is released (``released_at``) or its ``until`` passes (None: until released).
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", _("open notice")
        COMPLAINT = "complaint", _("complaint within its window")
        AUTHORITY_REQUEST = "authority_request", _("request from an authority or a party")
        CRIMINAL_CASE = "criminal_case", _("suspected criminal offence (Art. 18)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
        verbose_name=_("account"),
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
        verbose_name=_("comment"),
    )
    # The account's number when the hold was placed: the account row may be erased later (its
    # data then lives on in a RestrictedRecord) and the hold must still say whom it covers.
    account_number = models.PositiveIntegerField(_("account number"), null=True, blank=True)
    # Which record placed the hold ("notice N-2026-0001", "case A-3"): the reader is told why.
    reference = models.CharField(_("reference"), max_length=100)
    reason = models.TextField(_("why"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    until = models.DateTimeField(_("until"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("placed by"),
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("released by"),
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account_number__isnull=False) | models.Q(comment__isnull=False),
                name="legal_hold_covers_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference}"

    @property
    def audit_label(self) -> str:
        return f"legal hold #{self.pk} ({self.reference})"

    def in_force(self, now: dt.datetime) -> bool:
        """Not released, begun, and not past ``until``; ``active_holds_q`` says it in SQL."""
        return (
            self.released_at is None
            and self.starts_at <= now
            and (self.until is None or self.until > now)
        )


def active_holds_q(now: dt.datetime, prefix: str = "") -> models.Q:
    """LegalHold.in_force as a filter (``prefix``: the path to the hold, e.g. ``holds__``)."""
    return models.Q(**{f"{prefix}released_at__isnull": True, f"{prefix}starts_at__lte": now}) & (
        models.Q(**{f"{prefix}until__isnull": True}) | models.Q(**{f"{prefix}until__gt": now})
    )


class RestrictedRecord(models.Model):
    """What an erasure kept because a hold covered it: a copy of the account's data or of one
    comment (text, revisions, address), shown only to the legal team (moderators), and purged
    (emptied) once no hold covers it any more."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("account data")
        COMMENT = "comment", _("comment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    holds = models.ManyToManyField(LegalHold, related_name="restricted", verbose_name=_("holds"))
    # The erased account's number (the account row itself is gone).
    account_number = models.PositiveIntegerField(_("account number"), db_index=True)
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_restricted",
        verbose_name=_("comment"),
    )
    # The kept data: for an account username, e-mail, display name, sign-up time...; for a
    # comment its text, revisions and address. Emptied ({}) when purged.
    data = models.JSONField(_("kept data"), default=dict)
    restricted_at = models.DateTimeField(_("restricted"))
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)

    class Meta:
        ordering = ["restricted_at", "id"]
        verbose_name = _("restricted record")
        verbose_name_plural = _("restricted records")

    def __str__(self) -> str:
        what = f"comment #{self.comment_id}" if self.kind == self.Kind.COMMENT else "account"
        return f"{what} of account #{self.account_number}"
