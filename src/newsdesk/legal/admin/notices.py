"""Trusted flaggers in the back office (administrators register them, Art. 22), and the
notices (read-only: they are decided in the moderators' workspace)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newsdesk.core.roles import ADMIN, user_has_role
from newsdesk.legal.actions.notices import do_save_flagger
from newsdesk.legal.models import Notice, TrustedFlagger
from newsdesk.legal.tdb import Category


class TrustedFlaggerForm(forms.ModelForm):  # type: ignore[type-arg]
    areas = forms.MultipleChoiceField(
        label=_("areas of expertise"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The kinds of content the organisation is expert in."),
    )

    class Meta:
        model = TrustedFlagger
        fields = ["name", "areas", "contact_email", "website", "active", "members"]


@admin.register(TrustedFlagger)
class TrustedFlaggerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Only administrators change trusted flaggers; moderators may look. Every change goes
    through ``do_save_flagger`` (audit row ``legal.flagger_changed``)."""

    form = TrustedFlaggerForm
    list_display = ["name", "area_labels", "member_count", "active", "registered_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    readonly_fields = ["registered_at", "registered_by"]

    @admin.display(description=_("areas of expertise"))
    def area_labels(self, flagger: TrustedFlagger) -> str:
        labels = dict(Category.choices)
        return ", ".join(str(labels.get(area, area)) for area in flagger.areas or [])

    @admin.display(description=_("members"))
    def member_count(self, flagger: TrustedFlagger) -> int:
        return flagger.members.count()

    def _is_admin(self, request: HttpRequest) -> bool:
        return user_has_role(request.user, ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # notices keep their flagger; deactivate instead

    def save_model(
        self, request: HttpRequest, obj: TrustedFlagger, form: Any, change: bool
    ) -> None:
        pass  # saved with its members in save_related, through the action

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        do_save_flagger(
            form.instance, members=form.cleaned_data["members"], acting_user=request.user
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Notices, to look up (read-only)."""

    list_display = ["reference", "category", "status", "outcome", "priority", "received_at"]
    list_filter = ["status", "outcome", "category"]
    search_fields = ["reference"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
