"""Core's one table: rate-limit counters that every server process shares."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """How many events a key (an API key, an IP address...) had in one fixed time window.
    Written only through ``newsdesk.core.counters.count``."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()  # the window's number: epoch seconds // its length
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)  # epoch seconds; purged after that

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratecounter_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @{self.window}: {self.count}"
