"""Back office: edition lists, the review queue, post-editing, approval and permissions."""

from __future__ import annotations

import pytest

from newsdesk.editions import actions as edition_actions
from newsdesk.editions import workflow
from newsdesk.editions.models import Edition, EditionPolicy
from newsdesk.translation.models import MemoryEntry

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "moderator", "editor", "admin")
ALLOWED = {"editor", "admin"}
CORRECTION = "Carmelite quarter stays car-free until October"


@pytest.fixture
def held(engine, publish, committed):
    """An English edition held for review (the checks flag the untranslated headline)."""
    article = publish(headline="Karmeliterviertel bleibt autofrei bis Oktober", slug="karmeliter")
    edition = Edition.objects.get(article=article)
    committed(workflow.run_translation, edition.pk)
    edition.refresh_from_db()
    assert edition.state == Edition.State.HELD
    return edition


def assert_refused(response, role: str) -> None:
    if role in ("anonymous", "reader"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/editions/edition/",
        "/admin/editions/heldedition/",
        "/admin/editions/editionpolicy/",
        "/admin/editions/editionpolicy/add/",
    ],
)
def test_lists_are_for_editors_and_admins(client_for, held, role, path):
    response = client_for(role).get(path)
    if role in ALLOWED:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_post_editing_view_is_for_editors_and_admins(client_for, held, role):
    response = client_for(role).get(f"/admin/editions/edition/{held.pk}/change/")
    if role not in ALLOWED:
        assert_refused(response, role)
        return
    html = response.content.decode()
    assert response.status_code == 200
    assert "Karmeliterviertel bleibt autofrei bis Oktober" in html  # source
    assert 'name="segment-' in html  # a correction field per segment
    assert "identical to the source" in html or "identisch" in html  # the check's reason


@pytest.mark.parametrize("role", ROLES)
def test_saving_corrections_and_approving(client_for, held, role, users):
    segment = held.segments.get(field="headline")
    response = client_for(role).post(
        f"/admin/editions/edition/{held.pk}/change/",
        {
            f"segment-{segment.pk}": "Carmelite quarter stays car-free until October",
            "_approve": "1",
        },
    )
    held.refresh_from_db()
    segment.refresh_from_db()
    if role not in ALLOWED:
        assert_refused(response, role)
        assert held.state == Edition.State.HELD and segment.human_text == ""
        assert not MemoryEntry.objects.filter(origin="human").exists()
        return
    assert response.status_code == 302
    assert segment.human_text == "Carmelite quarter stays car-free until October"
    assert segment.origin == "human" and segment.corrected_by == users[role]
    assert held.state == Edition.State.REVIEWED and held.reviewed_by == users[role]
    assert held.content["headline"] == "Carmelite quarter stays car-free until October"
    assert MemoryEntry.objects.get(origin="human").corrected_by == users[role]


def test_a_bad_correction_is_reported_and_nothing_is_lost(client_for, held):
    segment = held.segments.get(field="headline")
    client = client_for("editor")
    response = client.post(
        f"/admin/editions/edition/{held.pk}/change/",
        {f"segment-{segment.pk}": "Car-<b>free</b>", "_approve": "1"},
        follow=True,
    )
    assert "plain text" in response.content.decode() or "reiner Text" in response.content.decode()
    held.refresh_from_db()
    assert held.state == Edition.State.HELD
    assert held.segments.get(field="headline").human_text == ""


@pytest.mark.parametrize("role", ROLES)
def test_retranslate_action(client_for, held, role):
    response = client_for(role).post(
        "/admin/editions/edition/",
        {"action": "retranslate_selected", "_selected_action": [held.pk]},
    )
    held.refresh_from_db()
    if role not in ALLOWED:
        assert_refused(response, role)
        assert not held.queued
        return
    assert response.status_code == 302
    assert held.queued and held.force_engine and held.state == Edition.State.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_policy_is_editable_by_editors_and_admins(client_for, held, role):
    response = client_for(role).post(
        "/admin/editions/editionpolicy/add/",
        {"section": held.article.section_id, "language": "en", "mode": "review"},
    )
    if role not in ALLOWED:
        assert_refused(response, role)
        assert not EditionPolicy.objects.exists()
        return
    assert response.status_code == 302
    assert EditionPolicy.objects.get().mode == "review"
    duplicate = client_for(role).post(
        "/admin/editions/editionpolicy/add/",
        {"section": held.article.section_id, "language": "en", "mode": "auto"},
    )
    assert duplicate.status_code == 200 and EditionPolicy.objects.count() == 1


def test_lists_show_state_model_age_and_flags(client_for, held):
    html = client_for("editor").get("/admin/editions/edition/").content.decode()
    assert "Karmeliterviertel" in html and "dummy:de-en@t1" in html
    assert "zur Prüfung zurückgehalten" in html or "held for review" in html
    held_list = client_for("editor").get("/admin/editions/heldedition/").content.decode()
    assert "Karmeliterviertel" in held_list
    committed_approval = edition_actions.do_approve_edition(held, acting_user=None)
    assert committed_approval.state == Edition.State.REVIEWED
    assert (
        "Karmeliterviertel"
        not in client_for("editor").get("/admin/editions/heldedition/").content.decode()
    )


def test_back_office_says_when_editions_wait_for_a_model(client_for, settings, db):
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["en-de"]},
    }
    html = client_for("editor").get("/admin/editions/edition/").content.decode()
    assert "newsdesk models install de-en" in html


def test_article_form_links_to_its_editions(client_for, held, settings):
    settings.LANGUAGE_CODE = "en"
    html = (
        client_for("editor")
        .get(f"/admin/newsroom/article/{held.article_id}/change/")
        .content.decode()
    )
    assert (
        f'<a href="/admin/editions/edition/?article__id__exact={held.article_id}">'
        "Translated editions (1)</a>" in html
    )
    listing = client_for("editor").get(
        f"/admin/editions/edition/?article__id__exact={held.article_id}"
    )
    assert listing.status_code == 200 and "Karmeliterviertel" in listing.content.decode()


def test_publishing_without_a_model_tells_the_editor_what_to_install(client_for, settings, users):
    """Issue 11 item 13: "The article is published." and, on the same page, that the English
    edition waits for a model and the command that installs it."""
    from newsdesk.newsroom.testing import make_article

    settings.LANGUAGE_CODE = "en"
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["en-de"]},
    }
    article = make_article(headline="Die Stadt", publish=False)
    editor = client_for("editor")
    page = editor.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert "waits for a translation model" not in page  # not published: nothing waits yet
    article.status = article.Status.PUBLISHED
    article.save()
    page = editor.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert (
        "The English edition waits for a translation model: newsdesk models install de-en" in page
    )
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"pairs": ["de-en"]},
    }
    page = editor.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert "waits for a translation model" not in page
