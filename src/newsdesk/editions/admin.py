"""Back office: editions per article, the review queue, side-by-side post-editing, policies."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsdesk.core.admin import AuditTrailMixin
from newsdesk.core.errors import ActionRefused
from newsdesk.editions import actions as edition_actions
from newsdesk.editions.demo import missing_pairs, waiting_notice
from newsdesk.editions.models import Edition, EditionPolicy, HeldEdition
from newsdesk.translation.languages import language_name


@admin.register(EditionPolicy)
class EditionPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "section", "language", "mode")
    list_editable = ("mode",)
    list_filter = ("language", "mode")
    list_select_related = ("section",)


def _warn_if_no_model(request: HttpRequest) -> None:
    pairs = missing_pairs()
    if pairs:
        messages.warning(request, waiting_notice(pairs))


class EditionAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = (
        "headline",
        "language",
        "state",
        "model_version",
        "age",
        "flagged",
        "queued",
        "short_error",
        "reader_link",
    )
    list_filter: ClassVar[Any] = ("state", "language", "flagged", "article__section")
    list_select_related = ("article", "article__section")
    search_fields = ("article__headline", "article__slug")
    actions = ["approve_selected", "retranslate_selected"]
    change_form_template = "admin/editions/edition/post_edit.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # editions come from the workflow only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retranslate instead; the workflow keeps one edition per language

    @admin.display(description=gettext_lazy("article"), ordering="article__headline")
    def headline(self, obj: Edition) -> str:
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return format_html(
            '{} <a href="{}?article__id__exact={}" title="{}">⇶</a>',
            obj.article.headline,
            url,
            obj.article_id,
            _("all editions of this article"),
        )

    @admin.display(description=gettext_lazy("age"), ordering="translated_at")
    def age(self, obj: Edition) -> str:
        return timesince(obj.translated_at) if obj.translated_at else "—"

    @admin.display(description=gettext_lazy("error"))
    def short_error(self, obj: Edition) -> str:
        return obj.error[:120] if obj.error else ""

    @admin.display(description=gettext_lazy("reader page"))
    def reader_link(self, obj: Edition) -> str:
        if not obj.is_visible:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET":
            _warn_if_no_model(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description=gettext_lazy("Approve selected editions"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        done = 0
        for edition in queryset:
            try:
                edition_actions.do_approve_edition(edition, acting_user=request.user)
                done += 1
            except ActionRefused as refused:
                messages.error(request, f"{edition}: {refused.message}")
        if done:
            messages.success(request, _("%(count)d edition(s) approved.") % {"count": done})

    @admin.action(
        description=gettext_lazy("Translate selected editions again (current model)"),
        permissions=["change"],
    )
    def retranslate_selected(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        done = 0
        for edition in queryset.select_related("article"):
            try:
                edition_actions.do_retranslate_edition(edition, acting_user=request.user)
                done += 1
            except ActionRefused as refused:
                messages.error(request, f"{edition}: {refused.message}")
        if done:
            messages.success(
                request, _("%(count)d edition(s) will be translated again.") % {"count": done}
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The side-by-side post-editing view: source | machine | correction."""
        if not object_id.isdigit():
            raise Http404(_("No such edition."))
        edition = get_object_or_404(
            Edition.objects.select_related("article", "article__section", "reviewed_by"),
            pk=int(object_id),
        )
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, edition):
                raise PermissionDenied
            return self._post_edit(request, edition)
        _warn_if_no_model(request)
        segments = [s for s in edition.segments.order_by("position") if s.translatable]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Post-edit: %(edition)s") % {"edition": edition},
            "edition": edition,
            "segments": segments,
            "can_change": self.has_change_permission(request, edition),
            "original_admin_url": reverse(
                "admin:newsroom_article_change", args=[edition.article_id]
            ),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def _post_edit(self, request: HttpRequest, edition: Edition) -> HttpResponse:
        corrections: dict[int, str] = {}
        for key, value in request.POST.items():
            if key.startswith("segment-"):
                number = key.removeprefix("segment-")
                if not number.isdigit():
                    messages.error(request, _("Unknown field %(name)s.") % {"name": key})
                    return HttpResponseRedirect(request.path)
                corrections[int(number)] = str(value)
        try:
            if "_retranslate" in request.POST:
                edition_actions.do_retranslate_edition(edition, acting_user=request.user)
                messages.success(request, _("The edition will be translated again."))
                return HttpResponseRedirect(request.path)
            changed = edition_actions.do_post_edit_edition(
                edition, corrections=corrections, acting_user=request.user
            )
            if changed:
                messages.success(
                    request,
                    _("%(count)d correction(s) saved; the memory uses them from now on.")
                    % {"count": len(changed)},
                )
            if "_approve" in request.POST:
                edition_actions.do_approve_edition(edition, acting_user=request.user)
                messages.success(request, _("The edition is approved and published."))
        except ValidationError as exc:  # ActionRefused, or the markup check of a correction
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(request.path)


admin.site.register(Edition, EditionAdmin)


@admin.register(HeldEdition)
class HeldEditionAdmin(EditionAdmin):
    """Everything waiting for an editor: held for review (checks failed or review first)."""

    list_filter: ClassVar[Any] = ("language", "flagged", "article__section")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Edition]:
        return super().get_queryset(request).filter(state=Edition.State.HELD)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:editions_edition_change", args=[object_id]))


def article_tools(context: Any) -> str:
    """Buttons on the article form: this article's editions, with how many there are, and for
    each language whose edition waits for a translation model, what to install (an editor who
    has just published sees it on the page the publication leads back to)."""
    article = context.get("original")
    if article is None or not article.pk:
        return ""
    count = Edition.objects.filter(article=article).count()
    url = reverse("admin:editions_edition_changelist")
    tools = format_html(
        '<li><a href="{}?article__id__exact={}">{}</a></li>',
        url,
        article.pk,
        _("Translated editions (%(count)d)") % {"count": count},
    )
    if article.is_published:
        for language in editions_waiting_for_model(article):
            tools += format_html(
                '<li><a class="edition-waiting" href="{}?article__id__exact={}" title="{}">'
                "{}</a></li>",
                url,
                article.pk,
                waiting_notice([f"{article.language}-{language}"]),
                _(
                    "The %(language)s edition waits for a translation model: "
                    "newsdesk models install %(pair)s"
                )
                % {
                    "language": language_name(language),
                    "pair": f"{article.language}-{language}",
                },
            )
    return tools


def editions_waiting_for_model(article: Any) -> list[str]:
    """The languages of this article whose pair the translation engine cannot translate."""
    from newsdesk.editions.source import target_languages

    missing = set(missing_pairs())
    return [lang for lang in target_languages(article) if f"{article.language}-{lang}" in missing]
