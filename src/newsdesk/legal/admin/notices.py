"""Trusted flaggers in the back office (administrators register them, Art. 22)."""

from django.contrib import admin

from newsdesk.legal.models import TrustedFlagger


@admin.register(TrustedFlagger)
class TrustedFlaggerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "active", "registered_at"]
    filter_horizontal = ["members"]
