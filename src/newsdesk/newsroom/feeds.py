"""RSS and Atom feeds, for the whole site and per section, in each site language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.newsroom.inline_html import strip_tags_text
from newsdesk.newsroom.localization import attach_display
from newsdesk.newsroom.models import Article, Section, published_articles
from newsdesk.newsroom.plain_text import xml_safe

FEED_SIZE = 30
# How many of the newest articles a feed looks through for those readable in its language
# (originals in it and translated editions): one query for them, one for their editions.
FEED_WINDOW = 500


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class _XmlSafe:
    """Feed generator part that drops what XML cannot carry from every text it is given, so
    that a control character stored in a headline cannot break the feed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})  # type: ignore[call-arg]

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})  # type: ignore[misc]


class XmlSafeRss(_XmlSafe, Rss201rev2Feed):
    pass


class XmlSafeAtom(_XmlSafe, Atom1Feed):
    pass


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


class LatestArticlesRss(Feed):
    feed_type: type[SyndicationFeed] = XmlSafeRss

    def get_object(self, request: HttpRequest, section: str | None = None) -> Section | None:
        return get_object_or_404(Section, slug=section) if section else None

    def title(self, obj: Section | None) -> str:
        if obj is None:
            return settings.SITE_NAME
        return f"{settings.SITE_NAME}: {obj.name_in(_language())}"

    def link(self, obj: Section | None) -> str:
        return obj.get_absolute_url() if obj else reverse("newsroom:front")

    def description(self, obj: Section | None) -> str:
        return _("The latest articles")

    def items(self, obj: Section | None) -> list[Article]:
        """The newest articles readers can read in the feed's language: originals written in
        it and articles with a published edition in it (the localization hooks tell)."""
        language = _language()
        articles = published_articles()
        if obj is not None:
            articles = articles.filter(section=obj)
        shown = [
            article
            for article in attach_display(articles[:FEED_WINDOW], language)
            if article.display.language == language  # type: ignore[attr-defined]
        ][:FEED_SIZE]
        prefetch_related_objects(shown, "authors")
        return shown

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
        """The byline or the authors' names; the site's name when there is neither (an Atom
        entry needs an author with a name)."""
        return item.byline_text.strip() or settings.SITE_NAME

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name_in(_language())]


class LatestArticlesAtom(LatestArticlesRss):
    feed_type = XmlSafeAtom

    def subtitle(self, obj: Section | None) -> str:
        return self.description(obj)
