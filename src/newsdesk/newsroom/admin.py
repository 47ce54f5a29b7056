"""The editors' back office: articles block by block, preview, publish, schedule, history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsdesk.core.admin import AuditTrailMixin
from newsdesk.core.errors import ActionRefused
from newsdesk.newsroom import actions, seo
from newsdesk.newsroom.diffing import diff_snapshots, part_label
from newsdesk.newsroom.forms import (
    ArticleAdminForm,
    AuthorAdminForm,
    BlockForm,
    BlockFormSet,
    ImageAdminForm,
    SectionAdminForm,
)
from newsdesk.newsroom.models import Article, Author, Block, Image, Revision, Section
from newsdesk.newsroom.views import article_context, article_queryset

# Spells German out in the slugs the admin fills in as one types (as newsroom.slugs does).
SLUG_SCRIPT = "newsroom/slugs.js"

admin.site.site_header = gettext_lazy("newsdesk back office")
admin.site.site_title = gettext_lazy("newsdesk back office")
admin.site.index_title = gettext_lazy("Newsroom and community")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    class Media:
        js = [SLUG_SCRIPT]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ("name", "slug", "user")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    class Media:
        js = [SLUG_SCRIPT]

    raw_id_fields = ("user",)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ("thumbnail", "alt_text", "credit", "uploaded_at")
    search_fields = ("alt_text", "credit")

    @admin.display(description=gettext_lazy("image"))
    def thumbnail(self, obj: Image) -> str:
        return format_html('<img src="{}" alt="" height="48">', obj.file.url)


class BlockInline(admin.StackedInline):
    model = Block
    form = BlockForm
    formset = BlockFormSet
    extra = 1
    autocomplete_fields = ("image",)
    fieldsets = [
        (
            None,
            {
                "fields": (
                    ("position", "kind"),
                    "text",
                    ("title", "attribution"),
                    "image",
                    ("caption", "credit"),
                )
            },
        )
    ]


@admin.register(Article)
class ArticleAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BlockInline]
    list_display = (
        "headline",
        "section",
        "status",
        "language",
        "first_published_at",
        "last_updated_at",
    )
    list_filter = ("status", "section", "language")
    list_select_related = ("section",)
    search_fields = ("headline", "kicker", "lead", "slug")
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ("headline",)}

    class Media:
        js = [SLUG_SCRIPT]

    autocomplete_fields = ("authors",)
    readonly_fields = (
        "status",
        "first_published_at",
        "last_updated_at",
        "created_at",
        "modified_at",
    )
    fieldsets = [
        (
            None,
            {
                "fields": (
                    "section",
                    "language",
                    "kicker",
                    "headline",
                    "lead",
                    ("authors", "byline"),
                    "slug",
                )
            },
        ),
        (
            gettext_lazy("Publication"),
            {
                "fields": (
                    "status",
                    "publish_at",
                    "first_published_at",
                    "last_updated_at",
                    "canonical_url",
                )
            },
        ),
        (
            gettext_lazy("Record"),
            {"classes": ("collapse",), "fields": ("external_id", "created_at", "modified_at")},
        ),
    ]
    change_form_template = "admin/newsroom/article/change_form.html"
    view_on_site = False  # the change form links to the reader page in the article's language
    actions = ["publish_selected", "unpublish_selected"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        article = Article.objects.filter(pk=object_id).select_related("section").first()
        extra_context = dict(extra_context or {})
        if article is not None:
            extra_context["reader_url"] = seo.article_path(article)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list:
        own = [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsroom_article_preview",
            ),
            path(
                "<int:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="newsroom_article_revisions",
            ),
        ]
        return own + super().get_urls()

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # staff only
        # The publication time is changed only by the actions in save_related, which queue
        # the worker's task for it and record the change.
        obj.publish_at = (
            Article.objects.filter(pk=obj.pk).values_list("publish_at", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        for index, block in enumerate(article.blocks.order_by("position", "id"), start=1):
            if block.position != index * 10:
                Block.objects.filter(pk=block.pk).update(position=index * 10)
        actions.do_save_article(article, acting_user=request.user)
        try:
            if "_publish" in request.POST:
                actions.do_publish_article(article, acting_user=request.user)
                messages.success(request, _("The article is published."))
            elif "_unpublish" in request.POST:
                actions.do_unpublish_article(article, acting_user=request.user)
                messages.success(request, _("The article is no longer shown to readers."))
            else:
                self._follow_publish_at(request, article, form.cleaned_data.get("publish_at"))
        except ActionRefused as refused:
            # The edit itself is saved; only the change of state was refused.
            messages.error(request, refused.message)

    def _follow_publish_at(self, request: HttpRequest, article: Article, when: Any) -> None:
        """Whatever button saved the form, the article goes out at the time in "Publish at":
        a new or changed time schedules it (again), an emptied one takes it off the schedule."""
        if when is not None:
            if "_schedule" in request.POST or when != article.publish_at:
                actions.do_schedule_article(article, when=when, acting_user=request.user)
                messages.success(
                    request,
                    _("The article will be published on %(time)s.")
                    % {"time": date_format(timezone.localtime(when), "DATETIME_FORMAT")},
                )
        elif article.status == Article.Status.SCHEDULED:
            actions.do_unpublish_article(article, acting_user=request.user)
            messages.success(request, _("The article is no longer scheduled."))

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        if any(key in request.POST for key in ("_publish", "_schedule", "_unpublish")):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def response_add(
        self, request: HttpRequest, obj: Article, post_url_continue: Any = None
    ) -> HttpResponse:
        if any(key in request.POST for key in ("_publish", "_schedule")):
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=gettext_lazy("Publish selected articles"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                actions.do_publish_article(article, acting_user=request.user)
                done += 1
            except ActionRefused as refusal:
                refused.append(f"{article.headline}: {refusal.message}")
        if done:
            messages.success(request, _("%(count)d article(s) published.") % {"count": done})
        for line in refused:
            messages.error(request, line)

    @admin.action(description=gettext_lazy("Unpublish selected articles"), permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            actions.do_unpublish_article(article, acting_user=request.user)
        messages.success(
            request, _("%(count)d article(s) unpublished.") % {"count": queryset.count()}
        )

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        article = get_object_or_404(article_queryset(), pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        context = article_context(article)
        context["preview"] = True
        return TemplateResponse(request, "newsroom/article_preview.html", context)

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("user"))
        for revision in revisions:
            revision.changed_labels = [part_label(part) for part in revision.changed]  # type: ignore[attr-defined]
        by_id = {str(rev.pk): rev for rev in revisions}
        old_id, new_id = request.GET.get("a"), request.GET.get("b")
        diff = None
        if old_id or new_id:
            old, new = by_id.get(old_id or ""), by_id.get(new_id or "")
            if old is None or new is None:
                messages.error(request, _("Choose two revisions of this article to compare."))
            else:
                if old.created_at > new.created_at:
                    old, new = new, old
                diff = {"old": old, "new": new, "parts": diff_snapshots(old.snapshot, new.snapshot)}
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of “%(headline)s”") % {"headline": article.headline},
            "opts": self.model._meta,
            "original": article,
            "revisions": revisions,
            "diff": diff,
        }
        return TemplateResponse(request, "admin/newsroom/article/revisions.html", context)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "created_at", "user", "note")
    list_select_related = ("article", "user")
    readonly_fields = ("article", "created_at", "user", "note", "changed", "snapshot")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the article's history stays whole
