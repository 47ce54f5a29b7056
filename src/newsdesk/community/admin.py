"""Back office for the community: opening hours, notices, per-section and per-article rules.

Comments and profiles change here only through the community's actions (audited); nothing
readers wrote is hard-deleted from the back office.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsdesk.community import actions
from newsdesk.community.models import (
    ClosedPeriod,
    Comment,
    CommentRevision,
    Conversation,
    Notice,
    Profile,
    ScheduleException,
    SectionPolicy,
)
from newsdesk.core.admin import AuditTrailMixin


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "weekday", "starts", "ends"]


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]


@admin.register(SectionPolicy)
class SectionPolicyAdmin(admin.ModelAdmin):
    list_display = ["section", "mode", "closes_after_days"]
    list_select_related = ["section"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["language", "report_url", "closed_message"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "url", "mode", "comment_count", "created_at"]
    list_filter = ["mode"]
    search_fields = ["title", "url"]
    raw_id_fields = ["article"]
    readonly_fields = ["comment_count"]
    list_select_related = ["article"]

    actions = ["merge_conversations"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting a conversation would delete every comment in it

    @admin.action(
        description=gettext_lazy("Merge the selected conversations into one"),
        permissions=["change"],
    )
    def merge_conversations(
        self, request: HttpRequest, queryset: QuerySet[Conversation]
    ) -> TemplateResponse | None:
        """First a page to choose the conversation the others go into, then the merges
        (community.actions.do_merge_conversations, one audit row each)."""
        chosen = list(queryset.select_related("article").order_by("pk"))
        into_value = request.POST.get("into", "")
        into = next((item for item in chosen if str(item.pk) == into_value), None)
        if request.POST.get("confirmed") and into is not None:
            merged = 0
            for source in chosen:
                if source.pk == into.pk:
                    continue
                try:
                    actions.do_merge_conversations(source, into=into, acting_user=request.user)
                except actions.CommentRefused as refused:
                    self.message_user(request, f"{source}: {refused.message}", messages.ERROR)
                else:
                    merged += 1
            if merged:
                self.message_user(
                    request,
                    _("%(count)d conversation(s) merged into “%(into)s”.")
                    % {"count": merged, "into": into},
                    messages.SUCCESS,
                )
            return None
        if len(chosen) < 2:
            self.message_user(
                request, _("Select at least two conversations to merge."), messages.WARNING
            )
            return None
        return TemplateResponse(
            request,
            "admin/community/conversation/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge conversations"),
                "opts": self.model._meta,
                "conversations": chosen,
                "suggested": next((item for item in chosen if item.article_id), chosen[0]),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    readonly_fields = ["text", "written_at", "replaced_at"]


class StaffCommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]

    def clean_text(self) -> str:
        return actions.check_text(self.cleaned_data["text"])


COMMENT_FIELDS = [
    "conversation",
    "parent",
    "author",
    "language",
    "created_at",
    "edited_at",
    "deleted_at",
    "text",
    "upvotes",
    "downvotes",
    "score",
    "reply_count",
    "ip_address",
]


@admin.register(Comment)
class CommentAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = StaffCommentForm
    list_display = ["__str__", "author", "conversation", "language", "created_at", "deleted_at"]
    list_filter = ["language"]
    search_fields = ["text"]
    fields = tuple(COMMENT_FIELDS)
    readonly_fields = [name for name in COMMENT_FIELDS if name != "text"]
    list_select_related = ["author", "conversation"]
    inlines = [RevisionInline]
    actions = ["remove_selected"]

    def has_add_permission(self, request: object) -> bool:
        return False  # comments are written by readers, through the domain functions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removal keeps replies and history: the "remove" action below

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        stored = Comment.objects.select_related("conversation").get(pk=obj.pk)
        actions.do_edit_comment_as_staff(stored, text_value=obj.text, acting_user=request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # revisions are read-only; the action wrote the new one

    @admin.action(
        description=gettext_lazy("Remove selected comments (replies stay)"),
        permissions=["change"],
    )
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done = 0
        for comment in queryset.filter(deleted_at__isnull=True):
            actions.do_delete_comment(comment, acting_user=request.user)
            done += 1
        messages.success(request, _("%(count)d comment(s) removed.") % {"count": done})


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "notify_replies"]

    def clean_display_name(self) -> str:
        return actions.check_display_name(
            self.cleaned_data["display_name"], exclude_user=self.instance.user
        )


@admin.register(Profile)
class ProfileAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ["display_name", "user", "notify_replies", "created_at"]
    search_fields = ["display_name", "user__email"]
    readonly_fields = ["user", "created_at"]
    fields = ["user", "display_name", "notify_replies", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every account gets its profile when it is made

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an account is deleted with its profile, by the reader or an admin

    def save_model(self, request: HttpRequest, obj: Profile, form: Any, change: bool) -> None:
        stored = Profile.objects.select_related("user").get(pk=obj.pk)
        actions.do_update_profile(
            stored,
            display_name=form.cleaned_data["display_name"],
            notify_replies=form.cleaned_data["notify_replies"],
            acting_user=request.user,
        )
