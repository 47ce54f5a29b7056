"""URLs of the legal channels' complaints part."""

from django.urls import URLPattern, path  # noqa: F401

from newsdesk.legal.views.not_built import not_built  # noqa: F401

urlpatterns: list[URLPattern] = [
    # Internal complaints (Art. 20): against a statement, against a notice's decision.
    path("statements/<int:statement_id>/complaint/", not_built, name="complain_statement"),
    path("notices/<str:reference>/complaint/", not_built, name="complain_notice"),
]
