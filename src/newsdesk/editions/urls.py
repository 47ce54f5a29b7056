"""Reader URLs of editions (under the language prefix)."""

from django.urls import path

from newsdesk.editions import views

app_name = "editions"

urlpatterns = [
    path(
        "comments/<int:comment_id>/translation/",
        views.comment_translation,
        name="comment_translation",
    ),
]
