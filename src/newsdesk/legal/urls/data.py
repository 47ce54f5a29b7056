"""URLs of the legal channels' data part: the reader's data, the legal team's holds."""

from django.urls import URLPattern, path

from newsdesk.legal.views import data

urlpatterns: list[URLPattern] = [
    path("my-data/", data.my_data, name="my_data"),
    path("holds/", data.holds_page, name="holds"),
    path("holds/<int:hold_id>/release/", data.release_hold, name="release_hold"),
]
