"""URLs of the LibreTranslate-compatible API (mounted at /mt/, outside the language prefix)."""

from django.urls import path

from newsdesk.translation import api

app_name = "translation"

urlpatterns = [
    path("translate", api.translate, name="translate"),
    path("languages", api.languages, name="languages"),
    path("detect", api.detect_view, name="detect"),
    path("openapi.json", api.openapi, name="openapi"),
    path("spec", api.openapi, name="spec"),
    path("health", api.health, name="health"),
    path("frontend/settings", api.frontend_settings, name="frontend-settings"),
]
