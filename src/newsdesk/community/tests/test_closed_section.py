"""The closed comment section: the whole closed message comes from the notice of the
language, framed and with the site's name; the disclaimer stands open after the thread."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.community import actions
from newsdesk.community.models import Notice
from newsdesk.community.rendering import forget_notices
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock

pytestmark = pytest.mark.django_db
PARTNER = "https://partner.example"

EXPECTED = {
    "de": (
        "<p>Liebe Leserin, lieber Leser,</p>\n\n"
        "<p>Die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung.</p>\n\n"
        "<p>Mit freundlichen Grüßen<br>das Tagblatt &amp; Co-Team</p>"
    ),
    "en": (
        "<p>Dear reader,</p>\n\n"
        "<p>The comment function will be available again from 6 a.m.</p>\n\n"
        "<p>Kind regards<br>the Tagblatt &amp; Co team</p>"
    ),
}


@pytest.fixture
def night(settings):
    settings.SITE_NAME = "Tagblatt & Co"
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    clock.set_now(vienna(2026, 11, 27, 1, 0))


def closed_block(page: str) -> str:
    start = page.index('<div class="community__closed" role="status">')
    return page[start : page.index("</div>", start)].split(">", 1)[1]


@pytest.mark.parametrize("language", ["de", "en"])
def test_closed_message_is_framed_and_names_the_site(night, language):
    actions.conversation_for_url(f"{PARTNER}/seite", title="Seite")
    page = Client().get(f"/community/embed/?url={PARTNER}/seite&lang={language}").content.decode()
    assert closed_block(page) == EXPECTED[language]


@pytest.mark.parametrize("language", ["de", "en"])
def test_closed_message_is_editable_per_language(night, language):
    Notice.objects.filter(language=language).update(
        closed_message="{site} says: {message} {unknown} {{message}}"
    )
    forget_notices()
    actions.conversation_for_url(f"{PARTNER}/seite", title="Seite")
    page = Client().get(f"/community/embed/?url={PARTNER}/seite&lang={language}").content.decode()
    sentence = EXPECTED[language].split("\n\n")[1][3:-4]
    assert closed_block(page) == (
        f"<p>Tagblatt &amp; Co says: {sentence} {{unknown}} {{{sentence}}}</p>"
    )


def test_empty_frame_shows_the_bare_sentence(night, article):
    Notice.objects.filter(language="de").update(closed_message="")
    forget_notices()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert closed_block(page) == (
        "<p>Die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung.</p>"
    )


def test_closed_frame_on_the_article_page_and_no_message_while_open(night, article):
    page = Client().get(article.get_absolute_url()).content.decode()
    assert closed_block(page) == EXPECTED["de"]
    clock.set_now(vienna(2026, 11, 27, 14, 0))
    assert "community__closed" not in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("language", "disclaimer"), [("de", "Die Kommentare geben"), ("en", "Comments express")]
)
def test_disclaimer_stands_open_after_the_thread(users, settings, language, disclaimer):
    settings.COMMUNITY_ALLOWED_ORIGINS = [PARTNER]
    Notice.objects.filter(language=language).update(report_url="https://example.org/melden")
    forget_notices()
    conversation = actions.conversation_for_url(f"{PARTNER}/seite", title="Seite")
    actions.do_post_comment(conversation, text_value="Erster!", acting_user=users["reader"])
    page = Client().get(f"/community/embed/?url={PARTNER}/seite&lang={language}").content.decode()
    thread_end = page.index("</ol>", page.index('class="community__thread"'))
    footer = page.index('<footer class="community__footer">')
    assert thread_end < footer < page.index(disclaimer) < page.rindex("https://example.org/melden")
    details = page.index("<details>")
    assert page.index("</details>") < footer  # the folded part holds the netiquette only
    assert disclaimer not in page[details : page.index("</details>")]


def test_without_any_notice_the_closed_message_has_the_default_frame(db):
    """A site whose notices were deleted (or never made) still frames the message."""
    from django.utils import translation

    from newsdesk.community import rendering
    from newsdesk.community.models import Notice

    Notice.objects.all().delete()
    state = type("State", (), {"message": "Geschlossen bis 6 Uhr."})()
    with translation.override("de"):
        text = rendering.closed_message(state, None)
    assert text.startswith("Liebe Leserin, lieber Leser,")
    assert "Geschlossen bis 6 Uhr." in text and text.endswith("-Team")
