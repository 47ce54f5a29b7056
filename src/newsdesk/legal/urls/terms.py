"""URLs of the legal channels' terms part: the public documents and accepting a new version."""

from django.urls import URLPattern, path

from newsdesk.legal.views import terms

urlpatterns: list[URLPattern] = [
    path("terms/", terms.document_page, {"document": "terms"}, name="terms"),
    path("privacy/", terms.document_page, {"document": "privacy"}, name="privacy"),
    path("netiquette/", terms.document_page, {"document": "netiquette"}, name="netiquette"),
    path("terms/accept/", terms.accept_terms, name="accept_terms"),
]
