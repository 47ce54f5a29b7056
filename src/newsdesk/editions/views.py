"""The one reader endpoint of editions: a comment's machine translation, as JSON."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from newsdesk.core import counters
from newsdesk.core.net import client_ip
from newsdesk.editions.comments import translate_comment
from newsdesk.translation.engines import EngineError

logger = logging.getLogger(__name__)

REQUESTS_PER_MINUTE = 30


def _over_limit(request: HttpRequest) -> bool:
    """Per reader's address, counted in the database so that all server processes share it."""
    key = f"editions:comment-translation:{client_ip(request) or 'unknown'}"
    return counters.count(key, 60) > REQUESTS_PER_MINUTE


def _language_name(code: str) -> str:
    """The language's name in the reader's language ("German" for an English reader)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@require_GET
def comment_translation(request: HttpRequest, comment_id: int) -> JsonResponse:
    from newsdesk.community.actions import may_read_text
    from newsdesk.community.models import Comment

    language = get_language() or settings.LANGUAGE_CODE
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or (not may_read_text(comment, request.user) and not comment.deleted_at):
        # Held and removed comments are text only their author and moderators may read.
        return JsonResponse({"error": _("There is no such comment.")}, status=404)
    if _over_limit(request):
        return JsonResponse({"error": _("Too many requests; try again in a minute.")}, status=429)
    try:
        translation = translate_comment(comment, language)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    except EngineError:
        # The engine's message names internal addresses: it goes to the log, not to readers.
        logger.exception("comment %s: translation into %s failed", comment.pk, language)
        return JsonResponse({"error": _("The translation is not available right now.")}, status=503)
    return JsonResponse(
        {
            "comment": comment.pk,
            "language": language,
            "source_language": comment.language,
            "text": translation.text,
            "label": _("Machine-translated from %(language)s")
            % {"language": _language_name(comment.language)},
            "model": translation.model_version,
        }
    )
