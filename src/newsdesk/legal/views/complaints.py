"""Internal complaints (Art. 20): the complainant's page (against a statement of reasons, or the
decision on a notice) and the moderators' queue, complaint page and decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.core.errors import ActionRefused
from newsdesk.core.net import client_ip
from newsdesk.legal import complaints as rules
from newsdesk.legal import parts
from newsdesk.legal.actions.complaints import do_decide_complaint, do_file_complaint
from newsdesk.legal.models import Complaint, Notice, Statement
from newsdesk.legal.views.guards import team_only
from newsdesk.moderation.actions import reason_by_code
from newsdesk.moderation.forms import reason_choices
from newsdesk.moderation.views import moderator

PAGE_SIZE = 25
P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why is the decision wrong?"),
        max_length=rules.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("upheld", gettext_lazy("Uphold: the decision is reversed")),
            ("rejected", gettext_lazy("Reject: the decision stands")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=gettext_lazy("Reasoned answer (e-mailed to both sides)"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for removing the reported comments"),
        max_length=40,
        required=False,
    )


# --- the complainant's page -------------------------------------------------------------


def _complain(
    request: HttpRequest, subject: Statement | Notice, *, token: str, here: str
) -> HttpResponse:
    """GET: the decision, the window and the form (or the complaint already filed);
    POST: file. A refusal is shown with the complainant's text kept in the form."""
    try:
        rules.check_complainant(subject, request.user, token)
    except ActionRefused as refused:
        if refused.code == "login_required":
            return redirect_to_login(request.get_full_path())
        # Nothing about the decision for someone who is not a party to it.
        return render(
            request,
            "legal/complaints/refused.html",
            {"refusal": refused},
            status=refused.status,
        )
    existing = rules.existing_complaint(subject)
    form = ComplaintForm(request.POST or None)
    refusal: ActionRefused | None = None
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ActionRefused(
                    "text_needed", _("Please say why you think the decision is wrong.")
                )
            do_file_complaint(
                subject,
                text=form.cleaned_data["text"],
                token=token,
                acting_user=request.user,
                address=client_ip(request),
            )
        except ActionRefused as refused:
            refusal, status = refused, refused.status
        else:
            messages.success(
                request,
                _("Your complaint has arrived. We confirm it by e-mail and answer you there."),
            )
            return HttpResponseRedirect(here)
    elif existing is None:
        try:
            rules.check_window(subject)
        except ActionRefused as refused:
            refusal = refused
    told = rules.told_at(subject)
    closes = rules.window_closes(told) if told else None
    return render(
        request,
        "legal/complaints/file.html",
        {
            "subject": subject,
            "is_statement": isinstance(subject, Statement),
            "form": form,
            "token": token,
            "existing": existing,
            "refusal": refusal,
            "told_at": told,
            "last_day": (
                timezone.localtime(closes - dt.timedelta(microseconds=1)).date() if closes else None
            ),
            "action": here,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def complain_statement(request: HttpRequest, statement_id: int) -> HttpResponse:
    """The affected reader complains about a statement of reasons (signed in)."""
    parts.require("complaints")
    statement = get_object_or_404(
        Statement.objects.select_related("comment", "sanction", "notice"), pk=statement_id
    )
    here = reverse("legal:complain_statement", kwargs={"statement_id": statement.pk})
    return _complain(request, statement, token="", here=here)


@require_http_methods(["GET", "POST"])
def complain_notice(request: HttpRequest, reference: str) -> HttpResponse:
    """The notifier complains about the decision on their notice (their account, or
    ``?token=`` from the notice's e-mails)."""
    parts.require("complaints")
    notice = get_object_or_404(Notice, reference=reference)
    token = request.POST.get("token") or request.GET.get("token") or ""
    here = reverse("legal:complain_notice", kwargs={"reference": notice.reference})
    if token:
        here += "?" + urlencode({"token": token})
    return _complain(request, notice, token=token, here=here)


# --- the moderators' side ---------------------------------------------------------------

STATUS_FILTERS = {
    "open": Complaint.Status.OPEN,
    "upheld": Complaint.Status.UPHELD,
    "rejected": Complaint.Status.REJECTED,
}


@require_GET
@team_only("complaints")
def complaints_queue(request: HttpRequest) -> HttpResponse:
    """Complaints, oldest open first (``?status=open|upheld|rejected|all``)."""
    shown = request.GET.get("status", "open")
    rows = Complaint.objects.select_related(
        "statement", "notice", "complainant", "decided_by"
    ).order_by("filed_at", "pk")
    if shown in STATUS_FILTERS:
        rows = rows.filter(status=STATUS_FILTERS[shown])
    else:
        shown = "all"
        rows = rows.order_by("-filed_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "legal/complaints/queue.html",
        {
            "page": page,
            "shown": shown,
            "filters": ["open", "upheld", "rejected", "all"],
            "open_count": Complaint.objects.filter(status=Complaint.Status.OPEN).count(),
            "section": "complaints",
        },
    )


def _complaint_page(
    request: HttpRequest, complaint: Complaint, form: DecisionForm, status: int = 200
) -> HttpResponse:
    deciders = rules.original_deciders(complaint)
    subject = rules.complaint_subject(complaint)
    statement = complaint.statement
    notice = complaint.notice or (statement.notice if statement else None)
    comments = []
    if statement is not None and statement.comment is not None:
        comments = [statement.comment]
    elif notice is not None:
        comments = [
            item.comment
            for item in notice.items.select_related("comment__author")
            if item.comment is not None
        ]
    told = rules.told_at(subject)
    return render(
        request,
        "legal/complaints/complaint.html",
        {
            "complaint": complaint,
            "statement": statement,
            "notice": notice,
            "comments": comments,
            "told_at": told,
            "window_closes": rules.window_closes(told) if told else None,
            "may_decide": moderator(request).pk not in deciders,
            "form": form,
            "reasons": reason_choices()[1:],
            "section": "complaints",
        },
        status=status,
    )


@require_GET
@team_only("complaints")
def complaint_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """One complaint: the decision it is about, the complainant's grounds, the decision form
    (for moderators who did not take the original decision)."""
    complaint = get_object_or_404(_complaints(), pk=complaint_id)
    return _complaint_page(request, complaint, DecisionForm())


def _complaints() -> Any:
    return Complaint.objects.select_related(
        "statement__comment",
        "statement__sanction",
        "statement__notice",
        "notice",
        "complainant",
        "decided_by",
        "removal_reason",
    )


@team_only("complaints")
@require_POST
def decide_complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = get_object_or_404(_complaints(), pk=complaint_id)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused("invalid", _("Choose uphold or reject and give your reasons."))
        code = form.cleaned_data["reason"]
        do_decide_complaint(
            complaint,
            upheld=form.cleaned_data["decision"] == "upheld",
            answer=form.cleaned_data["answer"],
            reason=reason_by_code(code) if code else None,
            acting_user=moderator(request),
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return _complaint_page(request, complaint, form, status=refused.status)
    messages.success(
        request,
        _("Complaint #%(id)s decided; both sides are told by e-mail.") % {"id": complaint.pk},
    )
    return HttpResponseRedirect(reverse("legal:complaint", kwargs={"complaint_id": complaint.pk}))
