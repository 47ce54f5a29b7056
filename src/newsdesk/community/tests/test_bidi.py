"""Right-to-left and mixed-direction reader text is isolated on every community page: a name
such as "Ali علي 77" must not take the date or the dots of the comment header with it."""

from __future__ import annotations

import html as html_lib

import pytest
from django.test import Client

from newsdesk.community import actions

pytestmark = pytest.mark.django_db

NAMES = ["Ali علي 77", "علي", "דוד & <שרה>", "Marta 2026"]
PARTNER = "https://partner.example"
TITLE = "انتخابات 2026 ‎(Wien)"


def name_as(users, name: str):
    profile = actions.profile_for(users["other_reader"])
    profile.display_name = name
    profile.save(update_fields=["display_name"])
    return profile


def isolated(name: str) -> str:
    return f"<bdi>{html_lib.escape(name)}</bdi>"


@pytest.mark.parametrize("name", NAMES)
def test_comment_header_isolates_the_name_on_every_page(client_for, users, article, name):
    profile = name_as(users, name)
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="مرحبا 12 Leute", acting_user=users["other_reader"]
    )
    client = Client()
    pages = [
        article.get_absolute_url(),
        f"/de/community/comments/{comment.pk}/",
        f"/de/community/readers/{profile.pk}/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert isolated(name) in page, url
        assert (
            html_lib.escape(name) not in page.replace(isolated(name), "").split("<body", 1)[-1]
        ), url
        assert '<div class="comment__text" dir="auto"><p>مرحبا 12 Leute</p></div>' in page, url


@pytest.mark.parametrize("name", NAMES)
def test_form_greeting_isolates_the_own_name(client_for, users, article, name):
    profile = actions.profile_for(users["reader"])
    profile.display_name = name
    profile.save(update_fields=["display_name"])
    page = client_for("reader").get(article.get_absolute_url()).content.decode()
    assert f"<strong>{isolated(name)}</strong>" in page


@pytest.mark.parametrize("name", NAMES)
def test_widget_frame_and_conversation_page_isolate_names(users, settings, name):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    name_as(users, name)
    conversation = actions.conversation_for_url(f"{PARTNER}/seite", title="Seite")
    actions.do_post_comment(conversation, text_value="Hallo", acting_user=users["other_reader"])
    client = Client()
    for url in (
        f"/community/embed/?url={PARTNER}/seite&lang=de",
        f"/de/community/conversations/{conversation.pk}/",
    ):
        page = client.get(url).content.decode()
        assert 'class="comment__author" href="/de/community/readers/' in page, url
        assert f"{isolated(name)}</a>" in page, url


def test_conversation_titles_are_isolated(users, settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    page_url = f"{PARTNER}/wahl"
    conversation = actions.conversation_for_url(page_url, title=TITLE)
    comment = actions.do_post_comment(
        conversation, text_value="Kommentar", acting_user=users["reader"]
    )
    profile = actions.profile_for(users["reader"])
    client = Client()
    assert (
        f"Discussion: {isolated(TITLE)}</h1>"
        in client.get(f"/en/community/conversations/{conversation.pk}/").content.decode()
    )
    assert (
        f"„{isolated(TITLE)}“"
        in client.get(f"/de/community/comments/{comment.pk}/").content.decode()
    )
    assert (
        f">{isolated(TITLE)}</a>"
        in client.get(f"/de/community/readers/{profile.pk}/").content.decode()
    )
