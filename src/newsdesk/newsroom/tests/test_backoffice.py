"""The editors' back office: who may enter, writing block by block, publishing, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.newsroom.models import Article, Block, Revision
from newsdesk.newsroom.testing import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_back_office(settings):
    """The messages below are asserted in English; the German catalogue is tested apart."""
    settings.LANGUAGE_CODE = "en"


def form_errors(response) -> list:
    """The article form's and its block forms' errors, for assertion messages."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [response.context["adminform"].form.errors, *(form.errors for form in formset.forms)]


def article_form(section_id: int, **overrides) -> dict:
    """POST data of the article add/change form with two blocks."""
    data = {
        "section": section_id,
        "language": "de",
        "kicker": "Wien",
        "headline": "Neue Bim-Linie",
        "lead": "Die Linie 12 fährt.",
        "byline": "",
        "slug": "neue-bim-linie",
        "publish_at_0": "",
        "publish_at_1": "",
        "canonical_url": "",
        "external_id": "",
        "blocks-TOTAL_FORMS": "2",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-position": "",
        "blocks-0-kind": "paragraph",
        "blocks-0-text": 'Ab Montag mit <a href="https://example.org/plan">Fahrplan</a>.',
        "blocks-0-title": "",
        "blocks-0-attribution": "",
        "blocks-0-image": "",
        "blocks-0-caption": "",
        "blocks-0-credit": "",
        "blocks-1-position": "",
        "blocks-1-kind": "subheading",
        "blocks-1-text": "Die Strecke",
        "blocks-1-title": "",
        "blocks-1-attribution": "",
        "blocks-1-image": "",
        "blocks-1-caption": "",
        "blocks-1-credit": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("reader", 302), ("moderator", 403), ("editor", 200), ("admin", 200)],
)
def test_article_list_access_by_role(client_for, role, expected):
    response = client_for(role).get("/admin/newsroom/article/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("reader", 302), ("moderator", 403), ("editor", 200), ("admin", 200)],
)
def test_preview_and_revisions_access_by_role(client_for, role, expected):
    article = make_article(publish=False)
    for url in (
        f"/admin/newsroom/article/{article.pk}/preview/",
        f"/admin/newsroom/article/{article.pk}/revisions/",
    ):
        assert client_for(role).get(url).status_code == expected


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator"])
def test_outsiders_cannot_create_articles(client_for, role):
    section = make_section()
    client_for(role).post("/admin/newsroom/article/add/", article_form(section.pk))
    assert not Article.objects.exists()


def test_editor_writes_an_article_block_by_block(client_for):
    section = make_section()
    client = client_for("editor")
    response = client.post("/admin/newsroom/article/add/", article_form(section.pk))
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="neue-bim-linie")
    assert article.status == Article.Status.DRAFT
    assert [(b.kind, b.position) for b in article.blocks.all()] == [
        ("paragraph", 10),
        ("subheading", 20),
    ]
    assert 'rel="noopener noreferrer"' in article.blocks.first().text
    assert article.revisions.count() == 1
    assert article.created_by.username == "editor"


def test_bad_markup_is_refused_with_a_clear_error_and_nothing_lost(client_for):
    section = make_section()
    client = client_for("editor")
    data = article_form(
        section.pk,
        **{
            "blocks-0-text": 'Text <script>alert(1)</script> <a href="javascript:x()">x</a>'
            ' <span onclick="x()">y</span>'
        },
    )
    response = client.post("/admin/newsroom/article/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "These tags are not allowed: &lt;script&gt;, &lt;span&gt;" in html
    assert "Links must use http, https or mailto: javascript:x()" in html
    # What the editor typed is still in the form, escaped.
    assert "Text &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="Neue Bim-Linie"' in html
    assert not Article.objects.exists()


def test_blocks_need_their_content(client_for):
    section = make_section()
    data = article_form(
        section.pk,
        **{"blocks-0-kind": "image", "blocks-0-text": "", "blocks-1-text": "<em>fett</em>"},
    )
    html = client_for("editor").post("/admin/newsroom/article/add/", data).content.decode()
    assert "Choose an image for an image block." in html
    # A subheading is plain text: "<em>fett</em>" is accepted as those characters.
    assert "Subheadings and quotes are plain text" not in html
    assert not Article.objects.exists()


def test_publish_from_the_form(client_for):
    section = make_section()
    client = client_for("editor")
    response = client.post("/admin/newsroom/article/add/", article_form(section.pk, _publish="1"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.first_published_at is not None
    assert client_for("anonymous").get(article.get_absolute_url()).status_code == 200


def test_schedule_needs_a_future_time(client_for):
    section = make_section()
    client = client_for("editor")
    past = timezone.localtime() - dt.timedelta(hours=1)
    data = article_form(
        section.pk,
        _schedule="1",
        publish_at_0=past.strftime("%Y-%m-%d"),
        publish_at_1=past.strftime("%H:%M:%S"),
    )
    html = client.post("/admin/newsroom/article/add/", data).content.decode()
    assert "The publication time must be in the future." in html
    assert not Article.objects.exists()
    html = client.post(
        "/admin/newsroom/article/add/", article_form(section.pk, _schedule="1")
    ).content.decode()
    assert "Give the date and time to publish at." in html


def test_schedule_from_the_form(client_for):
    section = make_section()
    future = timezone.localtime() + dt.timedelta(days=1)
    data = article_form(
        section.pk,
        _schedule="1",
        publish_at_0=future.strftime("%Y-%m-%d"),
        publish_at_1=future.strftime("%H:%M:%S"),
    )
    assert client_for("editor").post("/admin/newsroom/article/add/", data).status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    assert client_for("anonymous").get(article.get_absolute_url()).status_code == 404


def test_editing_a_published_article_keeps_history_and_marks_update(client_for):
    article = make_article(headline="Erste Fassung")
    client = client_for("editor")
    url = f"/admin/newsroom/article/{article.pk}/change/"
    blocks = list(article.blocks.all())
    data = article_form(
        article.section_id,
        headline="Zweite Fassung",
        slug=article.slug,
        **{"blocks-TOTAL_FORMS": "3", "blocks-INITIAL_FORMS": "3"},
    )
    for index, block in enumerate(blocks):
        data.update(
            {
                f"blocks-{index}-id": str(block.pk),
                f"blocks-{index}-article": str(article.pk),
                f"blocks-{index}-position": str(block.position),
                f"blocks-{index}-kind": block.kind,
                f"blocks-{index}-text": block.text,
                f"blocks-{index}-title": "",
                f"blocks-{index}-attribution": "",
                f"blocks-{index}-image": "",
                f"blocks-{index}-caption": "",
                f"blocks-{index}-credit": "",
            }
        )
    data["blocks-0-text"] = "Korrigierter erster Absatz."
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.headline == "Zweite Fassung"
    assert article.was_updated
    latest = article.revisions.first()
    assert set(latest.changed) >= {"headline", "blocks"}
    assert latest.user.username == "editor"
    page = client_for("anonymous").get(article.get_absolute_url()).content.decode()
    assert "Korrigierter erster Absatz." in page and "Updated" in page

    revisions = list(article.revisions.all())
    diff = client.get(
        f"/admin/newsroom/article/{article.pk}/revisions/",
        {"a": revisions[1].pk, "b": revisions[0].pk},
    ).content.decode()
    assert "<del>Erste Fassung</del>" in diff and "<ins>Zweite Fassung</ins>" in diff
    assert "<ins>[paragraph] Korrigierter erster Absatz.</ins>" in diff


def test_revision_diff_with_unknown_revision_says_so(client_for):
    article = make_article()
    other = make_article()
    html = (
        client_for("editor")
        .get(
            f"/admin/newsroom/article/{article.pk}/revisions/",
            {"a": other.revisions.first().pk, "b": article.revisions.first().pk},
        )
        .content.decode()
    )
    assert "Choose two revisions of this article to compare." in html


def test_unpublish_hides_the_article(client_for):
    article = make_article()
    client = client_for("editor")
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = article_form(
        article.section_id, slug=article.slug, _unpublish="1", **{"blocks-TOTAL_FORMS": "0"}
    )
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert client_for("anonymous").get(article.get_absolute_url()).status_code == 404


def test_preview_shows_a_draft_as_readers_will_see_it(client_for):
    article = make_article(headline="Entwurf im Test", publish=False, kicker="Vorab")
    html = (
        client_for("editor").get(f"/admin/newsroom/article/{article.pk}/preview/").content.decode()
    )
    assert '<h1 class="article__headline">Entwurf im Test</h1>' in html
    assert '<p class="kicker">Vorab</p>' in html
    assert "Preview: readers do not see this page" in html
    assert 'name="robots" content="noindex"' in html


def test_publishing_without_content_is_refused_and_keeps_the_edit(client_for):
    section = make_section()
    data = article_form(section.pk, lead="", _publish="1", **{"blocks-TOTAL_FORMS": "0"})
    client = client_for("editor")
    response = client.post("/admin/newsroom/article/add/", data, follow=True)
    html = response.content.decode()
    assert "An article needs a lead or at least one block before publishing." in html
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.headline == "Neue Bim-Linie"


def test_bulk_publish_action(client_for):
    first, second = make_article(publish=False), make_article(publish=False)
    Block.objects.filter(article=second).delete()
    second.lead = ""
    second.save()
    response = client_for("editor").post(
        "/admin/newsroom/article/",
        {"action": "publish_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 article(s) published." in html
    assert "needs a lead or at least one block" in html
    assert Article.objects.get(pk=first.pk).is_published
    assert not Article.objects.get(pk=second.pk).is_published


def test_revisions_are_read_only(client_for):
    article = make_article()
    revision = Revision.objects.filter(article=article).first()
    client = client_for("admin")
    assert client.get("/admin/newsroom/revision/add/").status_code == 403
    before = revision.snapshot
    client.post(f"/admin/newsroom/revision/{revision.pk}/change/", {"note": "hacked"})
    revision.refresh_from_db()
    assert revision.snapshot == before and revision.note != "hacked"


def test_change_form_links_to_the_reader_page_in_the_article_language(client_for):
    article = make_article()
    html = client_for("editor").get(f"/admin/newsroom/article/{article.pk}/change/")
    text = html.content.decode()
    assert f'href="/de/politik/{article.slug}/"' in text  # the back office itself is English
    assert text.count("View on site") == 1
