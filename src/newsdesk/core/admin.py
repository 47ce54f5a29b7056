"""Back office: user accounts (the admin role manages staff, not superusers) and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from newsdesk.core.actions import access_of, do_record_access_change
from newsdesk.core.models import AuditEvent

User = get_user_model()

# Fields that would let an account give itself every right there is.
ESCALATING_FIELDS = ("is_superuser", "user_permissions")


class AuditTrailMixin:
    """A ModelAdmin's "History" shows the object's audit trail (newest first) to whoever may
    view the object."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        admin_self: Any = self
        obj = admin_self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such object."))
        if not admin_self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        events = AuditEvent.objects.filter(
            target_type=content_type, target_id=str(obj.pk)
        ).select_related("actor")
        context = {
            **admin_self.admin_site.each_context(request),
            "title": _("Audit trail: %(object)s") % {"object": obj},
            "opts": admin_self.model._meta,
            "object": obj,
            "events": events[:500],
            "can_see_all": request.user.has_perm("core.view_auditevent"),
            "all_url": reverse("admin:core_auditevent_changelist")
            + f"?target_type__id__exact={content_type.pk}&target_id={obj.pk}",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/core/object_trail.html", context)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The whole trail, filterable; nobody adds, changes or deletes a row here."""

    list_display = ["created_at", "event_type", "actor", "target_type", "target_label"]
    list_filter = ["event_type", "target_type", "created_at"]
    search_fields = ["target_label", "target_id", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]
    readonly_fields = [
        "created_at",
        "event_type",
        "actor",
        "target_type",
        "target_id",
        "target_label",
        "old_value",
        "new_value",
        "address_hash",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleSafeUserAdmin(AuditTrailMixin, UserAdmin):
    """The admin role may create editors and moderators; only superusers make superusers."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:  # type: ignore[union-attr]
            fields.extend(name for name in ESCALATING_FIELDS if name not in fields)
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:  # type: ignore[union-attr]
            return False  # a superuser's password or e-mail would be an account takeover
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:  # type: ignore[union-attr]
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Roles and flags before this save, for the audit trail (None for a new account).
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        request._access_before = access_of(stored) if stored is not None else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        do_record_access_change(
            form.instance,
            before=getattr(request, "_access_before", None),
            acting_user=request.user,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RoleSafeUserAdmin)
