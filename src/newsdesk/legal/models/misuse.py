"""Measures against misuse (DSA Art. 23): warnings and suspensions for accounts that often post
manifestly illegal content and for notifiers who often send manifestly unfounded notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsdesk.moderation.models import Sanction


class MisuseMeasure(models.Model):
    """One step of the misuse policy (``newsdesk.legal.misuse``), taken against a poster or a
    notifier.

    A poster's step is carried out by a moderation sanction (``sanction``: a warning, then a
    suspension of the account); a notifier's step is this row itself: a warning, then a
    suspension of the processing of their notices from ``starts_at`` to ``ends_at``. The
    notifier is recognised by account, e-mail address or address hash (whichever the notices
    carried), so a suspension also holds when they report without signing in. ``items`` keeps
    what led to the step (statement ids, notice references): the facts of its statement of
    reasons."""

    class Kind(models.TextChoices):
        POSTER = "poster", _("account posting manifestly illegal content")
        NOTIFIER = "notifier", _("notifier sending manifestly unfounded notices")

    class Step(models.TextChoices):
        WARNING = "warning", _("warning")
        SUSPENSION = "suspension", _("suspension")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_misuse_measures",
        verbose_name=_("account"),
    )
    # A notifier's e-mail address, lower-cased (blank for posters and notifiers without one).
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    # Keyed hash of the notifier's address (core.audit.address_hash), never the address.
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A poster's step: the moderation sanction that carries it out.
    sanction = models.ForeignKey(
        Sanction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_misuse_measures",
        verbose_name=_("sanction"),
    )
    starts_at = models.DateTimeField(_("from"))
    # When a suspension ends (None for warnings).
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    # What led to the step: {"statements": [ids]} or {"notices": [references]}.
    items = models.JSONField(_("items"), default=dict, blank=True)
    # The policy in force when the step was taken (threshold, days, suspension days).
    policy = models.JSONField(_("policy"), default=dict, blank=True)
    created_at = models.DateTimeField(_("taken"), db_index=True)
    # The moderator in whose decision the step followed (None: the system).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("taken by"),
    )
    # When the notifier's statement of reasons went out by e-mail (None: no address, not yet).
    told_at = models.DateTimeField(_("told"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("misuse measure")
        verbose_name_plural = _("misuse measures")

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_kind_display()}"

    @property
    def audit_label(self) -> str:
        return f"misuse {self.step} #{self.pk}"
