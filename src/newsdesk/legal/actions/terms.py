"""Publishing a version of the terms, netiquette or privacy notice, and a reader accepting it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from newsdesk.core import clock
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.models import TermsAcceptance, TermsVersion
from newsdesk.legal.terms import clean_terms_html, pending_acceptance


def do_publish_terms(version: TermsVersion, *, acting_user: Actor) -> TermsVersion:
    """Make ``version`` public now (and, when it ``requires_acceptance``, ask every reader to
    accept it before posting again). Records TERMS_PUBLISHED.

    Refusals: ``forbidden`` (403, without the permission to change versions),
    ``already_published`` (409), ``empty`` (no title or text), ``outdated`` (a newer
    version of the document is published in this language).
    """
    actor = person(acting_user)
    if actor is None or not actor.has_perm("legal.change_termsversion"):
        raise ActionRefused("forbidden", _("You may not publish terms."), status=403)
    with transaction.atomic():
        locked = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if locked.published_at is not None:
            raise ActionRefused(
                "already_published", _("This version is published already."), status=409
            )
        text = clean_terms_html(locked.text)
        if not locked.title.strip() or not text:
            raise ActionRefused("empty", _("A version needs a title and a text."))
        if TermsVersion.objects.filter(
            document=locked.document,
            language=locked.language,
            version__gt=locked.version,
            published_at__isnull=False,
        ).exists():
            raise ActionRefused(
                "outdated", _("A newer version of this document is published already.")
            )
        locked.text = text
        locked.published_at = clock.now()
        locked.save(update_fields=["text", "published_at"])
        record_event(
            EventType.TERMS_PUBLISHED,
            actor=actor,
            target=locked,
            new={
                "document": locked.document,
                "version": locked.version,
                "language": locked.language,
                "requires_acceptance": locked.requires_acceptance,
                "summary": locked.summary,
            },
        )
    version.text, version.published_at = locked.text, locked.published_at
    return version


def do_accept_terms(user: User, *, language: str, acting_user: Actor) -> list[TermsVersion]:
    """``user`` accepts every version they still have to (``pending_acceptance``); returns
    them. Records TERMS_ACCEPTED per version.

    Refusals: ``forbidden`` (403, anyone but the reader), ``nothing_to_accept`` (409).
    """
    actor = person(acting_user)
    if actor is None or actor.pk != user.pk:
        raise ActionRefused(
            "forbidden", _("Only the reader can accept for themselves."), status=403
        )
    pending = pending_acceptance(user, language)
    if not pending:
        raise ActionRefused(
            "nothing_to_accept", _("You have accepted the current versions already."), status=409
        )
    now = clock.now()
    with transaction.atomic():
        for version in pending:
            try:
                with transaction.atomic():
                    TermsAcceptance.objects.create(
                        user=user,
                        terms=version,
                        document=version.document,
                        version=version.version,
                        accepted_at=now,
                    )
            except IntegrityError:
                continue  # accepted in another tab a moment ago
            record_event(
                EventType.TERMS_ACCEPTED,
                actor=user,
                target=version,
                new={"account": user.pk, "document": version.document, "version": version.version},
            )
    return pending
