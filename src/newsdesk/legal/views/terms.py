"""Public pages of the terms of use, netiquette and privacy notice (current version, older
versions listed, ``?version=N`` shows one), and the page where a reader accepts a new version."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from newsdesk.core.errors import ActionRefused
from newsdesk.legal import parts
from newsdesk.legal.actions.terms import do_accept_terms
from newsdesk.legal.models import TermsVersion
from newsdesk.legal.terms import (
    current_version,
    in_language,
    older_versions,
    pending_acceptance,
    published,
)


def _language(request: HttpRequest) -> str:
    return get_language() or "en"


@require_GET
def document_page(request: HttpRequest, document: str) -> HttpResponse:
    parts.require("terms")
    if document not in TermsVersion.Document.values:
        raise Http404("no such document")
    current = current_version(document, _language(request))
    shown = current
    number = request.GET.get("version", "")
    if number:
        if not number.isdigit():
            raise Http404(_("No such version."))
        shown = in_language(published(document).filter(version=int(number)), _language(request))
        if shown is None:
            raise Http404(_("No such version."))
    return render(
        request,
        "legal/terms/document.html",
        {
            "document": document,
            "label": TermsVersion.Document(document).label,
            "current": current,
            "shown": shown,
            "older": older_versions(document, current),
        },
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("community:settings")


@require_http_methods(["GET", "POST"])
def accept_terms(request: HttpRequest) -> HttpResponse:
    """What changed in the versions the reader has to accept; POST accepts them."""
    parts.require("terms")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    status = 200
    if request.method == "POST":
        try:
            accepted = do_accept_terms(user, language=_language(request), acting_user=user)
        except ActionRefused as refused:
            messages.info(request, refused.message)
            status = refused.status
        else:
            messages.success(
                request,
                _("Thank you: you accepted %(what)s. You can write again.")
                % {"what": ", ".join(str(version) for version in accepted)},
            )
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "legal/terms/accept.html",
        {"pending": pending_acceptance(user, _language(request)), "next": _next(request)},
        status=status,
    )
