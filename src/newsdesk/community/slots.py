"""The comment section in the newsroom's article page (its "article_comments" slot).

The article page may come from the whole-page cache, so the slot only leaves a marker;
CommentSectionMiddleware replaces it on every response with the section as it is now.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe

from newsdesk.core.hooks import fills_slot

MARKER_PREFIX = b"<!--newsdesk-community-section:"
MARKER_SUFFIX = b"-->"


@fills_slot("article_comments")
def comment_section_marker(context: Any) -> SafeString:
    article = context["article"]
    return mark_safe(f"<!--newsdesk-community-section:{int(article.pk)}-->")  # noqa: S308
