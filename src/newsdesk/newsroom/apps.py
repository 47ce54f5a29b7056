"""Articles, sections and authors; the editors' back office; reader pages, feeds and sitemaps."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self) -> None:
        from newsdesk.newsroom import demo, page_cache, tasks  # noqa: F401  (signals, demo, tasks)
