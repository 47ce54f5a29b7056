"""The legal channels' URLs (under the language prefix: /de/legal/...), one module per part."""

from newsdesk.legal.urls import (
    authorities,
    complaints,
    data,
    misuse,
    notices,
    reports,
    statements,
    terms,
)

app_name = "legal"

urlpatterns = [
    *notices.urlpatterns,
    *statements.urlpatterns,
    *complaints.urlpatterns,
    *misuse.urlpatterns,
    *authorities.urlpatterns,
    *reports.urlpatterns,
    *data.urlpatterns,
    *terms.urlpatterns,
]
