"""The moderators' workspace: queues, decisions, sanctions, word lists and the audit trail.

Every view lets only moderators in (``community.actions.can_moderate``: anonymous visitors
go to the login, everyone else gets 403), reads through ``queries`` and changes state through
one action of ``moderation.actions``. A refusal (``ActionRefused``) becomes a page message,
or the JSON refusal for the workspace's script (requests that accept ``application/json``).
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.community.actions import can_moderate
from newsdesk.community.models import Comment
from newsdesk.core.errors import ActionRefused, refusal_response
from newsdesk.core.models import AuditEvent, AuditJSONEncoder
from newsdesk.moderation import actions, queries
from newsdesk.moderation.forms import (
    AuditFilterForm,
    BulkForm,
    DecisionForm,
    SanctionForm,
    SearchForm,
    WordListForm,
    reason_choices,
)
from newsdesk.moderation.models import Case, Reason, Sanction, WordList

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
# An export holds at most this many events (narrow the filter for more).
EXPORT_LIMIT = 50_000


def moderators_only(view: View[P]) -> View[P]:
    """Let moderators (and admins) through; anonymous visitors go to the login page,
    everyone else is refused (403)."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_moderate(moderator(request)):
            raise PermissionDenied(_("Only moderators can do this."))
        return view(request, *args, **kwargs)

    return guarded


def moderator(request: HttpRequest) -> User:
    """The signed-in user (the views only run for them)."""
    return cast(User, request.user)


def wants_json(request: HttpRequest) -> bool:
    """The workspace's script asks for JSON; forms without it get pages."""
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a form: its ``next`` field when it is on this site, else default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _refused(request: HttpRequest, refused: ActionRefused, back: str) -> HttpResponse:
    if wants_json(request):
        return refusal_response(refused)
    messages.error(request, refused.message)
    return HttpResponseRedirect(back)


def _invalid(form: Any) -> ActionRefused:
    """A form's errors as one refusal (code ``invalid``), each after its field's label."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        parts.extend(f"{label}{message}" for message in errors)
    return ActionRefused("invalid", " ".join(parts) or _("The form is not complete."))


def _reason(code: str) -> Reason:
    """The active reason ``code`` names (refusals: ``reason_needed``, ``unknown_reason``)."""
    if not code:
        raise ActionRefused("reason_needed", _("Choose one of the reasons."))
    return actions.reason_by_code(code)


def _queue_url(queue: str = Case.Queue.PENDING) -> str:
    return reverse("moderation:queue", kwargs={"queue": queue})


# --- queues -----------------------------------------------------------------------------


@require_GET
@moderators_only
def queue_page(request: HttpRequest, queue: str = Case.Queue.PENDING) -> HttpResponse:
    """One queue (or the search over all comments), paginated, with its filters."""
    if queue not in queries.QUEUES:
        raise Http404(_("No such queue."))
    search = SearchForm(request.GET or None)
    comments = queries.queue_comments(queue)
    if search.is_bound and search.is_valid():
        data = search.cleaned_data
        comments = queries.search(
            comments,
            text=data["q"],
            author=data["author"],
            article=data["article"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(comments, PAGE_SIZE).get_page(request.GET.get("page"))
    items = queries.queue_items(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    counts = queries.queue_counts()
    return render(
        request,
        "moderation/workspace/queue.html",
        {
            "queue": queue,
            "queue_label": queries.QUEUES[queue],
            "tabs": [
                {"code": code, "label": label, "count": counts.get(code)}
                for code, label in queries.QUEUES.items()
            ],
            "items": items,
            "page": page,
            "query": query.urlencode(),
            "search": search,
            "reasons": reason_choices()[1:],
            "sanction_form": SanctionForm(initial={"kind": Sanction.Kind.BAN}),
            "here": request.get_full_path(),
        },
    )


@require_GET
@moderators_only
def counts(request: HttpRequest) -> JsonResponse:
    """How many comments each queue holds, for the tabs (polled by the workspace)."""
    return JsonResponse({"counts": queries.queue_counts()})


@require_GET
@moderators_only
def comment_page(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment as a workspace item; ``?fragment=1``: only the item (the script reloads
    an item with it after another moderator decided)."""
    item = queries.comment_item(comment_id)
    if item is None:
        raise Http404(_("No such comment."))
    context = {
        "item": item,
        "reasons": reason_choices()[1:],
        "here": request.GET.get("next") or request.get_full_path(),
    }
    if request.GET.get("fragment"):
        return render(request, "moderation/workspace/_item.html", context)
    return render(request, "moderation/workspace/comment.html", context)


# --- decisions --------------------------------------------------------------------------


def _decided(request: HttpRequest, comment: Comment, message: str, back: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {
                "comment": comment.pk,
                "status": comment.status,
                "message": message,
                "counts": queries.queue_counts(),
            }
        )
    messages.success(request, message)
    return HttpResponseRedirect(back)


@moderators_only
@require_POST
def approve(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    back = _back(request, _queue_url())
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        actions.do_approve_comment(
            comment,
            acting_user=moderator(request),
            expected=form.cleaned_data["expected"] or None,
            note=form.cleaned_data["note"],
        )
    except ActionRefused as refused:
        return _refused(request, refused, back)
    return _decided(request, comment, _("Comment #%(id)s approved.") % {"id": comment.pk}, back)


@moderators_only
@require_POST
def reject(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    back = _back(request, _queue_url())
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        actions.do_reject_comment(
            comment,
            reason=_reason(form.cleaned_data["reason"]),
            note=form.cleaned_data["note"],
            expected=form.cleaned_data["expected"] or None,
            acting_user=moderator(request),
        )
    except ActionRefused as refused:
        return _refused(request, refused, back)
    return _decided(request, comment, _("Comment #%(id)s rejected.") % {"id": comment.pk}, back)


@moderators_only
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected comments, each through its action; refusals (already
    decided by someone else, deleted by its author) are reported one by one."""
    back = _back(request, _queue_url())
    form = BulkForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        decision = form.cleaned_data["decision"]
        reason: Reason | None = None
        if decision == "reject":
            reason = _reason(form.cleaned_data["reason"])
    except ActionRefused as refused:
        return _refused(request, refused, back)
    seen: dict[int, str] = form.cleaned_data["selected"]
    comments = Comment.objects.in_bulk(list(seen))
    done: list[int] = []
    refusals: list[dict[str, Any]] = []
    for comment_id, expected in seen.items():
        comment = comments.get(comment_id)
        try:
            if comment is None:
                raise ActionRefused("gone", _("This comment no longer exists."), status=404)
            if reason is None:
                actions.do_approve_comment(
                    comment,
                    acting_user=moderator(request),
                    expected=expected,
                    note=form.cleaned_data["note"],
                )
            else:
                actions.do_reject_comment(
                    comment,
                    reason=reason,
                    note=form.cleaned_data["note"],
                    expected=expected,
                    acting_user=moderator(request),
                )
        except ActionRefused as refused:
            refusals.append(
                {"comment": comment_id, "error": refused.code, "message": refused.message}
            )
        else:
            done.append(comment_id)
    if wants_json(request):
        return JsonResponse(
            {"done": done, "refused": refusals, "counts": queries.queue_counts()},
            status=200 if done or not refusals else 409,
        )
    if done:
        text = (
            ngettext("%(count)d comment approved.", "%(count)d comments approved.", len(done))
            if reason is None
            else ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", len(done))
        )
        messages.success(request, text % {"count": len(done)})
    for refusal in refusals:
        messages.error(
            request,
            _("Comment #%(id)s: %(message)s")
            % {"id": refusal["comment"], "message": refusal["message"]},
        )
    return HttpResponseRedirect(back)


# --- readers: sanctions and trust -------------------------------------------------------


def _reader_page(
    request: HttpRequest, reader: User, form: SanctionForm, status: int = 200
) -> HttpResponse:
    record = queries.author_records([reader])[reader.pk]
    recent = list(
        Comment.objects.filter(author=reader)
        .select_related("conversation__article__section", "moderation_case__reason")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request,
        "moderation/workspace/reader.html",
        {
            "reader": reader,
            "record": record,
            "form": form,
            "recent": recent,
            "active_ids": {sanction.pk for sanction in record.active_sanctions},
            "search_url": f"{_queue_url('all')}?author={reader.get_username()}",
        },
        status=status,
    )


@require_GET
@moderators_only
def reader_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """A reader's sanctions (in force and past), trust and latest comments."""
    reader = get_object_or_404(User, pk=user_id)
    initial = {"kind": request.GET.get("kind") or Sanction.Kind.WARN}
    return _reader_page(request, reader, SanctionForm(initial=initial))


@moderators_only
@require_POST
def impose_sanction(request: HttpRequest, user_id: int) -> HttpResponse:
    reader = get_object_or_404(User, pk=user_id)
    form = SanctionForm(request.POST)
    back = _back(request, reverse("moderation:reader", kwargs={"user_id": reader.pk}))
    try:
        if not form.is_valid():
            raise _invalid(form)
        sanction = actions.do_impose_sanction(
            reader,
            kind=form.cleaned_data["kind"],
            reason=_reason(form.cleaned_data["reason"]),
            ends_at=form.cleaned_data["ends_at"],
            note=form.cleaned_data["note"],
            acting_user=moderator(request),
        )
    except ActionRefused as refused:
        if wants_json(request):
            return refusal_response(refused)
        # The reader's page with the form as it was sent and the refusal beside it.
        messages.error(request, refused.message)
        return _reader_page(request, reader, form, status=refused.status)
    text = _("%(measure)s imposed on %(reader)s.") % {
        "measure": sanction.get_kind_display(),
        "reader": queries.display_name(reader),
    }
    if wants_json(request):
        return JsonResponse({"sanction": sanction.pk, "message": text})
    messages.success(request, text)
    return HttpResponseRedirect(back)


@moderators_only
@require_POST
def lift_sanction(request: HttpRequest, sanction_id: int) -> HttpResponse:
    sanction = get_object_or_404(Sanction.objects.select_related("user"), pk=sanction_id)
    back = _back(request, reverse("moderation:reader", kwargs={"user_id": sanction.user_id}))
    try:
        actions.do_lift_sanction(sanction, acting_user=moderator(request))
    except ActionRefused as refused:
        return _refused(request, refused, back)
    messages.success(request, _("The sanction was lifted."))
    return HttpResponseRedirect(back)


@moderators_only
@require_POST
def set_trust(request: HttpRequest, user_id: int) -> HttpResponse:
    reader = get_object_or_404(User, pk=user_id)
    back = _back(request, reverse("moderation:reader", kwargs={"user_id": reader.pk}))
    trusted = request.POST.get("trusted") == "1"
    try:
        actions.do_set_trusted(reader, trusted=trusted, acting_user=moderator(request))
    except ActionRefused as refused:
        return _refused(request, refused, back)
    messages.success(
        request,
        (
            _("%(reader)s's comments now skip pre-moderation.")
            if trusted
            else _("%(reader)s's comments are pre-moderated like everyone's again.")
        )
        % {"reader": queries.display_name(reader)},
    )
    return HttpResponseRedirect(back)


# --- word lists and reasons -------------------------------------------------------------


def _reasons_admin_url() -> str:
    try:
        return reverse("admin:moderation_reason_changelist")
    except NoReverseMatch:  # the back office has no page for reasons yet
        return ""


@moderators_only
@require_http_methods(["GET", "POST"])
def word_lists(request: HttpRequest) -> HttpResponse:
    """The banned and suspect lists as text; the reasons (edited in the back office)."""
    stored = {row.kind: row for row in WordList.objects.all()}
    forms = {
        kind: WordListForm(
            initial={"source": stored[kind].source if kind in stored else ""}, prefix=kind
        )
        for kind in WordList.Kind.values
    }
    refusals: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in forms:
            raise Http404(_("No such word list."))
        old = stored[kind].source if kind in stored else ""
        form = WordListForm(request.POST, prefix=kind, had_entries=bool(old.strip()))
        forms[kind] = form
        try:
            if not form.is_valid():
                raise _invalid(form)
            actions.do_change_word_list(
                kind, source=form.cleaned_data["source"], acting_user=moderator(request)
            )
        except ActionRefused as refused:
            if wants_json(request):
                return refusal_response(refused)
            refusals[kind] = refused.message
            status = refused.status
        else:
            messages.success(
                request,
                _("The list “%(list)s” was saved.") % {"list": WordList.Kind(kind).label},
            )
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "moderation/workspace/word_lists.html",
        {
            "lists": [
                {
                    "kind": kind,
                    "label": WordList.Kind(kind).label,
                    "form": forms[kind],
                    "refusal": refusals.get(kind, ""),
                    "updated_at": stored[kind].updated_at if kind in stored else None,
                }
                for kind in WordList.Kind.values
            ],
            "reasons": Reason.objects.order_by("position", "label"),
            "reasons_admin_url": _reasons_admin_url(),
            "section": "word_lists",
        },
        status=status,
    )


# --- the audit trail --------------------------------------------------------------------

EXPORT_FIELDS = [
    "time",
    "event",
    "actor",
    "object_type",
    "object_id",
    "object",
    "before",
    "after",
]


def _export_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "time": event.created_at.isoformat(),
        "event": event.event_type,
        "actor": event.actor.get_username() if event.actor else "",
        "object_type": (
            f"{event.target_type.app_label}.{event.target_type.model}" if event.target_type else ""
        ),
        "object_id": event.target_id,
        "object": event.target_label,
        "before": event.old_value,
        "after": event.new_value,
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """A CSV cell that spreadsheets show as text: object labels are readers' words, and a
    leading = + - @ would make them a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_lines(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_FIELDS)
    for event in events.iterator(chunk_size=500):
        row = _export_row(event)
        row["before"], row["after"] = _as_json(row["before"]), _as_json(row["after"])
        yield writer.writerow([_cell(str(row[name])) for name in EXPORT_FIELDS])


@require_GET
@moderators_only
def audit(request: HttpRequest) -> HttpResponseBase:
    """Moderation's audit events, newest first, filtered by type, moderator and date;
    ``?format=csv`` or ``?format=json`` exports what the filter selects."""
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return render(
                request,
                "moderation/workspace/audit.html",
                {"form": form, "page": None, "query": "", "section": "audit"},
                status=400,
            )
        data = form.cleaned_data
        filters = {
            "event_type": data["event_type"],
            "actor": data["actor"],
            "since": data["since"],
            "until": data["until"],
        }
    events = queries.audit_events(**filters)
    export = request.GET.get("format", "")
    if export == "csv":
        response = StreamingHttpResponse(
            _csv_lines(events[:EXPORT_LIMIT]), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="moderation-audit.csv"'
        return response
    if export == "json":
        exported = JsonResponse(
            {"events": [_export_row(event) for event in events[:EXPORT_LIMIT]]},
            encoder=AuditJSONEncoder,
            json_dumps_params={"ensure_ascii": False},
        )
        exported["Content-Disposition"] = 'attachment; filename="moderation-audit.json"'
        return exported
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    rows = [
        {"event": event, "old": _as_json(event.old_value), "new": _as_json(event.new_value)}
        for event in page.object_list
    ]
    return render(
        request,
        "moderation/workspace/audit.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "section": "audit"},
    )


def _as_json(value: Any) -> str:
    return "" if value is None else json.dumps(value, cls=AuditJSONEncoder, ensure_ascii=False)
