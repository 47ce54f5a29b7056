"""Top-level URLs: the back office, sitemaps, and the reader pages under a language prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from newsdesk.core.json_api import serves_json
from newsdesk.newsroom.sitemaps import SITEMAPS, favicon_ico, news_sitemap, robots_txt
from newsdesk.translation.api import error_shape as libretranslate_error

# Every answer under these prefixes is JSON, errors included (newsdesk.core.json_api).
serves_json("/api/")
serves_json("/mt/", libretranslate_error)
handler400 = "newsdesk.core.json_api.bad_request"
handler403 = "newsdesk.core.json_api.permission_denied"
handler404 = "newsdesk.core.json_api.page_not_found"
handler500 = "newsdesk.core.json_api.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon_ico"),
    path("mt/", include("newsdesk.translation.urls")),
    path("", include("newsdesk.community.api_urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("community/", include("newsdesk.community.urls")),
    path("moderation/", include("newsdesk.moderation.urls")),
    path("legal/", include("newsdesk.legal.urls")),
    path("editions/", include("newsdesk.editions.urls")),
    path("", include("newsdesk.newsroom.urls")),
    prefix_default_language=True,
)
