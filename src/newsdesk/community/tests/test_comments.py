"""Comments through the reader pages: posting, replies, votes, sorting, editing, deleting,
permalinks, notifications, and that the cached article page is never stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.community import actions, hours, rendering
from newsdesk.community.models import Comment, CommentRevision, Conversation, Vote
from newsdesk.community.rendering import forget_notices
from newsdesk.community.tasks import notify_reply
from newsdesk.core import clock, hooks
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db
ROLES = ["reader", "moderator", "editor", "admin"]


def post_url(article) -> str:
    return f"/de/community/article/{article.pk}/comments/"


@pytest.mark.parametrize("role", ROLES)
def test_every_logged_in_role_can_post_and_sees_it_at_once(client_for, role, article, users):
    client = client_for(role)
    response = client.post(post_url(article), {"text": f"Meinung von {role}"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#c-{comment.pk}")
    assert comment.author == users[role] and comment.language == "de"
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"Meinung von {role}" in html and 'id="comments"' in html


def test_anonymous_reader_is_sent_to_login_and_nothing_is_saved(client, article):
    response = client.post(post_url(article), {"text": "Anonym"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "/de/accounts/login/?next=" in html and 'name="text"' not in html


def test_cached_page_shows_a_new_comment_to_anonymous_readers_immediately(
    client, client_for, article, settings
):
    from newsdesk.newsroom.page_cache import generation

    settings.NEWSDESK_PAGE_CACHE_SECONDS = 60
    first = client.get(article.get_absolute_url()).content.decode()
    assert "Ganz frisch" not in first
    before = generation()
    client_for("reader").post(post_url(article), {"text": "Ganz frisch"})
    # The site's page cache is not emptied by a comment (pages stay cached) ...
    assert generation() == before
    # ... yet the anonymous reader sees the comment at once: the section is filled live.
    second = client.get(article.get_absolute_url()).content.decode()
    assert "Ganz frisch" in second
    assert second.count('id="comments"') == 1


def test_english_edition_posts_are_tagged_english(client_for, article):
    client_for("reader").post(
        f"/en/community/article/{article.pk}/comments/", {"text": "Hello from the English page"}
    )
    assert Comment.objects.get().language == "en"


def test_editions_share_one_conversation(users):
    original = make_article(headline="Original")
    edition = make_article(headline="Edition", language="en")
    actions.original_article_resolvers.append(
        lambda article: original if article.pk == edition.pk else None
    )
    try:
        assert actions.conversation_for_article(edition) == actions.conversation_for_article(
            original
        )
    finally:
        actions.original_article_resolvers.pop()


def test_replies_nest_up_to_the_depth_limit(users, article, settings):
    settings.COMMUNITY_MAX_DEPTH = 3
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    parent = None
    made = []
    for level in range(5):
        parent = actions.do_post_comment(
            conversation, text_value=f"Ebene {level}", acting_user=users["reader"], parent=parent
        )
        made.append(parent)
    assert [comment.depth for comment in made] == [0, 1, 2, 2, 2]
    assert made[3].parent == made[1] and made[3].root == made[0]
    made[0].refresh_from_db()
    assert made[0].reply_count == 1


def test_reply_to_a_comment_of_another_discussion_is_refused(users, article):
    other = actions.conversation_for_article(make_article())
    foreign = actions.do_post_comment(other, text_value="Woanders", acting_user=users["reader"])
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_post_comment(
            actions.conversation_for_article(article),
            text_value="Antwort",
            acting_user=users["other_reader"],
            parent=foreign,
        )
    assert refused.value.code == "bad_parent"


def test_votes_one_per_reader_changeable_and_best_uses_confidence(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    few = actions.do_post_comment(
        conversation, text_value="Zwei Likes", acting_user=users["reader"]
    )
    many = actions.do_post_comment(
        conversation, text_value="Viele Stimmen", acting_user=users["other_reader"]
    )
    voters = [users["moderator"], users["editor"], users["admin"]]
    for voter in voters[:2]:
        actions.do_vote(few, value=1, acting_user=voter)
    for voter in voters:
        actions.do_vote(many, value=1, acting_user=voter)
    actions.do_vote(many, value=-1, acting_user=users["reader"])
    few.refresh_from_db()
    many.refresh_from_db()
    assert (few.upvotes, few.downvotes) == (2, 0)
    assert (many.upvotes, many.downvotes) == (3, 1)
    # Same voter again: changes the vote, never adds a second one.
    actions.do_vote(few, value=-1, acting_user=users["moderator"])
    few.refresh_from_db()
    assert (few.upvotes, few.downvotes) == (1, 1)
    assert Vote.objects.filter(comment=few).count() == 2
    actions.do_vote(few, value=0, acting_user=users["moderator"])
    few.refresh_from_db()
    assert (few.upvotes, few.downvotes) == (1, 0)
    assert actions.wilson_lower_bound(1, 0) < actions.wilson_lower_bound(30, 5)
    assert actions.wilson_lower_bound(3, 1) > actions.wilson_lower_bound(1, 0)
    with pytest.raises(actions.CommentRefused) as own:
        actions.do_vote(few, value=1, acting_user=users["reader"])
    assert own.value.code == "own_comment" and own.value.status == 403
    with pytest.raises(actions.CommentRefused) as refused:
        actions.do_vote(few, value=5, acting_user=users["admin"])
    assert refused.value.code == "bad_vote"


def test_vote_view_for_every_role(client_for, users, article):
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="Abstimmen", acting_user=users["other_reader"]
    )
    assert (
        client_for("anonymous")
        .post(f"/de/community/comments/{comment.pk}/vote/", {"value": "1"})
        .status_code
        == 302
    )
    for role in ROLES:
        response = client_for(role).post(
            f"/de/community/comments/{comment.pk}/vote/", {"value": "1"}
        )
        assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.upvotes == 4
    response = client_for("other_reader").post(
        f"/de/community/comments/{comment.pk}/vote/", {"value": "1"}
    )
    assert response.status_code == 403


def test_sorting_newest_oldest_best(client, users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    start = clock.now()
    texts = ["Kommentar Alpha", "Kommentar Beta", "Kommentar Gamma"]
    comments = []
    for minutes, text_value in enumerate(texts):
        with clock.frozen(start + dt.timedelta(minutes=minutes)):
            comments.append(
                actions.do_post_comment(
                    conversation, text_value=text_value, acting_user=users["reader"]
                )
            )
    for voter in ("moderator", "editor", "admin"):
        actions.do_vote(comments[1], value=1, acting_user=users[voter])
    url = article.get_absolute_url()

    def order(sort: str) -> list[str]:
        html = client.get(f"{url}?csort={sort}").content.decode()
        return sorted(texts, key=html.index)

    assert order("newest") == ["Kommentar Gamma", "Kommentar Beta", "Kommentar Alpha"]
    assert order("oldest") == ["Kommentar Alpha", "Kommentar Beta", "Kommentar Gamma"]
    assert order("best")[0] == "Kommentar Beta"


def test_load_more_pages_through_top_level_comments(client, users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 100
    settings.COMMUNITY_PAGE_SIZE = 2
    conversation = actions.conversation_for_article(article)
    start = clock.now()
    for number in range(5):
        with clock.frozen(start + dt.timedelta(minutes=number)):
            actions.do_post_comment(
                conversation, text_value=f"Nummer {number}", acting_user=users["reader"]
            )
    page1 = client.get(f"{article.get_absolute_url()}?csort=oldest").content.decode()
    assert "Nummer 0" in page1 and "Nummer 1" in page1 and "Nummer 2" not in page1
    assert "cpage=2" in page1
    fragment = client.get(
        f"/de/community/conversations/{conversation.pk}/thread/?csort=oldest&cpage=3"
    ).content.decode()
    assert "Nummer 4" in fragment and "Nummer 3" not in fragment and "cpage=4" not in fragment


def test_thread_reads_take_a_constant_number_of_queries(client, users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 1000
    conversation = actions.conversation_for_article(article)

    def queries_for_page() -> int:
        from django.core.cache import cache

        cache.clear()
        hours.forget_schedule()
        forget_notices()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    actions.do_post_comment(conversation, text_value="Eins", acting_user=users["reader"])
    few = queries_for_page()
    parent = None
    for number in range(30):
        author = users["reader"] if number % 2 else users["other_reader"]
        parent = actions.do_post_comment(
            conversation,
            text_value=f"Text {number}",
            acting_user=author,
            parent=parent if number % 3 else None,
        )
    assert queries_for_page() == few
    # Served from the thread cache: the section costs at most the conversation lookup.
    with CaptureQueriesContext(connection) as cached:
        client.get(article.get_absolute_url())
    assert len(cached) <= few


def test_permalink_edit_history_and_delete(client_for, users, article):
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="Erste Fassung", acting_user=users["reader"]
    )
    reader = client_for("reader")
    page = reader.get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert "Erste Fassung" in page and 'id="edit"' in page
    response = reader.post(f"/de/community/comments/{comment.pk}/edit/", {"text": "Zweite Fassung"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Zweite Fassung" and comment.edited_at is not None
    assert CommentRevision.objects.get(comment=comment).text == "Erste Fassung"
    page = client_for("anonymous").get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert "Zweite Fassung" in page and "Erste Fassung" in page  # history is public
    assert 'id="edit"' not in page
    response = client_for("other_reader").post(f"/de/community/comments/{comment.pk}/delete/")
    assert response.status_code == 403
    response = reader.post(f"/de/community/comments/{comment.pk}/delete/")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_deleted
    html = client_for("anonymous").get(article.get_absolute_url()).content.decode()
    assert "Zweite Fassung" not in html
    assert Conversation.objects.get(pk=conversation.pk).comment_count == 0


@pytest.mark.parametrize("role", ["anonymous", "other_reader", "moderator", "editor", "admin"])
def test_only_the_author_can_edit(client_for, role, users, article):
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Meins", acting_user=users["reader"]
    )
    response = client_for(role).post(
        f"/de/community/comments/{comment.pk}/edit/", {"text": "Fremd geändert"}
    )
    assert response.status_code == (302 if role == "anonymous" else 403)
    comment.refresh_from_db()
    assert comment.text == "Meins"


def test_edit_after_the_window_is_refused_with_the_text_kept(client_for, users, article, settings):
    settings.COMMUNITY_EDIT_WINDOW_SECONDS = 600
    comment = actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Alt", acting_user=users["reader"]
    )
    with clock.frozen(comment.created_at + dt.timedelta(minutes=11)):
        response = client_for("reader").post(
            f"/de/community/comments/{comment.pk}/edit/", {"text": "Zu spät geändert"}
        )
    assert response.status_code == 403
    html = response.content.decode()
    assert "10 minutes" in html or "10 Minuten" in html
    assert "Zu spät geändert" in html
    comment.refresh_from_db()
    assert comment.text == "Alt"


def test_reply_notification_by_email_respects_the_setting(users, article, settings):
    conversation = actions.conversation_for_article(article)
    parent = actions.do_post_comment(conversation, text_value="Frage?", acting_user=users["reader"])
    reply = actions.do_post_comment(
        conversation, text_value="Antwort!", acting_user=users["other_reader"], parent=parent
    )
    assert notify_reply.call(reply.pk) is True
    assert mail.outbox[-1].to == ["reader@example.org"]
    assert "other_reader" in mail.outbox[-1].subject
    assert "Antwort!" in mail.outbox[-1].body and f"/comments/{reply.pk}/" in mail.outbox[-1].body
    assert "other_reader@example.org" not in mail.outbox[-1].body
    profile = actions.profile_for(users["reader"])
    profile.notify_replies = False
    profile.save()
    assert notify_reply.call(reply.pk) is False


def test_posting_a_reply_enqueues_the_notification(
    users, article, django_capture_on_commit_callbacks
):
    conversation = actions.conversation_for_article(article)
    parent = actions.do_post_comment(conversation, text_value="Frage?", acting_user=users["reader"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.do_post_comment(
            conversation, text_value="Antwort!", acting_user=users["other_reader"], parent=parent
        )
    assert len(callbacks) == 1


def test_comment_languages_follow_posts_and_deletions(users, article):
    conversation = actions.conversation_for_article(article)
    actions.do_post_comment(
        conversation, text_value="Guten Tag", acting_user=users["reader"], language="de"
    )
    conversation.refresh_from_db()
    assert rendering.comment_languages(conversation) == {"de"}
    english = actions.do_post_comment(
        conversation, text_value="Good day", acting_user=users["other_reader"], language="en"
    )
    conversation.refresh_from_db()
    assert rendering.comment_languages(conversation) == {"de", "en"}  # not the cached {"de"}
    actions.do_delete_comment(english, acting_user=users["other_reader"])
    conversation.refresh_from_db()
    assert rendering.comment_languages(conversation) == {"de"}
    assert rendering.comment_languages(None) == frozenset()


def test_pages_fill_the_other_languages_slot_only_for_comments_in_another_language(
    client, users, article, monkeypatch, settings
):
    """Higher apps (editions: "Show translation") plug in through this slot."""
    marker = "other-languages-slot-filled"
    fillers = hooks.slot_fillers
    monkeypatch.setattr(
        hooks,
        "slot_fillers",
        lambda name: (
            [lambda context: marker] if name == "comments_in_other_languages" else fillers(name)
        ),
    )
    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    german = actions.do_post_comment(
        actions.conversation_for_article(article),
        text_value="Guten Tag",
        acting_user=users["reader"],
        language="de",
    )
    permalink = f"/community/comments/{german.pk}/"
    assert marker not in client.get(f"/de{permalink}").content.decode()
    assert marker in client.get(f"/en{permalink}").content.decode()
    actions.do_post_comment(
        german.conversation,
        text_value="Good day",
        acting_user=users["other_reader"],
        parent=german,
        language="en",
    )
    assert marker in client.get(f"/de{permalink}").content.decode()  # the English reply

    page = "https://partner.example/bericht"
    partner = actions.conversation_for_url(page, title="Bericht")
    actions.do_post_comment(
        partner, text_value="Grüße vom Partner", acting_user=users["editor"], language="de"
    )
    discussion = f"/community/conversations/{partner.pk}/"
    assert marker not in client.get(f"/de{discussion}").content.decode()
    assert marker in client.get(f"/en{discussion}").content.decode()
    assert marker not in client.get(f"/community/embed/?url={page}&lang=de").content.decode()
    assert marker in client.get(f"/community/embed/?url={page}&lang=en").content.decode()
