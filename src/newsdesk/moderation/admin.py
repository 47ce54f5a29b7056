"""Back office for moderation's settings: reasons and policies (through the audited actions).

Decisions, sanctions and word lists are made in the moderators' workspace; here cases,
sanctions and trusted readers can only be looked at, and nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from newsdesk.core.admin import AuditTrailMixin
from newsdesk.moderation import actions
from newsdesk.moderation.models import (
    Case,
    ModerationPolicy,
    Reason,
    Sanction,
    TrustedReader,
    WordList,
)


class NoDeleteMixin:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reason)
class ReasonAdmin(AuditTrailMixin, NoDeleteMixin, admin.ModelAdmin[Reason]):
    list_display = ["label", "code", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["label", "code", "explanation"]

    def save_model(self, request: HttpRequest, obj: Reason, form: Any, change: bool) -> None:
        actions.do_save_reason(obj, acting_user=request.user)


@admin.register(ModerationPolicy)
class ModerationPolicyAdmin(AuditTrailMixin, NoDeleteMixin, admin.ModelAdmin[ModerationPolicy]):
    list_display = ["__str__", "mode", "approvals_needed", "hold_threshold"]
    raw_id_fields = ["article"]
    list_select_related = ["section", "article"]

    def save_model(
        self, request: HttpRequest, obj: ModerationPolicy, form: Any, change: bool
    ) -> None:
        actions.do_save_policy(obj, acting_user=request.user)


@admin.register(Case)
class CaseAdmin(AuditTrailMixin, ReadOnlyMixin, admin.ModelAdmin[Case]):
    list_display = ["comment", "queue", "score", "decided_by", "decided_at", "reason"]
    list_filter = ["queue", "reason"]
    list_select_related = ["comment", "decided_by", "reason"]


@admin.register(Sanction)
class SanctionAdmin(AuditTrailMixin, ReadOnlyMixin, admin.ModelAdmin[Sanction]):
    list_display = ["user", "kind", "reason", "starts_at", "ends_at", "lifted_at"]
    list_filter = ["kind", "reason"]
    list_select_related = ["user", "reason"]
    search_fields = ["user__username", "user__email"]


@admin.register(TrustedReader)
class TrustedReaderAdmin(ReadOnlyMixin, admin.ModelAdmin[TrustedReader]):
    list_display = ["user", "added_at", "added_by"]
    list_select_related = ["user", "added_by"]


@admin.register(WordList)
class WordListAdmin(AuditTrailMixin, ReadOnlyMixin, admin.ModelAdmin[WordList]):
    list_display = ["kind", "updated_at"]
