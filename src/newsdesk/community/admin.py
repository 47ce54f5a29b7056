"""Back office for the community: opening hours, notices, per-section and per-article rules."""

from __future__ import annotations

from django.contrib import admin

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
    list_display = ["language", "report_url"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "url", "mode", "comment_count", "created_at"]
    list_filter = ["mode"]
    search_fields = ["title", "url"]
    raw_id_fields = ["article"]
    readonly_fields = ["comment_count"]
    list_select_related = ["article"]


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    readonly_fields = ["text", "written_at", "replaced_at"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "conversation", "language", "created_at", "deleted_at"]
    list_filter = ["language"]
    search_fields = ["text"]
    raw_id_fields = ["conversation", "parent", "root", "author"]
    readonly_fields = ["upvotes", "downvotes", "score", "reply_count", "ip_address"]
    list_select_related = ["author", "conversation"]
    inlines = [RevisionInline]

    def has_add_permission(self, request: object) -> bool:
        return False  # comments are written by readers, through the domain functions


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "notify_replies", "created_at"]
    search_fields = ["display_name", "user__email"]
    raw_id_fields = ["user"]
