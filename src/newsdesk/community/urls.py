"""Reader-facing community pages (under the language prefix)."""

from django.urls import path

from newsdesk.community import views

app_name = "community"

urlpatterns = [
    path("article/<int:article_id>/comments/", views.post_to_article, name="post_article"),
    path("conversations/<int:conversation_id>/", views.conversation_page, name="conversation"),
    path("conversations/<int:conversation_id>/comments/", views.post_to_conversation, name="post"),
    path("conversations/<int:conversation_id>/thread/", views.thread_fragment, name="fragment"),
    path("comments/<int:comment_id>/", views.comment_page, name="comment"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete"),
    path("comments/<int:comment_id>/vote/", views.vote, name="vote"),
    path("readers/<int:profile_id>/", views.profile_page, name="profile"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/delete/", views.delete_account, name="delete_account"),
]
