"""RSS and Atom feeds, for the whole site and per section, in each site language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.newsroom.inline_html import strip_tags_text
from newsdesk.newsroom.localization import attach_display
from newsdesk.newsroom.models import Article, Section, published_articles

FEED_SIZE = 30


class LatestArticlesRss(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, section: str | None = None) -> Section | None:
        return get_object_or_404(Section, slug=section) if section else None

    def title(self, obj: Section | None) -> str:
        if obj is None:
            return settings.SITE_NAME
        return f"{settings.SITE_NAME}: {obj.name_in(get_language() or '')}"

    def link(self, obj: Section | None) -> str:
        return obj.get_absolute_url() if obj else reverse("newsroom:front")

    def description(self, obj: Section | None) -> str:
        return _("The latest articles")

    def items(self, obj: Section | None) -> list[Article]:
        articles = published_articles().prefetch_related("authors")
        if obj is not None:
            articles = articles.filter(section=obj)
        return attach_display(articles[:FEED_SIZE], get_language() or settings.LANGUAGE_CODE)

    def item_title(self, item: Article) -> str:
        display = item.display  # type: ignore[attr-defined]
        return f"{display.kicker}: {display.headline}" if display.kicker else display.headline

    def item_description(self, item: Article) -> str:
        return strip_tags_text(item.display.lead)  # type: ignore[attr-defined]

    def item_link(self, item: Article) -> str:
        return item.display.url  # type: ignore[attr-defined]

    def item_guid(self, item: Article) -> str:
        return f"{settings.SITE_URL}/article/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.last_updated_at or item.first_published_at

    def item_author_name(self, item: Article) -> str:
        return item.byline_text

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name]


class LatestArticlesAtom(LatestArticlesRss):
    feed_type = Atom1Feed

    def subtitle(self, obj: Section | None) -> str:
        return self.description(obj)
