"""The transparency report (Art. 15/24) for the team: a page, and CSV and JSON downloads."""

from __future__ import annotations

import csv
import io
import json

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from newsdesk.core import clock
from newsdesk.legal.reports import Period, build_report, default_period, report_rows
from newsdesk.legal.views.guards import team_only

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("To (included)"), required=False, widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it begins."))
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both dates, or neither for the default."))
        return data


def _filename(period: Period, extension: str) -> str:
    return f"transparency-report-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"


@require_GET
@team_only("transparency_report")
def report_page(request: HttpRequest) -> HttpResponseBase:
    """The figures of a period (``?start=YYYY-MM-DD&end=YYYY-MM-DD``, default the last full
    half-year); ``?format=csv`` or ``?format=json`` downloads them."""
    form = PeriodForm(request.GET or None)
    today = timezone.localtime(clock.now()).date()
    period = default_period(today)
    if form.is_bound:
        if not form.is_valid():
            return render(
                request,
                "legal/reports/report.html",
                {"form": form, "report": None, "section": "report"},
                status=400,
            )
        if form.cleaned_data.get("start"):
            period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
    report = build_report(period)
    export = request.GET.get("format", "")
    if export == "json":
        response: HttpResponse = JsonResponse(report, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{_filename(period, "json")}"'
        return response
    if export == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "figure", "key", "value"])
        writer.writerows(report_rows(report))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv")}"'
        return response
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return render(
        request,
        "legal/reports/report.html",
        {
            "form": form
            if form.is_bound
            else PeriodForm(initial={"start": period.start, "end": period.end}),
            "report": report,
            "period": period,
            "query": query,
            "json_text": json.dumps(report, indent=2, ensure_ascii=False),
            "section": "report",
        },
    )
