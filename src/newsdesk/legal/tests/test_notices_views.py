"""Who may use each page of notice and action (anonymous, reader, moderator, editor, admin),
the part switched off, the moderator's notice page, and trusted flaggers in the back office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from newsdesk.community.models import Comment, Conversation
from newsdesk.core.audit import trail_of
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions import notices as actions
from newsdesk.legal.models import Notice, TrustedFlagger
from newsdesk.legal.tdb import Category

ROLES = ("anonymous", "reader", "moderator", "editor", "admin")
MODERATORS = {"moderator", "admin"}
EXPLANATION = "Der Kommentar beleidigt einen anderen Leser als Idioten (§ 115 StGB)."


@pytest.fixture
def notice(comment: Comment, users: dict[str, Any]) -> Notice:
    """An open notice sent by ``users["other_reader"]`` about the fixture comment."""
    return actions.do_submit_notice(
        category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
        explanation=EXPLANATION,
        location=f"/de/community/comments/{comment.pk}/",
        notifier_name="Other Reader",
        notifier_email="other@example.net",
        good_faith=True,
        language="de",
        address="198.51.100.7",
        acting_user=users["other_reader"],
    )


@pytest.fixture
def article_notice(conversation: Conversation) -> Notice:
    assert conversation.article is not None
    return actions.do_submit_notice(
        category=Category.DATA_PROTECTION,
        explanation="The article names a private person with her home address.",
        location=conversation.article.get_absolute_url(),
        good_faith=True,
        language="de",
        acting_user=None,
    )


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_report(role: str, comment: Comment, client_for: Any) -> None:
    client: Client = client_for(role)
    assert client.get("/de/legal/report/").status_code == 200
    answer = client.post(
        "/de/legal/report/",
        {
            "category": Category.VIOLENCE,
            "location": f"/de/community/comments/{comment.pk}/",
            "explanation": EXPLANATION,
            "good_faith": "on",
        },
    )
    assert answer.status_code == 201
    assert Notice.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_the_status_page_is_for_the_notifier_and_moderators(
    role: str, notice: Notice, client_for: Callable[[str], Client]
) -> None:
    url = f"/de/legal/notices/{notice.reference}/"
    answer = client_for(role).get(url)
    assert answer.status_code == (200 if role in MODERATORS else 404)
    assert EXPLANATION not in answer.content.decode() or role in MODERATORS
    # With the token, anyone holding the link sees it (the notifier without an account).
    assert client_for(role).get(f"{url}?token={notice.access_token}").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_moderators_pages(
    role: str, notice: Notice, client_for: Callable[[str], Client]
) -> None:
    client = client_for(role)
    for url in ("/de/legal/team/notices/", f"/de/legal/team/notices/{notice.reference}/"):
        answer = client.get(url)
        if role == "anonymous":
            assert answer.status_code == 302 and "login" in answer["Location"]
        elif role in MODERATORS:
            assert answer.status_code == 200
            assert notice.reference in answer.content.decode()
        else:
            assert answer.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_decide(
    role: str, article_notice: Notice, client_for: Callable[[str], Client]
) -> None:
    events = AuditEvent.objects.count()
    answer = client_for(role).post(
        f"/de/legal/team/notices/{article_notice.reference}/decide/",
        {"outcome": "no_action", "explanation": "The article is lawful reporting."},
    )
    article_notice.refresh_from_db()
    if role in MODERATORS:
        assert answer.status_code == 302
        assert article_notice.outcome == Notice.Outcome.NO_ACTION
        assert trail_of(article_notice).filter(event_type=EventType.NOTICE_DECIDED).exists()
    else:
        assert answer.status_code == (302 if role == "anonymous" else 403)
        assert article_notice.status == Notice.Status.OPEN
        assert AuditEvent.objects.count() == events


# A GET of the POST-only decision: outsiders are refused before the method is looked at, as
# in moderation's POST views (tests/test_url_roles.py); moderators are told to POST.
GET_DECIDE = {"anonymous": "login", "reader": 403, "moderator": 405, "editor": 403, "admin": 405}


@pytest.mark.parametrize(("role", "expected"), GET_DECIDE.items())
def test_a_get_of_the_decision_refuses_outsiders_first(
    role: str, expected: int | str, notice: Notice, client_for: Callable[[str], Client]
) -> None:
    answer = client_for(role).get(f"/de/legal/team/notices/{notice.reference}/decide/")
    if expected == "login":
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    else:
        assert answer.status_code == expected
    if expected == 405:
        assert answer["Allow"] == "POST"
    notice.refresh_from_db()
    assert notice.status == Notice.Status.OPEN


def test_a_refused_decision_is_shown_on_the_page(
    notice: Notice, client_for: Callable[[str], Client]
) -> None:
    answer = client_for("moderator").post(
        f"/de/legal/team/notices/{notice.reference}/decide/",
        {"outcome": "actioned", "explanation": "Entfernt."},
    )
    assert answer.status_code == 400
    assert "im Moderationsbereich" in answer.content.decode()
    assert "Entfernt." in answer.content.decode()  # the explanation typed is kept
    notice.refresh_from_db()
    assert notice.status == Notice.Status.OPEN
    as_json = client_for("moderator").post(
        f"/de/legal/team/notices/{notice.reference}/decide/",
        {"outcome": "nonsense", "explanation": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert as_json.status_code == 400 and as_json.json()["error"] == "bad_outcome"


def test_the_workspace_shows_the_report(
    notice: Notice, comment: Comment, client_for: Callable[[str], Client]
) -> None:
    html = client_for("moderator").get("/de/moderation/queues/reported/").content.decode()
    assert f'id="item-{comment.pk}"' in html
    assert notice.reference in html and "beleidigt" in html
    assert "angemeldete" in html or "signed-in reader" in html


def test_the_part_switched_off_is_not_there(
    notice: Notice, settings: Any, client_for: Callable[[str], Client]
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["notices"]
    for role in ("anonymous", "moderator", "admin"):
        client = client_for(role)
        assert client.get("/de/legal/report/").status_code == 404
        assert client.post("/de/legal/report/", {}).status_code == 404
        token = f"?token={notice.access_token}"
        assert client.get(f"/de/legal/notices/{notice.reference}/{token}").status_code == 404
        assert client.get("/de/legal/team/notices/").status_code == 404
        assert client.get(f"/de/legal/team/notices/{notice.reference}/").status_code == 404
        decide = client.post(f"/de/legal/team/notices/{notice.reference}/decide/", {})
        assert decide.status_code == 404


def test_an_unknown_notice_is_404(client_for: Callable[[str], Client]) -> None:
    assert client_for("moderator").get("/de/legal/team/notices/N-XXXX-XXXX/").status_code == 404
    assert client_for("anonymous").get("/de/legal/notices/N-XXXX-XXXX/").status_code == 404


# --- trusted flaggers in the back office ------------------------------------------------


def test_an_administrator_registers_a_trusted_flagger(
    users: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    answer = client_for("admin").post(
        "/admin/legal/trustedflagger/add/",
        {
            "name": "Meldestelle Respekt",
            "areas": [Category.ILLEGAL_OR_HARMFUL_SPEECH, Category.CYBER_VIOLENCE],
            "contact_email": "team@respekt.example",
            "website": "",
            "active": "on",
            "members": [users["other_reader"].pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    flagger = TrustedFlagger.objects.get()
    assert flagger.areas == [Category.ILLEGAL_OR_HARMFUL_SPEECH, Category.CYBER_VIOLENCE]
    assert list(flagger.members.all()) == [users["other_reader"]]
    assert flagger.registered_by == users["admin"] and flagger.registered_at is not None
    event = trail_of(flagger).get(event_type=EventType.FLAGGER_CHANGED)
    assert event.old_value is None and event.new_value["members"] == [
        users["other_reader"].pk
    ]  # ids, no names
    # A change is recorded with what it was before.
    answer = client_for("admin").post(
        f"/admin/legal/trustedflagger/{flagger.pk}/change/",
        {"name": "Meldestelle Respekt", "areas": [Category.VIOLENCE], "members": []},
    )
    assert answer.status_code == 302
    changed = trail_of(flagger).filter(event_type=EventType.FLAGGER_CHANGED).first()
    assert changed is not None and changed.old_value["areas"] != changed.new_value["areas"]
    assert changed.new_value["active"] is False and changed.new_value["members"] == []


@pytest.mark.parametrize("role", ["moderator", "editor", "reader"])
def test_only_administrators_register_trusted_flaggers(
    role: str, users: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    answer = client_for(role).post(
        "/admin/legal/trustedflagger/add/", {"name": "Org", "areas": [Category.VIOLENCE]}
    )
    assert answer.status_code in (302, 403)
    if answer.status_code == 302:
        assert "/admin/login/" in answer["Location"]
    assert not TrustedFlagger.objects.exists()
    with pytest.raises(Exception) as refused:
        actions.do_save_flagger(TrustedFlagger(name="Org"), members=[], acting_user=users[role])
    assert getattr(refused.value, "code", "") == "forbidden"


def test_the_report_link_beside_a_comment_opens_the_notice_form(
    comment: Any, client_for: Any
) -> None:
    """The community's "Report" link leads to this form with the comment filled in, and the
    disclaimer's sentence to the form itself (the legal app provides the community's
    reporting page)."""
    from newsdesk.community.rendering import forget_notices

    forget_notices()
    client = client_for("anonymous")
    page = client.get(f"/de/community/comments/{comment.pk}/").content.decode()
    assert f'href="/de/legal/report/?comment={comment.pk}"' in page
    article = client.get(comment.conversation.article.get_absolute_url()).content.decode()
    assert f'href="/de/legal/report/?comment={comment.pk}"' in article
    assert 'href="/de/legal/report/">Melde- und Abhilfestelle</a>' in article
    form = client.get(f"/de/legal/report/?comment={comment.pk}").content.decode()
    assert f"/community/comments/{comment.pk}/" in form
