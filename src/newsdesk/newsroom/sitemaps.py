"""What crawlers and browsers ask for at the site's root: the XML sitemap (pages in every
language), the Google News sitemap (the last two days), robots.txt and favicon.ico."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from newsdesk.newsroom import seo
from newsdesk.newsroom.models import Article, Section, published_articles
from newsdesk.newsroom.plain_text import xml_safe


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "hourly"

    def items(self) -> list[str | Section]:
        return ["front", *Section.objects.all()]

    def location(self, item: str | Section) -> str:
        return reverse("newsroom:front") if item == "front" else item.get_absolute_url()  # type: ignore[union-attr]


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return published_articles()

    def location(self, item: Article) -> str:
        return seo.article_path(item)

    def lastmod(self, item: Article) -> dt.datetime | None:
        return item.last_updated_at or item.first_published_at


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap}

NEWS_SITEMAP_WINDOW = dt.timedelta(days=2)


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Articles of the last two days, as Google News reads them (at most 1,000)."""
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = published_articles().filter(first_published_at__gte=since)[:1000]
    entries = [
        {
            "loc": seo.absolute(seo.article_path(article)),
            "article": article,
            # What XML cannot carry is dropped: a stored control character must not make
            # the whole sitemap unreadable.
            "title": xml_safe(article.headline),
            "language": translation.to_language(article.language),
        }
        for article in articles
    ]
    return render(
        request,
        "newsroom/news_sitemap.xml",
        {"entries": entries, "publication": xml_safe(settings.SITE_NAME)},
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        f"Sitemap: {settings.SITE_URL}/news-sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


FAVICON = "core/favicon.ico"


def favicon_ico(request: HttpRequest) -> FileResponse:
    """The site's icon at the address browsers ask for whatever the page links (the back
    office and feeds readers too); pages link the SVG version as well."""
    path = finders.find(FAVICON)
    if not path:
        raise Http404("No favicon")
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response
