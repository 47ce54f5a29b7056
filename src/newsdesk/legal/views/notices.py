"""Notice and action pages: the reporting page anyone can use ("Melde- und Abhilfestelle"),
the notifier's status page, and the moderators' list of notices with a page per notice.

Every view first checks that the notices part runs (404 otherwise). A refusal is shown on
the page with everything typed kept, or answered as JSON (``{"error", "message"}``) to
requests that accept ``application/json``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from newsdesk.community.models import Comment
from newsdesk.core.errors import ActionRefused, refusal_response
from newsdesk.core.net import client_ip
from newsdesk.legal import notices as domain
from newsdesk.legal import parts
from newsdesk.legal.actions import notices as actions
from newsdesk.legal.models import Notice
from newsdesk.legal.tdb import Category
from newsdesk.legal.views.guards import team_only

PAGE_SIZE = 25
# The honeypot: a field people never see (hidden by the page's style and from screen
# readers); software that fills every field fills it.
HONEYPOT = "website"


class NoticeForm(forms.Form):
    """What a notice says. The checks that matter are the action's; the form only reads."""

    category = forms.ChoiceField(
        label=gettext_lazy("What kind of content is it?"),
        choices=[("", gettext_lazy("Choose…")), *Category.choices],
        required=False,
    )
    location = forms.CharField(
        label=gettext_lazy("Where is it?"),
        help_text=gettext_lazy(
            "The address of each comment (its time stamp links to it) or article, one per line."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    explanation = forms.CharField(
        label=gettext_lazy("Why is it illegal or against our netiquette?"),
        help_text=gettext_lazy(
            "Explain as precisely as you can; name the law or the netiquette rule if you know it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    name = forms.CharField(label=gettext_lazy("Your name (optional)"), required=False)
    email = forms.CharField(
        label=gettext_lazy("Your e-mail address (optional)"),
        help_text=gettext_lazy(
            "Only needed to receive the confirmation and our decision. Notices of child sexual "
            "abuse material may always be sent without name and e-mail."
        ),
        required=False,
        widget=forms.EmailInput(),
    )
    good_faith = forms.BooleanField(
        label=gettext_lazy(
            "I believe in good faith that the information and allegations in this notice are "
            "accurate and complete."
        ),
        required=False,
    )
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """The form's start: the comments of ``?comment=`` (several allowed) as addresses, an
    article's address from ``?url=``, the signed-in reader's name and e-mail."""
    lines = []
    for value in request.GET.getlist("comment"):
        try:
            comment = domain.reportable_comment(value)
        except ActionRefused as refused:
            messages.warning(request, refused.message)
            continue
        line = domain.comment_address(comment)
        if line not in lines:
            lines.append(line)
    url = request.GET.get("url", "").strip()
    if url:
        lines.append(url[:2000])
    initial: dict[str, Any] = {"location": "\n".join(lines)}
    if request.user.is_authenticated:
        profile = getattr(request.user, "community_profile", None)
        initial["name"] = getattr(profile, "display_name", "") or request.user.get_username()
        initial["email"] = request.user.email
    return initial


def _report_page(
    request: HttpRequest, form: NoticeForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "legal/notices/report.html",
        {
            "form": form,
            "error": error,
            "flagger": domain.flagger_of(request.user),
            "min_explanation": domain.min_explanation(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The reporting page, for everyone (no account needed)."""
    parts.require("notices")
    if request.method == "GET":
        return _report_page(request, NoticeForm(initial=_prefill(request)))
    form = NoticeForm(request.POST)
    form.is_valid()  # every field is optional to the form: it only reads
    data = form.cleaned_data
    try:
        if data.get(HONEYPOT) or request.POST.get(HONEYPOT):
            raise ActionRefused(
                "spam",
                _(
                    "The notice could not be sent: the field “Leave this field empty” was "
                    "filled in. Empty it and send the notice again."
                ),
            )
        if request.POST.get("category") and not data.get("category"):
            raise ActionRefused(
                "unknown_category", _("Choose the kind of content from the list of categories.")
            )
        notice = actions.do_submit_notice(
            category=data.get("category") or "",
            explanation=data.get("explanation") or "",
            location=data.get("location") or "",
            notifier_name=data.get("name") or "",
            notifier_email=data.get("email") or "",
            good_faith=bool(data.get("good_faith")),
            language=get_language() or "",
            address=client_ip(request),
            acting_user=request.user,
        )
    except ActionRefused as refused:
        if _wants_json(request):
            return refusal_response(refused)
        return _report_page(request, form, status=refused.status, error=refused.message)
    if _wants_json(request):
        return JsonResponse(
            {"reference": notice.reference, "status_url": domain.status_address(notice)},
            status=201,
        )
    return render(
        request,
        "legal/notices/received.html",
        {"notice": notice, "status_url": domain.status_address(notice)},
        status=201,
    )


@require_GET
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    """A notice's status for its notifier (``?token=``, or their account) and moderators;
    anyone else is told there is no such notice (404)."""
    parts.require("notices")
    found = Notice.objects.select_related("trusted_flagger").filter(reference=reference).first()
    token = request.GET.get("token")
    if found is None or not domain.may_see_notice(found, request.user, token):
        raise Http404(_("There is no such notice, or the link is incomplete."))
    complaint_url = None
    if found.status == Notice.Status.DECIDED and parts.enabled("complaints"):
        complaint_url = reverse("legal:complain_notice", kwargs={"reference": found.reference})
        if token:
            complaint_url += f"?token={found.access_token}"
    return render(
        request,
        "legal/notices/status.html",
        {
            "notice": found,
            "items": found.items.select_related("comment", "article__section"),
            "complaint_url": complaint_url,
            "redress": domain.redress_context(),
        },
    )


# --- for moderators ----------------------------------------------------------------------


class NoticeFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("open", gettext_lazy("open")), ("decided", gettext_lazy("decided"))],
        required=False,
    )
    trusted = forms.BooleanField(label=gettext_lazy("Trusted flaggers only"), required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", gettext_lazy("all")), *Category.choices],
        required=False,
    )


@require_GET
@team_only("notices")
def notices(request: HttpRequest) -> HttpResponse:
    """The moderators' list of notices: open ones first by priority (trusted flaggers'
    first), then oldest first; filters for status, trusted flaggers and category."""
    form = NoticeFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or Notice.Status.OPEN
    rows = (
        Notice.objects.filter(status=status)
        .select_related("trusted_flagger", "decided_by")
        .prefetch_related("items__comment", "items__article")
    )
    if data.get("trusted"):
        rows = rows.filter(trusted_flagger__isnull=False)
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    if status == Notice.Status.OPEN:
        rows = rows.order_by("priority", "received_at", "pk")
    else:
        rows = rows.order_by("-decided_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "legal/notices/list.html",
        {
            "notices": [(row, domain.notifier_kind(row)) for row in page.object_list],
            "page": page,
            "filter": form if form.is_bound else NoticeFilter(),
            "query": query.urlencode(),
            "status": status,
            "section": "notices",
        },
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=Notice.Outcome.choices, required=False
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation for the notifier"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


def _review_page(
    request: HttpRequest, found: Notice, form: DecisionForm, status: int = 200
) -> HttpResponse:
    items = list(found.items.select_related("comment__conversation", "article__section"))
    return render(
        request,
        "legal/notices/review.html",
        {
            "notice": found,
            "items": items,
            "notifier_kind": domain.notifier_kind(found),
            "form": form,
            "shown_comments": [
                item.comment
                for item in items
                if item.comment is not None
                and item.comment.deleted_at is None
                and item.comment.status != Comment.Status.REJECTED
            ],
            "section": "notices",
        },
        status=status,
    )


def _notice_or_404(reference: str) -> Notice:
    found = (
        Notice.objects.select_related("trusted_flagger", "notifier", "decided_by")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise Http404(_("There is no such notice."))
    return found


@require_GET
@team_only("notices")
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """One notice for moderators: what was reported, by whom, and the decision form."""
    return _review_page(request, _notice_or_404(reference), DecisionForm())


@team_only("notices")
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """A moderator's decision on a notice (``do_decide_notice``); POST only. Outsiders are
    refused before the method is looked at (the login page, or 403); moderators get 405 for
    any other method."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = _notice_or_404(reference)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("outcome") and not form.cleaned_data.get("outcome"):
            raise ActionRefused("bad_outcome", _("Choose one of the decisions."))
        actions.do_decide_notice(
            found,
            outcome=form.cleaned_data.get("outcome") or "",
            explanation=form.cleaned_data.get("explanation") or "",
            acting_user=request.user,
        )
    except ActionRefused as refused:
        if _wants_json(request):
            return refusal_response(refused)
        messages.error(request, refused.message)
        return _review_page(request, found, form, status=refused.status)
    if _wants_json(request):
        found.refresh_from_db()
        return JsonResponse({"reference": found.reference, "outcome": found.outcome})
    messages.success(request, _("Notice %(ref)s decided.") % {"ref": found.reference})
    return HttpResponseRedirect(reverse("legal:notices"))
