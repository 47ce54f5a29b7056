"""Reader pages: front page, section pages and article pages."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from newsdesk.newsroom import seo
from newsdesk.newsroom.localization import article_page_for, attach_display
from newsdesk.newsroom.models import Article, Block, Section, published_articles
from newsdesk.newsroom.page_cache import cached_page

FRONT_PAGE_LATEST = 12
FRONT_PAGE_PER_SECTION = 4


@cached_page
def front_page(request: HttpRequest) -> HttpResponse:
    recent = list(published_articles()[: FRONT_PAGE_LATEST + 1])
    shown = {article.pk: article for article in recent}
    sections = list(Section.objects.all())
    # The newest few of every section, however old: one small indexed query per section
    # (a window over all articles would read the whole archive on every uncached render).
    by_section: dict[int, list[Article]] = {}
    for section in sections:
        newest = published_articles().filter(section=section)[:FRONT_PAGE_PER_SECTION]
        by_section[section.id] = [shown.setdefault(a.pk, a) for a in newest]
    attach_display(shown.values(), get_language() or settings.LANGUAGE_CODE)
    top = recent[0] if recent else None
    latest = recent[1:]
    top_image = (
        Block.objects.filter(article=top, kind=Block.Kind.IMAGE, image__isnull=False)
        .select_related("image")
        .first()
        if top
        else None
    )
    return render(
        request,
        "newsroom/front_page.html",
        {
            "top": top,
            "top_image": top_image,
            "latest": latest,
            "section_groups": [
                (section, by_section[section.id]) for section in sections if by_section[section.id]
            ],
            "sections": sections,
        },
    )


@cached_page
def section_page(request: HttpRequest, section: str) -> HttpResponse:
    section_obj = get_object_or_404(Section, slug=section)
    paginator = Paginator(
        published_articles().filter(section=section_obj), settings.NEWSDESK_PAGE_SIZE
    )
    page_number = request.GET.get("page", "1")
    if not page_number.isdigit() or not 1 <= int(page_number) <= paginator.num_pages:
        raise Http404("No such page")
    page = paginator.page(int(page_number))
    page.object_list = attach_display(page.object_list, get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "newsroom/section_page.html",
        {
            "section": section_obj,
            "page": page,
            "sections": Section.objects.all(),
        },
    )


def article_context(article: Article) -> dict:
    """Everything the article template needs; the back office's preview uses it too."""
    images = [block.image for block in article.blocks.all() if block.image_id]
    image_urls = [seo.absolute(image.file.url) for image in images if image]
    return {
        "article": article,
        "blocks": list(article.blocks.all()),
        "section_name": article.section.name_in(get_language() or article.language),
        "canonical": seo.canonical_url(article),
        "alternates": seo.article_alternates(article),
        "json_ld": seo.dumps_for_script(seo.news_article_ld(article, image_urls)),
        "og_image": image_urls[0] if image_urls else "",
        "sections": Section.objects.all(),
    }


def article_queryset():
    return Article.objects.select_related("section").prefetch_related(
        "authors", Prefetch("blocks", queryset=Block.objects.select_related("image"))
    )


@cached_page
def article_page(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    article = get_object_or_404(article_queryset(), slug=slug, status=Article.Status.PUBLISHED)
    if article.section.slug != section:
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    translated = article_page_for(request, article, get_language() or article.language)
    if translated is not None:
        return translated
    return render(request, "newsroom/article_page.html", article_context(article))
