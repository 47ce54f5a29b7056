"""Reader comments in the reader's language on demand ("Show translation"), cached."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.editions.models import CommentTranslation
from newsdesk.translation.pipeline import SourceField, translate_document

logger = logging.getLogger(__name__)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def translate_comment(comment: Any, language: str) -> CommentTranslation:
    """The comment in `language`: from the cache, or translated now (EngineError if not).

    Comments never go into the translation memory: it holds the newsroom's own sentences.
    """
    if comment.deleted_at is not None:
        raise ValidationError(_("This comment was deleted."))
    if language == comment.language:
        raise ValidationError(_("This comment is already in that language."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language %(code)s.") % {"code": language})
    digest = _digest(comment.text)
    cached = CommentTranslation.objects.filter(comment=comment, language=language).first()
    if cached is not None and cached.source_digest == digest:
        return cached
    result = translate_document(
        [SourceField("text", comment.text)],
        comment.language,
        language,
        use_memory=False,
        run_checks=False,
    )
    values = {
        "text": result.text("text"),
        "source_digest": digest,
        "engine": result.engine,
        "model_version": result.model_version,
    }
    try:
        with transaction.atomic():
            translation, _created = CommentTranslation.objects.update_or_create(
                comment=comment, language=language, defaults=values
            )
    except IntegrityError:  # two readers asked at the same moment: the other one won
        translation = CommentTranslation.objects.get(comment=comment, language=language)
    return translation


def translatable_into(language: str) -> list[str]:
    """The languages the configured engine can translate into ``language`` (none when the
    engine cannot be asked)."""
    from newsdesk.translation.engines import get_engine

    try:
        pairs = get_engine().language_pairs()
    except Exception:  # noqa: BLE001 - a broken engine translates nothing
        logger.exception("cannot ask the translation engine for its languages")
        return []
    return sorted(source for source, target in pairs if target == language)


def translation_script(context: Any) -> str:
    """The comment section's "Show translation" buttons (a script; no inline code), offered
    only under comments in a language the engine can translate into the page's: none at all
    when it can translate none (no model installed)."""
    sources = translatable_into(get_language() or settings.LANGUAGE_CODE)
    if not sources:
        return ""
    endpoint = reverse("editions:comment_translation", kwargs={"comment_id": 0})
    return format_html(
        '<script src="{}" defer data-endpoint="{}" data-from="{}" data-show="{}" '
        'data-hide="{}" data-label="{}" data-failed="{}"></script>',
        static("editions/comment-translation.js"),
        endpoint,
        " ".join(sources),
        _("Show translation"),
        _("Hide translation"),
        _("Machine-translated"),
        _("The translation is not available right now."),
    )


def resolve_original(article: Any) -> Any:
    """For the community app: an edition's article copy belongs to the original's thread."""
    return getattr(article, "edition_original", None)
