"""URLs of the legal channels' reports part."""

from django.urls import URLPattern, path

from newsdesk.legal.views.reports import report_page

urlpatterns: list[URLPattern] = [
    # The transparency report (Art. 15/24): page, ?format=csv, ?format=json.
    path("transparency-report/", report_page, name="transparency_report"),
]
