"""The moderators' workspace (under the language prefix: /de/moderation/...)."""

from django.urls import path

from newsdesk.moderation import reader, views

app_name = "moderation"

urlpatterns = [
    path("", views.queue_page, name="workspace"),
    path("queues/<slug:queue>/", views.queue_page, name="queue"),
    path("counts/", views.counts, name="counts"),
    path("comments/<int:comment_id>/", views.comment_page, name="comment"),
    path("comments/<int:comment_id>/approve/", views.approve, name="approve"),
    path("comments/<int:comment_id>/reject/", views.reject, name="reject"),
    path("comments/bulk/", views.bulk, name="bulk"),
    path("readers/<int:user_id>/", views.reader_page, name="reader"),
    path("readers/<int:user_id>/sanctions/", views.impose_sanction, name="impose_sanction"),
    path("readers/<int:user_id>/trust/", views.set_trust, name="trust"),
    path("sanctions/<int:sanction_id>/lift/", views.lift_sanction, name="lift_sanction"),
    path("word-lists/", views.word_lists, name="word_lists"),
    path("audit/", views.audit, name="audit"),
    # For readers (any signed-in account): acknowledging a warning.
    path("warnings/<int:sanction_id>/acknowledge/", reader.acknowledge, name="acknowledge"),
]
