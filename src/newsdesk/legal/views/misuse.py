"""Misuse (Art. 23): the moderators' page of warnings and suspensions, with the policy."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from newsdesk.core import clock
from newsdesk.legal.misuse import Policy
from newsdesk.legal.models import MisuseMeasure
from newsdesk.legal.views.guards import team_only

PAGE_SIZE = 50


@require_GET
@team_only("misuse")
def misuse_page(request: HttpRequest) -> HttpResponse:
    """Every step taken against misuse, newest first (``?kind=poster|notifier``)."""
    kind = request.GET.get("kind", "")
    rows = MisuseMeasure.objects.select_related("user", "sanction", "created_by")
    if kind in MisuseMeasure.Kind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    return render(
        request,
        "legal/misuse/measures.html",
        {
            "page": page,
            "kind": kind,
            "kinds": MisuseMeasure.Kind.choices,
            "policy": Policy.current(),
            "in_force": {
                measure.pk
                for measure in page.object_list
                if measure.step == MisuseMeasure.Step.SUSPENSION
                and measure.ends_at is not None
                and measure.starts_at <= now < measure.ends_at
                and (measure.sanction is None or measure.sanction.lifted_at is None)
            },
            "time_zone": timezone.get_default_timezone_name(),
            "section": "misuse",
        },
    )
