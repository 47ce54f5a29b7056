"""Moderation's background tasks: telling readers what was decided about them, and why."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from newsdesk.core import queues

logger = logging.getLogger(__name__)


def _send(template: str, recipient: object, language: str, context: dict[str, object]) -> bool:
    email = getattr(recipient, "email", "")
    if not email or not getattr(recipient, "is_active", False):
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
        subject = render_to_string(f"moderation/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"moderation/email/{template}_body.txt", context)
    send_mail(subject, body, None, [email])
    return True


@task(queue_name=queues.DEFAULT)
def tell_about_decision(case_id: int) -> bool:
    """E-mail the author of a removed comment: what was removed, why, and what they can do.
    True when sent; False also when another app tells them (``hooks.told_elsewhere``, e.g.
    the legal channels' statement of reasons), so that nobody gets two e-mails."""
    from newsdesk.moderation.hooks import told_elsewhere
    from newsdesk.moderation.models import Case

    case = (
        Case.objects.select_related("comment__author", "comment__conversation", "reason")
        .filter(pk=case_id)
        .first()
    )
    if case is None or case.comment.author is None:
        return False
    if told_elsewhere(case):
        logger.info("removal of comment %s: the reader is told elsewhere", case.comment_id)
        return False
    comment = case.comment
    sent = _send(
        "removed",
        comment.author,
        comment.language,
        {"case": case, "comment": comment, "url": settings.SITE_URL + comment.get_absolute_url()},
    )
    logger.info("removal notice for comment %s: %s", comment.pk, "sent" if sent else "not sent")
    return sent


@task(queue_name=queues.DEFAULT)
def tell_about_sanction(sanction_id: int) -> bool:
    """E-mail a reader about a sanction on their account. True when sent; False also when
    another app tells them (``hooks.told_elsewhere``)."""
    from newsdesk.moderation.hooks import told_elsewhere
    from newsdesk.moderation.models import Sanction

    sanction = Sanction.objects.select_related("user", "reason").filter(pk=sanction_id).first()
    if sanction is None:
        return False
    if told_elsewhere(sanction):
        logger.info("sanction %s: the reader is told elsewhere", sanction.pk)
        return False
    return _send("sanction", sanction.user, settings.LANGUAGE_CODE, {"sanction": sanction})
