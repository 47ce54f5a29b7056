"""The reader's data (GDPR) and the legal team's holds: a reader downloads everything the
site holds about them as JSON (from their settings); the legal team sees the holds in force
and the records erasures kept, and releases holds."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.core.hooks import fills_slot, slot_fillers
from newsdesk.core.models import AuditJSONEncoder
from newsdesk.legal import parts
from newsdesk.legal.actions.data_rights import do_export_reader_data
from newsdesk.legal.actions.holds import do_release_hold
from newsdesk.legal.models import LegalHold, RestrictedRecord
from newsdesk.legal.models.holds import active_holds_q
from newsdesk.legal.views.guards import team_only


@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """GET: what the download holds; POST: the download (JSON, as an attachment)."""
    parts.require("data_rights")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    if request.method == "POST":
        data = do_export_reader_data(user, acting_user=user)
        body = json.dumps(data, cls=AuditJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = clock.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "legal/data/my_data.html", {})


@require_GET
@team_only("data_rights")
def holds_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    holds = LegalHold.objects.filter(active_holds_q(now)).select_related(
        "account", "comment", "placed_by"
    )
    restricted = (
        RestrictedRecord.objects.filter(purged_at__isnull=True)
        .prefetch_related("holds")
        .order_by("-restricted_at")
    )
    return render(
        request,
        "legal/data/holds.html",
        {"holds": holds, "restricted": restricted, "section": "holds"},
    )


@team_only("data_rights")
@require_POST
def release_hold(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=hold_id)
    try:
        do_release_hold(hold, acting_user=request.user, note=request.POST.get("note", ""))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Hold %(ref)s released.") % {"ref": hold.reference})
    return HttpResponseRedirect(reverse("legal:holds"))


def reader_data_links(context: Any) -> SafeString:
    """The settings page's "reader_settings" slot: download your data, the terms."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return mark_safe("")  # noqa: S308 - nothing
    html = render_to_string(
        "legal/data/_settings_links.html",
        {
            "data_rights": parts.enabled("data_rights"),
            "terms": parts.enabled("terms"),
        },
    )
    return mark_safe(html)  # noqa: S308 - a template, escaped


def register() -> None:
    if reader_data_links not in slot_fillers("reader_settings"):
        fills_slot("reader_settings")(reader_data_links)
