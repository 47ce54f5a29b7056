"""Background tasks of the community: reply notifications by e-mail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from newsdesk.core import queues

logger = logging.getLogger(__name__)


@task(queue_name=queues.DEFAULT)
def notify_reply(comment_id: int) -> bool:
    """Tell the author of the comment replied to (if they want to know). True when sent."""
    from newsdesk.community.models import Comment

    reply = (
        Comment.objects.select_related(
            "parent__author__community_profile", "author__community_profile", "conversation"
        )
        .filter(pk=comment_id)
        .first()
    )
    if reply is None or not reply.is_visible or reply.parent is None:
        return False  # held, removed or deleted since: its text is not for the parent's author
    recipient = reply.parent.author
    if recipient is None or not recipient.email or not recipient.is_active:
        return False
    profile = getattr(recipient, "community_profile", None)
    if profile is None or not profile.notify_replies:
        return False
    with translation.override(reply.parent.language or settings.LANGUAGE_CODE):
        context = {
            "reply": reply,
            "replier": reply.author.community_profile.display_name if reply.author else "",
            "url": settings.SITE_URL + reply.get_absolute_url(),
            "settings_url": settings.SITE_URL
            + "/"
            + (reply.parent.language or settings.LANGUAGE_CODE)
            + "/community/settings/",
            "SITE_NAME": settings.SITE_NAME,
        }
        subject = render_to_string("community/email/reply_subject.txt", context).strip()
        body = render_to_string("community/email/reply_body.txt", context)
    send_mail(subject, body, None, [recipient.email])
    logger.info("reply notification for comment %s sent", comment_id)
    return True
