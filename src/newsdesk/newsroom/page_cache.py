"""Whole-page cache for anonymous readers, emptied by any change to reader-visible content."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language


def generation() -> int:
    """The content version, read on every cached page with a prepared query (through the ORM
    the read cost more than serving the cached page itself)."""
    from newsdesk.core.prepared import get_by_pk
    from newsdesk.newsroom.models import ContentVersion

    version = get_by_pk(ContentVersion, 1)
    return version.counter if version is not None else 0


def invalidate(**kwargs: Any) -> None:
    from newsdesk.newsroom.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs from the cache; what is stored holds no per-user data."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.NEWSDESK_PAGE_CACHE_SECONDS
        if request.method != "GET" or request.user.is_authenticated or not seconds:
            return view(request, *args, **kwargs)
        key = f"page:{generation()}:{get_language()}:{request.get_full_path()}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                cache.set(key, response, seconds)
        return response

    return wrapper


def _connect() -> None:
    from newsdesk.newsroom.models import Article, Author, Block, Image, Section

    for model in (Article, Block, Section, Author, Image):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"newsroom-cache-{model.__name__}")
        post_delete.connect(
            invalidate, sender=model, dispatch_uid=f"newsroom-cache-del-{model.__name__}"
        )
    m2m_changed.connect(
        invalidate, sender=Article.authors.through, dispatch_uid="newsroom-cache-authors"
    )


_connect()
