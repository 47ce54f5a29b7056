"""What editors do to a translated edition: post-edit it, approve it, have it translated again.

Each ``do_<verb>_edition(edition, *, ..., acting_user)`` locks the edition, changes it in one
transaction with one audit event (``newsdesk.core.audit``), and refreshes reader pages only
after the commit. Refusals are ``ActionRefused`` with the codes each docstring lists.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from newsdesk.core import clock
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.editions.models import Edition, EditionSegment
from newsdesk.editions.workflow import (
    VISIBLE_STATES,
    publish_content,
    request_editions,
    to_placeholders,
)
from newsdesk.newsroom.inline_html import clean_inline_html
from newsdesk.translation import memory

COMPLETE_STATES = (Edition.State.HELD, Edition.State.PUBLISHED, Edition.State.REVIEWED)


def _require_complete_translation(edition: Edition) -> None:
    if edition.state in (Edition.State.PENDING, Edition.State.FAILED):
        raise ActionRefused(
            "no_translation_yet", _("This edition has no complete translation to work on yet.")
        )


def do_post_edit_edition(
    edition: Edition, *, corrections: dict[int, str], acting_user: Actor
) -> list[EditionSegment]:
    """Store an editor's corrections (segment id -> text) in the edition and the memory;
    returns the segments that changed.

    An empty text removes a correction (the machine's text is used again). A published or
    reviewed edition shows the corrections at once; a held one when it is approved.
    Refusals: ``no_translation_yet``, ``unknown_segments``, ``markup_in_plain_text`` (and
    ``markup`` from the inline-markup check of HTML segments).
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        _require_complete_translation(edition)
        segments = list(edition.segments.order_by("position"))
        by_id = {segment.pk: segment for segment in segments}
        unknown = [key for key in corrections if key not in by_id]
        if unknown:
            raise ActionRefused(
                "unknown_segments",
                _("These segments are not part of this edition: %(ids)s")
                % {"ids": ", ".join(str(k) for k in unknown)},
            )
        language = edition.article.language
        changed = []
        before: dict[str, str] = {}
        for segment_id, raw in corrections.items():
            segment = by_id[segment_id]
            text = raw.strip()
            if segment.is_html and text:
                text = clean_inline_html(text)
            elif "<" in text and not segment.is_html:
                raise ActionRefused(
                    "markup_in_plain_text",
                    _("This part is plain text; remove the markup: %(text)s") % {"text": text},
                )
            if text == segment.human_text or (
                text == segment.machine_text and not segment.human_text
            ):
                continue
            before[str(segment.pk)] = segment.human_text
            segment.human_text = text
            segment.origin = EditionSegment.Origin.HUMAN if text else EditionSegment.Origin.MACHINE
            segment.corrected_by = person(acting_user)
            segment.corrected_at = clock.now() if text else None
            if text:
                segment.flags = []
                memory.record_correction(
                    language,
                    edition.language,
                    segment.source_text,
                    to_placeholders(segment, text),
                    acting_user,
                )
            segment.save(
                update_fields=["human_text", "origin", "corrected_by", "corrected_at", "flags"]
            )
            changed.append(segment)
        if not changed:
            return changed
        edition.flagged = any(s.flags for s in segments)
        if edition.state in VISIBLE_STATES or (
            edition.state == Edition.State.STALE and edition.content_fingerprint
        ):
            if edition.source_fingerprint == edition.content_fingerprint:
                publish_content(edition, segments, reviewed=edition.content_reviewed)
        edition.save()
        record_event(
            EventType.EDITION_POST_EDITED,
            actor=acting_user,
            target=edition,
            old={"segments": before},
            new={"segments": {str(s.pk): s.human_text for s in changed}},
        )
    return changed


def do_approve_edition(edition: Edition, *, acting_user: Actor) -> Edition:
    """An editor has checked the edition: publish it as reviewed, recording who and when.

    Refusals: ``not_complete`` (the edition is pending, stale or failed)."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.state not in COMPLETE_STATES:
            raise ActionRefused(
                "not_complete",
                _("Only a complete translation can be approved; this one is %(state)s.")
                % {"state": edition.get_state_display()},
            )
        old_state = edition.state
        segments = list(edition.segments.order_by("position"))
        edition.state = Edition.State.REVIEWED
        edition.flagged = False
        edition.reviewed_by = person(acting_user)
        edition.reviewed_at = clock.now()
        publish_content(edition, segments, reviewed=True)
        edition.save()
        record_event(
            EventType.EDITION_APPROVED,
            actor=acting_user,
            target=edition,
            old={"state": old_state},
            new={"state": edition.state, "reviewed_at": edition.reviewed_at},
        )
    return edition


def do_retranslate_edition(
    edition: Edition, *, acting_user: Actor, enqueue: bool = True
) -> Edition:
    """Translate again with the current engine and model (corrections are kept); with
    ``enqueue=False`` the caller runs the translation itself.

    Refusals: ``original_not_published``."""
    article = edition.article
    if not article.is_published:
        raise ActionRefused("original_not_published", _("The original is not published."))
    with transaction.atomic():
        old_state = Edition.objects.values_list("state", flat=True).get(pk=edition.pk)
        request_editions(article, force=True, languages=[edition.language], enqueue=enqueue)
        edition = Edition.objects.get(pk=edition.pk)
        record_event(
            EventType.EDITION_RETRANSLATION_REQUESTED,
            actor=acting_user,
            target=edition,
            old={"state": old_state},
            new={"state": edition.state, "queued": edition.queued},
        )
    return edition
