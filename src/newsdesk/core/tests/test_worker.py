"""`newsdesk worker`: tasks a killed worker left running are queued again when one starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
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


def test_a_running_worker_requeues_tasks_that_went_stale_meanwhile():
    """A worker restarted at once after a kill finds the killed one's task too young at its
    start; its housekeeping queues it again once it is old enough."""
    import threading
    import time

    from newsdesk.core.management.commands.worker import housekeeping
    from newsdesk.newsroom.tasks import publish_due_articles

    result = publish_due_articles.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(seconds=90)
    )
    stop = threading.Event()
    helper = threading.Thread(target=housekeeping, args=(60, stop, 0.01), daemon=True)
    helper.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if DBTaskResult.objects.get(pk=result.id).status == "READY":
            break
        time.sleep(0.05)
    stop.set()
    helper.join(5)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"


def test_expired_throttle_entries_are_purged():
    from django.core.cache import caches
    from django.db import connection

    from newsdesk.core.management.commands.worker import purge_shared_cache

    shared = caches["shared"]
    shared.clear()  # sweep claims of earlier tests (core.periodic) share the table
    shared.set("allauth:rl:old", [1.0], 300)
    shared.set("allauth:rl:new", [2.0], 300)
    table = connection.ops.quote_name(settings.CACHES["shared"]["LOCATION"])
    past = connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(hours=1))
    key = shared.make_key("allauth:rl:old")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET expires = %s WHERE cache_key = %s", [past, key])  # noqa: S608
    assert purge_shared_cache() == 1
    assert shared.get("allauth:rl:new") == [2.0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE cache_key = %s", [key])  # noqa: S608
        assert cursor.fetchone()[0] == 0


def test_a_too_short_stale_time_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 30 seconds"):
        call_command("worker", "--batch", "--stale-after", "5")
