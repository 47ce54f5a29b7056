"""Reader URLs; mounted under the language prefix (/de/, /en/ ...)."""

from django.urls import path

from newsdesk.newsroom import feeds, views

app_name = "newsroom"

urlpatterns = [
    path("", views.front_page, name="front"),
    path("feed/rss/", feeds.LatestArticlesRss(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtom(), name="feed_atom"),
    path("<slug:section>/", views.section_page, name="section"),
    path("<slug:section>/feed/rss/", feeds.LatestArticlesRss(), name="section_feed_rss"),
    path("<slug:section>/feed/atom/", feeds.LatestArticlesAtom(), name="section_feed_atom"),
    path("<slug:section>/<slug:slug>/", views.article_page, name="article"),
]
