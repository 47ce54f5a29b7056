"""The embeddable widget: a script that puts an iframe of a page's discussion on another site.

The frame always renders as for an anonymous reader: nothing personal goes into another
site's page and no cookie is set. Readers who want to write follow a link that opens the
discussion on this site, in its own tab.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from newsdesk.community import actions, rendering
from newsdesk.core.middleware import CONTENT_SECURITY_POLICY


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    body = render_to_string("community/embed.js", {"site_url": settings.SITE_URL})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@xframe_options_exempt
@require_safe
def embed_frame(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            url = actions.normalise_url(request.GET.get("url", ""))
            conversation = actions.conversation_for_url(
                url, title=request.GET.get("title", ""), create=False
            )
        except actions.CommentRefused as refused:
            return render(
                request, "community/embed_refused.html", {"refused": refused}, status=refused.status
            )
        request.user = AnonymousUser()
        section = rendering.render_section(request, conversation=conversation, embedded=True)
        response = render(
            request,
            "community/embed_frame.html",
            {
                "section": section,
                "conversation": conversation,
                "page_url": url,
                "language": language,
                "site_url": settings.SITE_URL,
                "other_languages": rendering.has_other_languages(
                    rendering.comment_languages(conversation), language
                ),
            },
        )
    origin = actions.origin_of(url)
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {origin}"
    )
    response["Cache-Control"] = "no-store"
    return response
