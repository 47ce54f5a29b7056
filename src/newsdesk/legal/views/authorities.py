"""The legal team's pages for the authorities (DSA Art. 18) and data requests: the list of
cases, opening one for a comment or an account, a case with its evidence packages,
producing and downloading a package, closing a case.

Only the legal team (moderators and admins, ``community.actions.can_moderate``) gets in:
anonymous visitors go to the login page, everyone else gets 403, before the method is looked
at (a GET of a POST-only view is 405 for the team only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.community.models import Comment
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.actions.authorities import (
    do_close_authority_case,
    do_export_evidence,
    do_open_authority_case,
)
from newsdesk.legal.authorities import access_case, cases
from newsdesk.legal.models import AuthorityCase, EvidencePackage
from newsdesk.legal.views.guards import team_only

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AuthorityCase.Kind.choices)
    comment = forms.IntegerField(label=gettext_lazy("Comment number"), required=False)
    account = forms.IntegerField(label=gettext_lazy("Account number"), required=False)
    description = forms.CharField(
        label=gettext_lazy("What the team found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    requester = forms.CharField(
        label=gettext_lazy("Requester (data requests)"), required=False, max_length=300
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis (data requests)"), required=False, max_length=500
    )
    request_reference = forms.CharField(
        label=gettext_lazy("Their reference (data requests)"), required=False, max_length=200
    )
    disclosure = forms.ChoiceField(
        label=gettext_lazy("Decision (data requests)"),
        choices=AuthorityCase.Disclosure.choices,
        required=False,
    )
    disclosure_note = forms.CharField(
        label=gettext_lazy("Grounds of the decision (data requests)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_GET
@team_only("authorities")
def case_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "legal/authorities/list.html",
        {"cases": cases()[:200], "section": "authorities"},
    )


@require_http_methods(["GET", "POST"])
@team_only("authorities")
def open_case(request: HttpRequest) -> HttpResponse:
    """The form to open a case; ``?comment=ID`` or ``?account=ID`` fill it in."""
    initial: dict[str, Any] = {
        key: request.GET[key] for key in ("comment", "account") if request.GET.get(key)
    }
    form = CaseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ActionRefused("invalid", _("Please fill in the form completely."))
            data = form.cleaned_data
            comment = account = None
            if data["comment"]:
                comment = Comment.objects.filter(pk=data["comment"]).first()
                if comment is None:
                    raise ActionRefused("no_comment", _("There is no comment with this number."))
            if data["account"]:
                account = User.objects.filter(pk=data["account"]).first()
                if account is None:
                    raise ActionRefused("no_account", _("There is no account with this number."))
            case = do_open_authority_case(
                kind=data["kind"],
                description=data["description"],
                comment=comment,
                account=account,
                requester=data["requester"],
                legal_basis=data["legal_basis"],
                request_reference=data["request_reference"],
                disclosure=data["disclosure"] or "",
                disclosure_note=data["disclosure_note"],
                acting_user=request.user,
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
            status = refused.status
        else:
            messages.success(
                request,
                _("Case %(ref)s opened; its records are on legal hold.") % {"ref": case.reference},
            )
            return HttpResponseRedirect(reverse("legal:authority_case", args=[case.pk]))
    return render(
        request,
        "legal/authorities/open.html",
        {"form": form, "section": "authorities"},
        status=status,
    )


@require_GET
@team_only("authorities")
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(case_id)
    return render(
        request,
        "legal/authorities/case.html",
        {
            "case": case,
            "packages": case.packages.select_related("created_by"),
            "section": "authorities",
        },
    )


@team_only("authorities")
@require_POST
def export_evidence(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(case_id)
    try:
        package = do_export_evidence(case, acting_user=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Evidence package produced (SHA-256 %(sha)s).") % {"sha": package.sha256},
        )
    return HttpResponseRedirect(reverse("legal:authority_case", args=[case.pk]))


@require_GET
@team_only("authorities")
def download_package(request: HttpRequest, package_id: int) -> HttpResponse:
    package = get_object_or_404(EvidencePackage, pk=package_id)
    if package.content is None:
        raise Http404(_("This package was deleted after its retention period."))
    response = HttpResponse(bytes(package.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response["X-Content-SHA256"] = package.sha256
    response["Cache-Control"] = "no-store"
    return response


@team_only("authorities")
@require_POST
def close_case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(case_id)
    try:
        do_close_authority_case(case, acting_user=request.user, note=request.POST.get("note", ""))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Case closed; its legal hold is released."))
    return HttpResponseRedirect(reverse("legal:authority_case", args=[case.pk]))
