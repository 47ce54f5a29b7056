"""URLs of the legal channels' data part."""

from django.urls import URLPattern, path  # noqa: F401

from newsdesk.legal.views.not_built import not_built  # noqa: F401

urlpatterns: list[URLPattern] = []
