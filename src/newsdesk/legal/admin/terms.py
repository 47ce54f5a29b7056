"""Terms, netiquette and privacy versions in the back office: write a version, then publish
it with the list's action (through ``do_publish_terms``: sanitised, audited)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newsdesk.core.errors import ActionRefused
from newsdesk.legal.actions.terms import do_publish_terms
from newsdesk.legal.models import TermsAcceptance, TermsVersion
from newsdesk.legal.terms import clean_terms_html


@admin.action(description=_("Publish the selected versions"))
def publish(modeladmin: Any, request: HttpRequest, queryset: QuerySet[TermsVersion]) -> None:
    for version in queryset.order_by("version"):
        try:
            do_publish_terms(version, acting_user=request.user)
        except ActionRefused as refused:
            messages.error(request, f"{version}: {refused.message}")
        else:
            messages.success(request, _("%(version)s published.") % {"version": version})


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "document",
        "version",
        "language",
        "title",
        "requires_acceptance",
        "published_at",
    ]
    list_filter = ["document", "language", "requires_acceptance"]
    actions = [publish]
    readonly_fields = ["published_at", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published version is what readers accepted: it never changes.
        if obj is not None and obj.published_at is not None:
            return [field.name for field in TermsVersion._meta.fields]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.text = clean_terms_html(obj.text)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.published_at is None


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "document", "version", "accepted_at"]
    list_filter = ["document", "version"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
