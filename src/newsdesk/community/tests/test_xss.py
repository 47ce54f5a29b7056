"""Comment text is plain text: markup is escaped, only http(s) links become clickable."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from newsdesk.community import actions, comment_text

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "<style>body{display:none}</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'http://example.org/"onmouseover="alert(1)',
]


class TagCollector(HTMLParser):
    """Every tag with its attributes, and the text, of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def parse(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_harmlessly(payload):
    parsed = parse(comment_text.render(comment_text.normalise(payload)))
    for tag, attrs in parsed.tags:
        assert tag in ("p", "br", "a"), tag
        if tag == "a":
            assert set(attrs) == {"href", "rel"}
            assert (attrs["href"] or "").startswith(("http://", "https://"))
        else:
            assert attrs == {}
    # What the reader sees is what was written (as text), except a link's trimmed form.
    if not parsed.tags or all(tag == "p" for tag, _attrs in parsed.tags):
        assert parsed.text == payload


def test_links_are_clickable_with_nofollow_and_text_escaped():
    html = comment_text.render("Siehe https://example.org/a?b=1&c=2 <b>fett</b>")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">'
        in html
    )
    assert "&lt;b&gt;fett&lt;/b&gt;" in html


def test_rtl_overrides_and_control_characters_are_removed():
    cleaned = comment_text.normalise("abc\u202edef\u2066ghi\x07")
    assert cleaned == "abcdefghi"


def test_very_long_words_and_character_walls_are_cut():
    wall = "a" * 5000
    cleaned = comment_text.normalise(wall)
    assert len(cleaned) == 50
    zalgo = "Z" + "\u0301" * 200 + "algo"
    assert len(comment_text.normalise(zalgo)) <= 10


def test_paragraphs_and_line_breaks_survive():
    assert comment_text.render("Eins\nZwei\n\n\n\nDrei") == "<p>Eins<br>Zwei</p><p>Drei</p>"


def test_payloads_in_the_page_are_escaped(client_for, users, article, settings):
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 100
    conversation = actions.conversation_for_article(article)
    for payload in PAYLOADS[:3]:
        actions.do_post_comment(conversation, text_value=payload, acting_user=users["reader"])
    html = client_for("anonymous").get(article.get_absolute_url()).content.decode()
    parsed = parse(html)
    assert not [tag for tag, _attrs in parsed.tags if tag == "img"]
    for tag, attrs in parsed.tags:  # only the page's own scripts and its JSON-LD
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/") or (
                attrs.get("type") == "application/ld+json"
            )
    assert not [
        attrs for tag, attrs in parsed.tags if (attrs.get("href") or "").startswith("javascript")
    ]
    for payload in PAYLOADS[:3]:
        assert payload in parsed.text


def test_display_names_are_escaped(client_for, users, article):
    profile = actions.profile_for(users["reader"])
    profile.display_name = "<b onclick=x>Mallory</b>"
    profile.save()
    actions.do_post_comment(
        actions.conversation_for_article(article), text_value="Hallo", acting_user=users["reader"]
    )
    html = client_for("anonymous").get(article.get_absolute_url()).content.decode()
    assert "<b onclick=x>" not in html and "&lt;b onclick=x&gt;Mallory" in html
