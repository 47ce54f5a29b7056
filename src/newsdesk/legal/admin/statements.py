"""Statement templates and statements of reasons in the back office. The community team edits
a template (``Ground``: the legal side of a moderation reason) here; saving goes through
``do_save_ground``, which checks it against the Transparency Database's rules and writes
``legal.ground_changed``. Statements are records: they are read here, never edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from newsdesk.legal.actions.statements import GROUND_FIELDS, check_ground, do_save_ground
from newsdesk.legal.models import Ground, Statement


class GroundForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Ground
        fields = [
            "reason",
            "decision_ground",
            "category",
            "legal_ground",
            "contractual_ground",
            "explanation",
            "also_illegal",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            # The instance is filled in after clean(); check the values as sent. An
            # ActionRefused is a ValidationError: the form shows its message.
            check_ground(Ground(**{name: cleaned.get(name) for name in GROUND_FIELDS}))
        return cleaned


@admin.register(Ground)
class GroundAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = GroundForm
    list_display = ["reason", "decision_ground", "category", "legal_ground", "contractual_ground"]
    list_select_related = ["reason"]
    ordering = ["reason__position", "reason__label"]

    def save_model(self, request: HttpRequest, obj: Ground, form: Any, change: bool) -> None:
        do_save_ground(obj, acting_user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Ground | None = None) -> bool:
        return False  # a reason without a template falls back to its own explanation


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "puid",
        "created_at",
        "reason",
        "decision_ground",
        "source_type",
        "sent_at",
        "tdb_submitted_at",
    ]
    list_filter = ["decision_ground", "source_type", "automated_detection"]
    list_select_related = ["reason"]
    search_fields = ["puid"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Statement | None = None) -> list[str]:
        return [field.name for field in Statement._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        return False
