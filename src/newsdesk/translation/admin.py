"""Back office: the glossary (editors), the translation memory (corrections), API keys (admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsdesk.core.admin import AuditTrailMixin
from newsdesk.translation import actions, memory
from newsdesk.translation.models import ApiKey, GlossaryTerm, MemoryEntry


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = (
        "term",
        "shown_translation",
        "source_language",
        "target_language",
        "case_sensitive",
        "updated_at",
    )
    list_filter = ("source_language", "target_language")
    search_fields = ("term", "translation", "note")

    @admin.display(description=gettext_lazy("becomes"))
    def shown_translation(self, obj: GlossaryTerm) -> str:
        return obj.translation or _("(not translated)")


@admin.register(MemoryEntry)
class MemoryEntryAdmin(admin.ModelAdmin):
    list_display = (
        "source_text",
        "target_text",
        "source_language",
        "target_language",
        "origin",
        "model_version",
        "updated_at",
    )
    list_filter = ("origin", "source_language", "target_language")
    search_fields = ("source_text", "target_text")
    list_select_related = ("corrected_by",)
    fields = (
        "source_language",
        "target_language",
        "model_version",
        "source_text",
        "target_text",
        "origin",
        "corrected_by",
    )
    readonly_fields = (
        "source_language",
        "target_language",
        "model_version",
        "source_text",
        "origin",
        "corrected_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entries come from translations; people correct them

    def save_model(self, request: HttpRequest, obj: MemoryEntry, form: Any, change: bool) -> None:
        # A correction becomes a human entry valid for every model; the machine one stays as
        # the record of what the model said.
        if obj.origin == MemoryEntry.Origin.HUMAN:
            obj.corrected_by = request.user  # type: ignore[assignment]
            obj.save()
            return
        entry = memory.record_correction(
            obj.source_language, obj.target_language, obj.source_text, obj.target_text, request.user
        )
        obj.pk = entry.pk
        self.message_user(
            request, _("Your correction is used from now on for this segment."), messages.SUCCESS
        )


@admin.register(ApiKey)
class ApiKeyAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("name", "prefix", "requests_per_minute", "active", "last_used_at")
    list_filter = ("active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    # API keys are an administrator's matter, whatever model permissions editors hold.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            actions.do_change_api_key(obj, acting_user=request.user)
            return
        key = actions.do_create_api_key(obj, acting_user=request.user)
        messages.warning(
            request,
            _(
                "The new API key is %(key)s. Copy it now: it is not stored and cannot be "
                "shown again."
            )
            % {"key": key},
        )

    def delete_model(self, request: HttpRequest, obj: ApiKey) -> None:
        actions.do_remove_api_key(obj, acting_user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            actions.do_remove_api_key(key, acting_user=request.user)
