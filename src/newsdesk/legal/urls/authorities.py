"""URLs of the legal channels' authorities part (the legal team's pages)."""

from django.urls import URLPattern, path

from newsdesk.legal.views import authorities

urlpatterns: list[URLPattern] = [
    path("authorities/", authorities.case_list, name="authority_cases"),
    path("authorities/new/", authorities.open_case, name="open_authority_case"),
    path("authorities/<int:case_id>/", authorities.case_page, name="authority_case"),
    path(
        "authorities/<int:case_id>/evidence/",
        authorities.export_evidence,
        name="export_evidence",
    ),
    path("authorities/<int:case_id>/close/", authorities.close_case, name="close_authority_case"),
    path("evidence/<int:package_id>/", authorities.download_package, name="evidence_package"),
]
