"""URLs of the legal channels' misuse part."""

from django.urls import URLPattern, path

from newsdesk.legal.views.misuse import misuse_page

urlpatterns: list[URLPattern] = [
    # The moderators' page of warnings and suspensions (Art. 23).
    path("misuse/", misuse_page, name="misuse"),
]
