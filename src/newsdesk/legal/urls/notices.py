"""URLs of the legal channels' notices part."""

from django.urls import URLPattern, path  # noqa: F401

from newsdesk.legal.views.not_built import not_built  # noqa: F401

urlpatterns: list[URLPattern] = [
    # The notice form, "Melde- und Abhilfestelle" (?comment=<pk> fills in the location).
    path("report/", not_built, name="report"),
    # A notice's status for its notifier (?token= for notifiers without an account).
    path("notices/<str:reference>/", not_built, name="notice"),
]
