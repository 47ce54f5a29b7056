"""Prepared get and insert: the same rows and values as the ORM, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.community.models import Comment
from newsdesk.core import prepared
from newsdesk.core.auth import AuthenticationBackend, ModelBackend
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_get_by_pk_gives_what_the_orm_gives() -> None:
    users = get_user_model()
    user = users.objects.create_user("grete", "grete@example.org", "pw-123456!")
    users.objects.filter(pk=user.pk).update(last_login=timezone.now() - dt.timedelta(hours=3))
    expected = users.objects.get(pk=user.pk)
    loaded = prepared.get_by_pk(users, user.pk)
    assert loaded is not None
    for field in users._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded.last_login is not None and timezone.is_aware(loaded.last_login)
    assert loaded.check_password("pw-123456!")
    assert loaded._state.adding is False
    assert prepared.get_by_pk(users, user.pk + 1000) is None
    assert prepared.get_by_pk(users, str(user.pk)).pk == user.pk  # as sessions store it


def test_get_by_pk_in_another_thread_uses_that_threads_connection() -> None:
    users = get_user_model()
    user = users.objects.create_user("hans", "hans@example.org")
    prepared.get_by_pk(users, user.pk)  # compiled in this thread
    found = []

    def other() -> None:
        from django.db import connection

        found.append(prepared.get_by_pk(users, user.pk))
        connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found[0] is not None and found[0].username == "hans"


def test_insert_writes_the_row_as_create_would() -> None:
    from newsdesk.community.actions import conversation_for_article

    users = get_user_model()
    author = users.objects.create_user("ida", "ida@example.org")
    conversation = conversation_for_article(make_article())
    now = timezone.now().replace(microsecond=123456)
    comment = Comment(
        conversation=conversation,
        author=author,
        language="de",
        text="Grüß Gott <b>",
        html="<p>Grüß Gott &lt;b&gt;</p>",
        text_digest="abc",
        created_at=now,
        ip_address="2001:db8::1",
    )
    prepared.insert(comment)
    assert comment.pk is not None and not comment._state.adding
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.created_at == now
    assert (stored.text, stored.html, stored.author_id) == (comment.text, comment.html, author.pk)
    assert stored.ip_address == "2001:db8::1"
    assert (stored.upvotes, stored.downvotes, stored.score, stored.reply_count) == (0, 0, 0, 0)
    assert stored.parent_id is None and stored.deleted_at is None
    second = Comment(conversation=conversation, author=author, text="b", html="b", created_at=now)
    prepared.insert(second)
    assert second.pk > comment.pk


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_backends_load_active_users_only(backend_class) -> None:
    users = get_user_model()
    user = users.objects.create_user("jo", "jo@example.org")
    backend = backend_class()
    assert backend.get_user(user.pk) == user
    users.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None
