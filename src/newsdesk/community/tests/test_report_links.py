"""A "Report" link beside every visible comment (article page, comment page, "load more",
widget) to the notice-and-action channel, and the disclaimer's closing sentence linking to
it: the page an app provides (core.hooks.provides_report_page), else the notice's
report_url, else no link at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import translation

from newsdesk.community import actions
from newsdesk.community.models import Comment, Notice
from newsdesk.community.rendering import forget_notices, report_address
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock, hooks

pytestmark = pytest.mark.django_db
PARTNER = "https://partner.example"
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]
SENTENCE = {
    "de": "Hier können Sie das Community-Team via unserer "
    '<a href="{url}">Melde- und Abhilfestelle</a> kontaktieren.',
    "en": "You can contact the community team through our "
    '<a href="{url}">notice and action channel</a>.',
}


@pytest.fixture(autouse=True)
def german() -> Iterator[None]:
    """Addresses built in the tests are the German pages' (whatever an earlier test left)."""
    with translation.override("de"):
        yield


@pytest.fixture
def provider() -> Iterator[list[str]]:
    """A reporting page as the legal app will provide it; records the languages asked."""
    asked: list[str] = []

    def report_page(language: str) -> str | None:
        asked.append(language)
        return f"/{language}/legal/report/"

    hooks.provides_report_page(report_page)
    yield asked
    hooks.withdraw_report_page(report_page)


@pytest.fixture
def no_notice_address(db):
    Notice.objects.update(report_url="")
    forget_notices()


@pytest.fixture
def thread(users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    conversation = actions.conversation_for_article(article)
    visible = actions.do_post_comment(
        conversation, text_value="Sichtbar", acting_user=users["reader"]
    )
    reply = actions.do_post_comment(
        conversation, text_value="Antwort", acting_user=users["other_reader"], parent=visible
    )
    gone = actions.do_post_comment(conversation, text_value="Weg", acting_user=users["reader"])
    actions.do_delete_comment(gone, acting_user=users["reader"])
    return conversation, visible, reply, gone


def report_links(html: str) -> list[str]:
    return re.findall(r'<a class="comment__report" href="([^"]*)"', html)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_provided_page_beside_every_visible_comment_and_in_the_disclaimer(
    client_for, thread, provider, no_notice_address, role, language
):
    conversation, visible, reply, gone = thread
    url = conversation.article.get_absolute_url().replace("/de/", f"/{language}/", 1)
    html = client_for(role).get(url).content.decode()
    address = f"/{language}/legal/report/"
    assert sorted(report_links(html)) == sorted(
        [f"{address}?comment={visible.pk}", f"{address}?comment={reply.pk}"]
    )  # not beside the deleted one
    assert f"comment={gone.pk}" not in html
    disclaimer = html[html.index('<div class="community__disclaimer">') :]
    disclaimer = disclaimer[: disclaimer.index("</div>")]
    assert disclaimer.rstrip().endswith(
        '<p class="community__report">' + SENTENCE[language].format(url=address) + "</p>"
    )
    assert language in provider


def test_the_notice_address_when_no_app_provides_a_page(client, thread, db):
    conversation, visible, _reply, _gone = thread
    Notice.objects.filter(language="de").update(report_url="https://zeitung.example/melden?x=1")
    forget_notices()
    html = client.get(conversation.article.get_absolute_url()).content.decode()
    assert f"https://zeitung.example/melden?x=1&amp;comment={visible.pk}" in report_links(html)
    assert SENTENCE["de"].format(url="https://zeitung.example/melden?x=1") in html


def test_the_provided_page_wins_over_the_notice_address(client, thread, provider):
    conversation, *_ = thread
    Notice.objects.filter(language="de").update(report_url="https://zeitung.example/melden")
    forget_notices()
    html = client.get(conversation.article.get_absolute_url()).content.decode()
    assert "zeitung.example/melden" not in html
    assert all(link.startswith("/de/legal/report/?comment=") for link in report_links(html))


def test_no_link_and_no_sentence_when_neither_exists(client, thread, no_notice_address):
    conversation, *_ = thread
    html = client.get(conversation.article.get_absolute_url()).content.decode()
    assert report_links(html) == []
    assert "community__report" not in html
    assert "Abhilfestelle" not in html
    assert "Die Kommentare geben" in html  # the disclaimer itself stays


def test_the_sentence_also_while_closed_and_in_the_widget(
    client, users, settings, provider, no_notice_address
):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    conversation = actions.conversation_for_url(f"{PARTNER}/seite", title="Seite")
    comment = actions.do_post_comment(conversation, text_value="Hallo", acting_user=users["reader"])
    clock.set_now(vienna(2026, 11, 27, 2, 0))  # the night: closed
    html = client.get(f"/community/embed/?url={PARTNER}/seite&lang=de").content.decode()
    assert "community__closed" in html
    assert report_links(html) == [f"/de/legal/report/?comment={comment.pk}"]
    assert SENTENCE["de"].format(url="/de/legal/report/") in html


def test_comment_page_and_load_more_carry_the_link(client, thread, provider, settings):
    conversation, visible, reply, _gone = thread
    permalink = client.get(f"/de/community/comments/{reply.pk}/").content.decode()
    assert f"/de/legal/report/?comment={reply.pk}" in report_links(permalink)
    assert f"/de/legal/report/?comment={visible.pk}" in report_links(permalink)
    fragment = client.get(f"/de/community/conversations/{conversation.pk}/thread/").content
    assert f"/de/legal/report/?comment={visible.pk}" in report_links(fragment.decode())


def test_held_comment_gets_no_report_link_even_for_its_author(client_for, thread, users, provider):
    conversation, visible, _reply, _gone = thread
    Comment.objects.filter(pk=visible.pk).update(status=Comment.Status.PENDING)
    html = client_for("reader").get(f"/de/community/comments/{visible.pk}/").content.decode()
    assert f"comment={visible.pk}" not in "".join(report_links(html))


def test_cached_thread_follows_a_new_address(client, thread, no_notice_address):
    """The thread HTML is cached: a provider that appears later still gets its links."""
    conversation, visible, *_ = thread
    assert report_links(client.get(conversation.article.get_absolute_url()).content.decode()) == []

    def late(language: str) -> str:
        return "https://melden.example/"

    hooks.provides_report_page(late)
    try:
        html = client.get(conversation.article.get_absolute_url()).content.decode()
        assert f"https://melden.example/?comment={visible.pk}" in report_links(html)
    finally:
        hooks.withdraw_report_page(late)


@pytest.mark.parametrize(
    ("provided", "expected"),
    [
        ("javascript:alert(1)", ""),
        ("//evil.example/", ""),
        ("", ""),
        (None, ""),
        ("/de/melden/", "/de/melden/"),
        ("https://melden.example/x", "https://melden.example/x"),
    ],
)
def test_only_paths_and_web_addresses_count(no_notice_address, provided, expected):
    def odd(language: str) -> str | None:
        return provided

    hooks.provides_report_page(odd)
    try:
        assert report_address("de") == expected
    finally:
        hooks.withdraw_report_page(odd)


def test_a_failing_provider_is_passed_over(no_notice_address):
    def broken(language: str) -> str:
        raise RuntimeError("legal app is down")

    def working(language: str) -> str:
        return "/de/melden/"

    hooks.provides_report_page(broken)
    hooks.provides_report_page(working)
    try:
        assert report_address("de") == "/de/melden/"
    finally:
        hooks.withdraw_report_page(broken)
        hooks.withdraw_report_page(working)
