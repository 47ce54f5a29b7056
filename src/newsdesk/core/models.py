"""Core's one table: rate-limit counters that every server process shares."""

from __future__ import annotations

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
