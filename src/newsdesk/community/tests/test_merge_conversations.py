"""Operators merge two conversations of one page (issue 16 item 6): comments, counts, votes,
replies and moderation follow; the merged address keeps leading to the target (reads, posts,
counts, the widget, the conversation page); one audit row; the refusals; the back office's
action and `newsdesk conversations merge`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from newsdesk.community import actions, rendering
from newsdesk.community.models import Comment, Conversation
from newsdesk.core.models import AuditEvent, EventType

pytestmark = pytest.mark.django_db
PARTNER = "https://partner.example"
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.fixture
def pages(users, settings):
    """Two conversations of one page: one under its address with a query a partner later
    stopped sending, one under the plain address."""
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    old = actions.conversation_for_url(f"{PARTNER}/politik/wahl-2026?ref=alt", title="Wahl (alt)")
    new = actions.conversation_for_url(f"{PARTNER}/politik/wahl-2026", title="Wahl 2026")
    first = actions.do_post_comment(old, text_value="Erster Beitrag", acting_user=users["reader"])
    reply = actions.do_post_comment(
        old, text_value="Antwort darauf", acting_user=users["other_reader"], parent=first
    )
    actions.do_vote(first, value=1, acting_user=users["other_reader"])
    later = actions.do_post_comment(new, text_value="Später", acting_user=users["reader"])
    return old, new, first, reply, later


def test_merge_moves_comments_counts_and_keeps_replies_and_votes(users, pages):
    old, new, first, reply, later = pages
    version_before = Conversation.objects.get(pk=new.pk).version
    result = actions.do_merge_conversations(old, into=new, acting_user=users["admin"])
    assert result.pk == new.pk and result.comment_count == 3
    assert set(Comment.objects.filter(conversation=new).values_list("pk", flat=True)) == {
        first.pk,
        reply.pk,
        later.pk,
    }
    moved = Comment.objects.get(pk=reply.pk)
    assert moved.parent_id == first.pk and moved.root_id == first.pk
    assert Comment.objects.get(pk=first.pk).upvotes == 1
    source = Conversation.objects.get(pk=old.pk)
    assert source.merged_into_id == new.pk and source.comment_count == 0
    assert source.url == f"{PARTNER}/politik/wahl-2026?ref=alt"  # kept, to forward
    assert Conversation.objects.get(pk=new.pk).version > version_before
    thread = rendering.thread_html(Conversation.objects.get(pk=new.pk), "oldest", 1)
    assert "Erster Beitrag" in thread and "Antwort darauf" in thread and "Später" in thread


def test_one_audit_row_on_the_source(users, pages):
    old, new, *_ = pages
    actions.do_merge_conversations(old, into=new, acting_user=users["moderator"])
    event = AuditEvent.objects.get(event_type=EventType.CONVERSATIONS_MERGED)
    assert event.target_id == str(old.pk)
    assert event.old_value == {"conversation": old.pk, "url": old.url, "comments": 2}
    assert event.new_value == {"merged_into": new.pk, "forwarded": [old.pk]}
    assert event.actor_id == users["moderator"].pk


def test_the_merged_address_leads_to_the_target(client_for, users, pages):
    old, new, *_ = pages
    actions.do_merge_conversations(old, into=new, acting_user=users["admin"])
    address = f"{PARTNER}/politik/wahl-2026?ref=alt"
    anonymous = client_for("anonymous")
    thread = anonymous.get("/api/community/threads", {"url": address}).json()
    assert thread["conversation"] == new.pk and thread["count"] == 3
    counts = anonymous.get("/api/community/counts", {"url": [address, new.url]}).json()
    assert counts["urls"] == {address: 3, new.url: 3}
    frame = anonymous.get("/community/embed/", {"url": address, "lang": "de"}).content.decode()
    assert f'data-conversation="{new.pk}"' in frame and "Später" in frame
    page = anonymous.get(f"/de/community/conversations/{old.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/de/community/conversations/{new.pk}/"
    fragment = anonymous.get(f"/de/community/conversations/{old.pk}/thread/").content.decode()
    assert "Später" in fragment
    # Posting to the old address or the old id lands in the target.
    reader = client_for("reader")
    posted = reader.post(
        "/api/community/comments",
        data={"url": address, "text": "Nach der Zusammenführung"},
        content_type="application/json",
    )
    assert posted.status_code == 201
    assert Comment.objects.get(pk=posted.json()["id"]).conversation_id == new.pk
    form = reader.post(f"/de/community/conversations/{old.pk}/comments/", {"text": "Per Formular"})
    assert form.status_code == 302
    assert Comment.objects.filter(text="Per Formular", conversation_id=new.pk).exists()
    assert Conversation.objects.get(pk=old.pk).comment_count == 0
    assert Conversation.objects.filter(url__startswith=f"{PARTNER}/politik").count() == 2


def test_merging_a_target_forwards_its_earlier_sources(users, pages, settings):
    old, new, *_ = pages
    third = actions.conversation_for_url(f"{PARTNER}/wahl", title="Wahl kurz")
    actions.do_merge_conversations(old, into=new, acting_user=users["admin"])
    actions.do_merge_conversations(new, into=third, acting_user=users["admin"])
    assert Conversation.objects.get(pk=old.pk).merged_into_id == third.pk
    assert actions.conversation_for_url(old.url, create=False).pk == third.pk
    assert Conversation.objects.get(pk=third.pk).comment_count == 3


def test_a_partner_page_may_be_merged_into_an_article(users, pages, article):
    old, _new, first, *_ = pages
    target = actions.conversation_for_article(article)
    actions.do_merge_conversations(old, into=target, acting_user=users["admin"])
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Erster Beitrag" in html
    assert Comment.objects.get(pk=first.pk).conversation_id == target.pk


@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("same", "same_conversation", 400),
        ("article_source", "article_conversation", 409),
        ("twice", "already_merged", 409),
        ("into_merged", "merged_target", 409),
    ],
)
def test_refusals_change_nothing(users, pages, article, case, code, status):
    old, new, *_ = pages
    source, into = old, new
    if case == "same":
        into = old
    elif case == "article_source":
        source = actions.conversation_for_article(article)
    elif case in ("twice", "into_merged"):
        third = actions.conversation_for_url(f"{PARTNER}/dritte", title="Dritte")
        actions.do_merge_conversations(old, into=new, acting_user=users["admin"])
        source, into = (old, third) if case == "twice" else (third, old)
    events = AuditEvent.objects.count()
    placed = dict(Comment.objects.values_list("pk", "conversation_id"))
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_merge_conversations(source, into=into, acting_user=users["admin"])
    assert (refused.value.code, refused.value.status) == (code, status)
    assert AuditEvent.objects.count() == events
    assert dict(Comment.objects.values_list("pk", "conversation_id")) == placed


@pytest.mark.parametrize("role", ["reader", "other_reader", "editor", None])
def test_only_staff_who_manage_conversations_may_merge(users, pages, role):
    old, new, *_ = pages
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_merge_conversations(old, into=new, acting_user=users[role] if role else None)
    assert refused.value.code == "forbidden" and refused.value.status == 403
    assert Conversation.objects.get(pk=old.pk).merged_into_id is None
    assert not AuditEvent.objects.filter(event_type=EventType.CONVERSATIONS_MERGED).exists()


@pytest.mark.parametrize("role", ROLES)
def test_back_office_action_for_every_role(client_for, users, pages, role):
    old, new, *_ = pages
    client = client_for(role)
    url = "/admin/community/conversation/"
    base = {"action": "merge_conversations", "_selected_action": [old.pk, new.pk]}
    ask = client.post(url, base)
    if role in ("anonymous", "reader"):
        assert ask.status_code == 302 and "/admin/login/" in ask["Location"]
    elif role == "editor":
        assert ask.status_code == 403
    else:
        assert ask.status_code == 200
        html = ask.content.decode()
        assert 'name="into"' in html and "Wahl 2026" in html
        done = client.post(url, {**base, "into": new.pk, "confirmed": "1"})
        assert done.status_code == 302
        assert Conversation.objects.get(pk=old.pk).merged_into_id == new.pk
        return
    assert Conversation.objects.get(pk=old.pk).merged_into_id is None


def test_command_merges_by_address_and_by_id(users, pages, capsys):
    old, new, *_ = pages
    call_command(
        "conversations", "merge", f"{PARTNER}/politik/wahl-2026?ref=alt&utm_source=x", str(new.pk)
    )
    assert Conversation.objects.get(pk=old.pk).merged_into_id == new.pk
    out = capsys.readouterr().out
    assert f"merged conversation #{old.pk}" in out and "now 3" in out
    event = AuditEvent.objects.get(event_type=EventType.CONVERSATIONS_MERGED)
    assert event.actor_id == users["admin"].pk


def test_command_names_an_article_by_its_page(users, pages, article):
    old, *_ = pages
    target = actions.conversation_for_article(article)
    call_command(
        "conversations",
        "merge",
        str(old.pk),
        f"http://127.0.0.1:8000{article.get_absolute_url()}",
        "--as",
        "moderator",
    )
    assert Conversation.objects.get(pk=old.pk).merged_into_id == target.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "1"], "not_found"),
        (["https://nirgends.example/x", "1"], "not_found"),
        (["SAME", "SAME"], "same_conversation"),
        (["OLD", "NEW", "--as", "reader"], "forbidden"),
        (["OLD", "NEW", "--as", "nobody"], "no active account"),
    ],
)
def test_command_refusals(users, pages, args, message):
    old, new, *_ = pages
    values = {"SAME": str(old.pk), "OLD": str(old.pk), "NEW": str(new.pk)}
    with pytest.raises(CommandError) as failed:
        call_command("conversations", "merge", *[values.get(arg, arg) for arg in args])
    assert message in str(failed.value)
    assert Conversation.objects.get(pk=old.pk).merged_into_id is None
