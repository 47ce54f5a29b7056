"""`newsdesk worker`: tasks a killed worker left running are queued again when one starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.community import actions
from newsdesk.community.tasks import notify_reply
from newsdesk.newsroom.testing import make_article

# The worker closes connections between tasks, as a long-running process must: it needs
# committed data, not a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reply_mail_a_killed_worker_left_running_is_sent_by_the_next(users, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    article = make_article(headline="Die Stadt")
    conversation = actions.conversation_for_article(article)
    parent = actions.do_post_comment(conversation, text_value="Frage?", acting_user=users["reader"])
    reply = actions.do_post_comment(
        conversation, text_value="Antwort!", acting_user=users["other_reader"], parent=parent
    )
    DBTaskResult.objects.all().delete()
    abandoned = notify_reply.enqueue(reply.pk)
    recent = notify_reply.enqueue(reply.pk)
    # One claimed an hour ago by a worker that was then killed, one just now by a live one.
    DBTaskResult.objects.filter(pk=abandoned.id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1), worker_ids=["gone"]
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["alive"]
    )
    mail.outbox.clear()
    call_command("worker", "--batch")
    assert DBTaskResult.objects.get(pk=abandoned.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=recent.id).status == "RUNNING"  # not another's work
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.org"]
