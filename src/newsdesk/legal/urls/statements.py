"""URLs of the legal channels' statements part."""

from django.urls import URLPattern, path

from newsdesk.legal.views import statements

urlpatterns: list[URLPattern] = [
    # A statement of reasons as its reader sees it.
    path("statements/<int:statement_id>/", statements.statement_page, name="statement"),
]
