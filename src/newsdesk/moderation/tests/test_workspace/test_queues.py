"""The queues show the right comments with what a moderator needs to decide; search narrows
them; the counts endpoint feeds the tabs; a page costs the same queries for any number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.moderation import actions, views
from newsdesk.moderation.models import Case, Sanction
from newsdesk.newsroom.testing import make_article

from .conftest import NOW

pytestmark = pytest.mark.django_db


def item_ids(html: str) -> list[int]:
    return [int(number) for number in re.findall(r'id="item-(\d+)"', html)]


@pytest.fixture
def queues(post, reasons, users) -> dict[str, Comment]:
    first = post("Erster Kommentar")
    linked = post("Siehe https://example.org/budget", role="other_reader")
    caseless = post("Ohne Fall")
    Case.objects.filter(comment=caseless).delete()  # held before a case could be written
    approved = post("Wird freigegeben")
    rejected = post("Wird entfernt", role="other_reader")
    moderator = users["moderator"]
    actions.do_approve_comment(approved, acting_user=moderator)
    clock.set_now(NOW + dt.timedelta(minutes=5))
    actions.do_reject_comment(rejected, reason=reasons["insult"], acting_user=moderator)
    return {
        "first": first,
        "linked": linked,
        "caseless": caseless,
        "approved": approved,
        "rejected": rejected,
    }


def test_each_queue_shows_its_comments(client_for, queues):
    client = client_for("moderator")
    pending = client.get("/en/moderation/queues/pending/").content.decode()
    assert item_ids(pending) == [queues["first"].pk]
    system = client.get("/en/moderation/queues/system/").content.decode()
    assert item_ids(system) == [queues["linked"].pk, queues["caseless"].pk]
    approved = client.get("/en/moderation/queues/approved/").content.decode()
    assert item_ids(approved) == [queues["approved"].pk]
    assert "moderator" in approved
    rejected = client.get("/en/moderation/queues/rejected/").content.decode()
    assert item_ids(rejected) == [queues["rejected"].pk]
    assert "Beleidigung" in rejected
    reported = client.get("/en/moderation/queues/reported/").content.decode()
    assert item_ids(reported) == [] and "Nothing to do in this queue." in reported
    # The workspace's home is the pending queue.
    assert item_ids(client.get("/en/moderation/").content.decode()) == [queues["first"].pk]


def test_reported_comments_come_by_priority_then_age(client_for, queues, users):
    """Reports (from the legal channels' notices) enter the reported queue: lower priority
    numbers first, then the oldest; a held comment that is reported leaves the system queue;
    a decided one is opened again; the workspace shows what the report says."""
    report = {
        "reference": "N-1",
        "category": "Hassrede",
        "explanation": "Beleidigt",
        "notifier": "x",
    }
    with transaction.atomic():
        actions.record_report(queues["approved"], priority=10, report=report)
    clock.set_now(NOW + dt.timedelta(minutes=20))
    with transaction.atomic():
        actions.record_report(queues["linked"], priority=10, report=report)
        actions.record_report(queues["first"], priority=0, report={**report, "reference": "N-2"})
    html = client_for("moderator").get("/en/moderation/queues/reported/").content.decode()
    # "linked" was held before it was reported: it keeps its age.
    order = [queues["first"].pk, queues["linked"].pk, queues["approved"].pk]
    assert item_ids(html) == order
    assert "N-2" in html and "Beleidigt" in html and "Hassrede" in html
    system = client_for("moderator").get("/en/moderation/queues/system/").content.decode()
    assert queues["linked"].pk not in item_ids(system)
    counts = client_for("moderator").get("/en/moderation/counts/").json()["counts"]
    assert counts["reported"] == 3 and counts["system"] == 1 and counts["approved"] == 0
    reopened = Case.objects.get(comment=queues["approved"])
    assert reopened.decided_by is None and reopened.reports == [report]
    # A second report keeps the lower priority; deciding takes the comment out of the queue.
    with transaction.atomic():
        actions.record_report(queues["first"], priority=10, report=report)
    assert Case.objects.get(comment=queues["first"]).priority == 0
    actions.do_approve_comment(queues["approved"], acting_user=users["moderator"])
    html = client_for("moderator").get("/en/moderation/queues/reported/").content.decode()
    assert item_ids(html) == [queues["first"].pk, queues["linked"].pk]


def test_decided_queues_show_the_latest_decision_first(client_for, queues, users, reasons):
    clock.set_now(NOW + dt.timedelta(minutes=10))
    actions.do_reject_comment(queues["first"], reason=reasons["spam"], acting_user=users["admin"])
    html = client_for("moderator").get("/en/moderation/queues/rejected/").content.decode()
    assert item_ids(html) == [queues["first"].pk, queues["rejected"].pk]


def test_an_item_shows_why_it_was_held_its_thread_and_its_author(
    client_for, post, queues, users, reasons
):
    reply = post(
        "<script>alert(1)</script> Antwort mit https://example.org/x",
        role="other_reader",
        parent=queues["approved"],
        language="en",
    )
    Case.objects.filter(comment=reply).update(
        score=0.91234, model_name="germeval-linear", model_version="2026.1"
    )
    Sanction.objects.create(
        user=users["other_reader"],
        kind=Sanction.Kind.WARN,
        reason=reasons["spam"],
        starts_at=NOW - dt.timedelta(days=30),
        ends_at=NOW - dt.timedelta(days=20),
    )
    html = client_for("moderator").get(f"/en/moderation/comments/{reply.pk}/").content.decode()
    # The text, escaped, marked for direction; the article linked.
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Antwort" in html
    assert 'class="ws-text comment__text" dir="auto" lang="en"' in html
    assert f'href="{queues["approved"].conversation.article.get_absolute_url()}"' in html
    assert "Budget beschlossen" in html
    # The comment it replies to.
    assert "In reply to" in html and "Wird freigegeben" in html
    # Why it was held: each rule with its evidence, the score with model and version.
    assert "<code>links</code>" in html and "https://example.org/x" in html
    assert "<code>premoderation</code>" in html
    assert "Classifier score 0.912 (model germeval-linear, version 2026.1)" in html
    # Written in English on a German site.
    assert "Written in another language: <code>en</code>" in html
    # The author: name, counts, prior sanctions.
    author = re.search(r'<aside class="ws-author".*?</aside>', html, re.S)
    assert author
    assert "other_reader" in author.group(0)
    assert "0 visible · 2 pending · 1 removed" in author.group(0)
    assert "Werbung" in author.group(0)


def test_a_page_costs_the_same_queries_for_two_or_ten_items(client_for, post, users, reasons):
    client = client_for("moderator")

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/moderation/queues/system/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    parent = post("Wurzel")
    if parent.is_pending:  # replies go only to published comments
        from newsdesk.community.actions import apply_comment_status

        apply_comment_status(parent, status="visible")
    for number in range(2):
        post(f"Link {number} https://example.org/{number}", role="other_reader", parent=parent)
    few = queries_for_page()
    for number in range(8):
        post(f"Mehr {number} https://example.org/m{number}", parent=parent)
        user = users["reader" if number % 2 else "other_reader"]
        Sanction.objects.create(
            user=user, kind=Sanction.Kind.PREMODERATE, reason=reasons["spam"], starts_at=NOW
        )
    assert queries_for_page() == few


def test_pending_comments_of_deleted_threads_are_not_offered(client_for, queues, users):
    community.do_delete_comment(queues["first"], acting_user=users["reader"])
    html = client_for("moderator").get("/en/moderation/queues/pending/").content.decode()
    assert item_ids(html) == []
    assert "Nothing to do in this queue." in html


def test_counts_endpoint(client_for, queues):
    response = client_for("moderator").get("/en/moderation/counts/")
    assert response.status_code == 200
    assert response.json() == {
        "counts": {"pending": 1, "system": 2, "reported": 0, "approved": 1, "rejected": 1}
    }
    html = client_for("moderator").get("/en/moderation/").content.decode()
    assert '<span class="ws-count" data-count="system">2</span>' in html


class TestSearch:
    @pytest.fixture
    def more(self, queues, post, users) -> Any:
        other_article = make_article(headline="Neue Straßenbahnlinie")
        conversation = community.conversation_for_article(other_article)
        tram = community.do_post_comment(
            conversation, text_value="Die Linie kommt zu spät", acting_user=users["reader"]
        )
        clock.set_now(NOW + dt.timedelta(days=3))
        late = post("Später Kommentar", role="other_reader")
        return {"tram": tram, "late": late, **queues}

    def search(self, client_for, query: str, queue: str = "all") -> list[int]:
        response = client_for("moderator").get(f"/en/moderation/queues/{queue}/?{query}")
        assert response.status_code == 200
        return item_ids(response.content.decode())

    def test_by_text(self, client_for, more):
        assert self.search(client_for, "q=KOMMENTAR") == [more["late"].pk, more["first"].pk]

    def test_by_author_display_name_or_username(self, client_for, more, users):
        users["other_reader"].community_profile.display_name = "Grete aus Graz"
        users["other_reader"].community_profile.save()
        expected = [more["late"].pk, more["rejected"].pk, more["linked"].pk]
        assert self.search(client_for, "author=grete") == expected
        assert self.search(client_for, "author=other_reader") == expected

    def test_by_article(self, client_for, more):
        assert self.search(client_for, "article=straßenbahn") == [more["tram"].pk]

    def test_by_date_range(self, client_for, more):
        assert self.search(client_for, "since=2026-11-30&until=2026-11-30") == [more["late"].pk]
        assert more["late"].pk not in self.search(client_for, "until=2026-11-29")

    def test_within_a_queue(self, client_for, more):
        assert self.search(client_for, "q=Kommentar", queue="pending") == [
            more["first"].pk,
            more["late"].pk,
        ]
        assert self.search(client_for, "q=Kommentar", queue="rejected") == []

    def test_bad_dates_are_shown_not_ignored_silently(self, client_for, more):
        response = client_for("moderator").get("/en/moderation/queues/all/?since=gestern")
        assert response.status_code == 200
        assert "ws-error" in response.content.decode()

    def test_paginated(self, client_for, more, monkeypatch):
        monkeypatch.setattr(views, "PAGE_SIZE", 2)
        first = self.search(client_for, "q=e")
        second = self.search(client_for, "q=e&page=2")
        assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
        html = client_for("moderator").get("/en/moderation/queues/all/?q=e").content.decode()
        assert 'href="?q=e&amp;page=2"' in html
