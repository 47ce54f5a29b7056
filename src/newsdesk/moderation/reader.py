"""What a reader sees of moderation: the measures on their account in their settings, and
acknowledging a warning (so that they may post again)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsdesk.core.errors import ActionRefused
from newsdesk.core.hooks import fills_slot
from newsdesk.moderation import actions
from newsdesk.moderation.models import Sanction
from newsdesk.moderation.screening import active_sanctions


def reader_sanctions(context: Any) -> SafeString:
    """The settings page's "reader_settings" slot: the reader's measures in force."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return mark_safe("")  # noqa: S308 - nothing
    sanctions = list(active_sanctions(user).select_related("reason").order_by("starts_at"))
    html = render_to_string(
        "moderation/reader/_sanctions.html",
        {"sanctions": sanctions, "csrf_token": get_token(request)},
    )
    return mark_safe(html)  # noqa: S308 - a template, escaped


def register() -> None:
    from newsdesk.core.hooks import slot_fillers

    if reader_sanctions not in slot_fillers("reader_settings"):
        fills_slot("reader_settings")(reader_sanctions)


@login_required
@require_POST
def acknowledge(request: HttpRequest, sanction_id: int) -> HttpResponse:
    """The reader confirms a warning; back to their settings."""
    sanction = get_object_or_404(Sanction, pk=sanction_id, user_id=request.user.pk)
    try:
        actions.do_acknowledge_warning(sanction, acting_user=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you. You can write comments again."))
    return HttpResponseRedirect(reverse("community:settings") + "#sanctions")
