"""The community's JSON API and the embeddable widget (no language prefix)."""

from django.urls import path

from newsdesk.community import api, embed

app_name = "community_api"

urlpatterns = [
    path("api/community/threads", api.thread, name="threads"),
    path("api/community/counts", api.counts, name="counts"),
    path("api/community/opening", api.opening, name="opening"),
    path("api/community/comments", api.comments, name="comments"),
    path("api/community/comments/<int:comment_id>", api.comment_detail, name="comment"),
    path("api/community/comments/<int:comment_id>/vote", api.vote, name="vote"),
    path("api/community/reader", api.reader, name="reader"),
    path("api/community/openapi.json", api.openapi, name="openapi"),
    path("community/embed.js", embed.embed_js, name="embed_js"),
    path("community/embed/", embed.embed_frame, name="embed_frame"),
]
