"""Cases for the authorities, legal holds and evidence packages in the back office: read-only
(every change goes through the legal team's pages and their actions)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from newsdesk.legal.models import AuthorityCase, EvidencePackage, LegalHold


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuthorityCase)
class AuthorityCaseAdmin(ReadOnly):
    list_display = ["__str__", "kind", "comment_id", "account_number", "opened_at", "closed_at"]
    list_filter = ["kind"]


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnly):
    list_display = [
        "__str__",
        "kind",
        "account_number",
        "comment_id",
        "starts_at",
        "until",
        "released_at",
    ]
    list_filter = ["kind"]


@admin.register(EvidencePackage)
class EvidencePackageAdmin(ReadOnly):
    list_display = ["filename", "case", "sha256", "size", "created_at", "purged_at"]
    exclude = ["content"]
