"""Complaints and misuse measures in the back office: to look up, not to change (decisions go
through the moderators' pages and their actions, which write the audit trail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from newsdesk.legal.models import Complaint, MisuseMeasure


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["pk", "side", "status", "filed_at", "decided_at", "decided_by"]
    list_filter = ["status", "side"]
    date_hierarchy = "filed_at"


@admin.register(MisuseMeasure)
class MisuseMeasureAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "step", "user", "email", "starts_at", "ends_at"]
    list_filter = ["kind", "step"]
    date_hierarchy = "created_at"
