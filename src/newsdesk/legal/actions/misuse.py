"""Taking a step against misuse (DSA Art. 23): a warning or a suspension, for a poster through
a moderation sanction, for a notifier as a ``MisuseMeasure`` of its own. When a step is due is
decided in ``newsdesk.legal.misuse``."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from newsdesk.core import clock, queues
from newsdesk.core.actors import Actor, person
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal import parts
from newsdesk.legal.models import MisuseMeasure
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Reason, Sanction

logger = logging.getLogger(__name__)


def do_take_misuse_step(
    *,
    kind: str,
    step: str,
    items: dict[str, list[Any]],
    policy: dict[str, int | str],
    acting_user: Actor,
    user: User | None = None,
    email: str = "",
    address_hash: str = "",
    ends_at: dt.datetime | None = None,
    note: str = "",
) -> MisuseMeasure:
    """Record one step of the misuse policy and carry it out.

    ``kind`` "poster": ``user``'s account is warned (``Sanction.Kind.WARN``) or suspended
    until ``ends_at`` (``SUSPEND``) through ``moderation.actions.do_impose_sanction`` by
    ``acting_user`` (a moderator; the statements part issues the statement of reasons from
    moderation's ``sanction_imposed`` signal), for the reason ``policy["reason"]`` names.
    ``kind`` "notifier": the notifier (``user``, ``email``, ``address_hash``: whichever is
    known) is warned, or the processing of their notices suspended until ``ends_at``; they get
    a statement of reasons by e-mail after the commit (``tell_notifier_of_measure``).
    ``items``: what led to it ({"statements": [ids]} or {"notices": [references]}).

    Refusals: ``switched_off`` (404), ``bad_step``, ``end_needed``, ``no_party``,
    ``unknown_reason``; and ``do_impose_sanction``'s (``forbidden``, ``not_a_reader``, ...)."""
    if not parts.enabled("misuse"):
        raise ActionRefused("switched_off", _("Misuse measures are switched off."), status=404)
    if kind not in MisuseMeasure.Kind.values or step not in MisuseMeasure.Step.values:
        raise ActionRefused("bad_step", _("Unknown misuse measure."))
    if step == MisuseMeasure.Step.SUSPENSION and ends_at is None:
        raise ActionRefused("end_needed", _("A suspension needs an end."))
    if step == MisuseMeasure.Step.WARNING:
        ends_at = None
    email = email.strip().lower()
    if kind == MisuseMeasure.Kind.POSTER and user is None:
        raise ActionRefused("no_party", _("Whose account? No account was given."))
    if kind == MisuseMeasure.Kind.NOTIFIER and user is None and not email and not address_hash:
        raise ActionRefused("no_party", _("The notifier cannot be recognised."))
    now = clock.now()
    with transaction.atomic():
        sanction: Sanction | None = None
        if kind == MisuseMeasure.Kind.POSTER:
            assert user is not None  # noqa: S101 (checked above)
            reason = Reason.objects.filter(code=str(policy.get("reason", "")), active=True).first()
            if reason is None:
                raise ActionRefused(
                    "unknown_reason",
                    _("The misuse policy's reason “%(code)s” is not an active reason.")
                    % {"code": policy.get("reason", "")},
                )
            sanction = moderation.do_impose_sanction(
                user,
                kind=Sanction.Kind.WARN
                if step == MisuseMeasure.Step.WARNING
                else Sanction.Kind.SUSPEND,
                reason=reason,
                ends_at=ends_at,
                note=note,
                acting_user=acting_user,
            )
        measure = MisuseMeasure.objects.create(
            kind=kind,
            step=step,
            user=user,
            email=email if kind == MisuseMeasure.Kind.NOTIFIER else "",
            address_hash=address_hash if kind == MisuseMeasure.Kind.NOTIFIER else "",
            sanction=sanction,
            starts_at=now,
            ends_at=ends_at,
            items=items,
            policy=policy,
            created_at=now,
            created_by=person(acting_user),
        )
        record_event(
            EventType.MISUSE_MEASURE,
            actor=acting_user,
            target=measure,
            new={
                "measure": measure.pk,
                "kind": kind,
                "step": step,
                "until": ends_at,
                "sanction": sanction.pk if sanction else None,
                "items": items,
                "policy": policy,
            },
        )
        if kind == MisuseMeasure.Kind.NOTIFIER:
            transaction.on_commit(lambda: tell_notifier_of_measure.enqueue(measure.pk))
    return measure


@task(queue_name=queues.DEFAULT)
def tell_notifier_of_measure(measure_id: int) -> bool:
    """E-mail a notifier the statement of reasons for a warning or a suspension of the
    processing of their notices (Art. 23(2), 17). True when sent (and ``told_at`` set)."""
    measure = MisuseMeasure.objects.select_related("user").filter(pk=measure_id).first()
    if measure is None or measure.kind != MisuseMeasure.Kind.NOTIFIER:
        return False
    email = measure.email or (
        measure.user.email if measure.user is not None and measure.user.is_active else ""
    )
    if not email:
        return False
    language = str(measure.policy.get("language") or settings.LANGUAGE_CODE)
    with translation.override(language):
        context = {
            "measure": measure,
            "notices": measure.items.get("notices", []),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
        }
        subject = render_to_string("legal/email/misuse_notifier_subject.txt", context).strip()
        body = render_to_string("legal/email/misuse_notifier_body.txt", context)
    send_mail(subject, body, None, [email])
    MisuseMeasure.objects.filter(pk=measure.pk).update(told_at=clock.now())
    logger.info("misuse measure %s: statement of reasons sent", measure.pk)
    return True
