"""URLs of the legal channels' statements part."""

from django.urls import URLPattern, path  # noqa: F401

from newsdesk.legal.views.not_built import not_built  # noqa: F401

urlpatterns: list[URLPattern] = [
    # A statement of reasons as its reader sees it.
    path("statements/<int:statement_id>/", not_built, name="statement"),
]
