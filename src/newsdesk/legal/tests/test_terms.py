"""Versioned terms, netiquette and privacy notice: publishing, the public pages, accepting a
new version before posting again, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.community import actions as community
from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions.terms import do_accept_terms, do_publish_terms
from newsdesk.legal.models import TermsAcceptance, TermsVersion
from newsdesk.legal.terms import pending_acceptance

pytestmark = pytest.mark.django_db


def version(number: int, *, language: str = "en", document: str = "terms", **extra: Any):
    return TermsVersion.objects.create(
        document=document,
        version=number,
        language=language,
        title=f"Terms v{number} {language}",
        text=f"<p>Rules {number} {language}</p><script>alert(1)</script>",
        summary=f"Changes of {number}",
        **extra,
    )


def test_publishing_sanitises_and_audits(users: dict[str, Any]) -> None:
    draft = version(1, requires_acceptance=True)
    do_publish_terms(draft, acting_user=users["admin"])
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_at <= clock.now()
    assert "<script>" not in draft.text and "<p>Rules 1 en</p>" in draft.text
    event = AuditEvent.objects.get(event_type=EventType.TERMS_PUBLISHED)
    assert event.new_value["version"] == 1 and event.new_value["requires_acceptance"] is True
    with pytest.raises(ActionRefused) as refused:
        do_publish_terms(draft, acting_user=users["admin"])
    assert refused.value.code == "already_published"


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_readers_and_editors_cannot_publish(users: dict[str, Any], role: str) -> None:
    draft = version(1)
    with pytest.raises(ActionRefused) as refused:
        do_publish_terms(draft, acting_user=users[role])
    assert refused.value.status == 403
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_older_version_cannot_be_published_after_a_newer_one(users: dict[str, Any]) -> None:
    do_publish_terms(version(2), acting_user=users["admin"])
    with pytest.raises(ActionRefused) as refused:
        do_publish_terms(version(1), acting_user=users["admin"])
    assert refused.value.code == "outdated"


def test_a_reader_accepts_a_new_version_before_posting_again(
    comment: Any, users: dict[str, Any], client_for: Any
) -> None:
    reader = users["reader"]
    do_publish_terms(version(1), acting_user=users["admin"])  # no acceptance needed
    community.do_post_comment(comment.conversation, text_value="Noch erlaubt.", acting_user=reader)
    others = community.do_post_comment(
        comment.conversation, text_value="Von jemand anderem.", acting_user=users["other_reader"]
    )
    do_publish_terms(version(2, requires_acceptance=True), acting_user=users["admin"])
    do_publish_terms(
        version(2, language="de", requires_acceptance=True), acting_user=users["admin"]
    )
    before = Comment.objects.count()
    with pytest.raises(ActionRefused) as refused:
        community.do_post_comment(comment.conversation, text_value="Neu.", acting_user=reader)
    assert refused.value.code == "terms_not_accepted" and refused.value.status == 403
    assert "/en/legal/terms/accept/" in refused.value.message
    with pytest.raises(ActionRefused):
        community.do_edit_comment(comment, text_value="Geändert.", acting_user=reader)
    assert Comment.objects.count() == before
    community.do_vote(others, value=1, acting_user=reader)  # voting is not held up
    # The page says what changed; accepting lets them post.
    client = client_for("reader")
    page = client.get("/en/legal/terms/accept/").content.decode()
    assert "Changes of 2" in page and "Terms v2 en" in page
    response = client.post("/en/legal/terms/accept/", {"next": "/en/"})
    assert response.status_code == 302 and response["Location"] == "/en/"
    accepted = TermsAcceptance.objects.get(user=reader)
    assert (accepted.document, accepted.version, accepted.terms.language) == ("terms", 2, "en")
    assert AuditEvent.objects.filter(event_type=EventType.TERMS_ACCEPTED).count() == 1
    community.do_post_comment(comment.conversation, text_value="Wieder da.", acting_user=reader)
    assert Comment.objects.count() == before + 1


def test_a_new_reader_accepts_at_their_first_post(
    open_for_comments: None, conversation: Any, users: dict[str, Any]
) -> None:
    do_publish_terms(version(1, requires_acceptance=True), acting_user=users["admin"])
    newcomer = users["other_reader"]
    assert [v.version for v in pending_acceptance(newcomer, "en")] == [1]
    with pytest.raises(ActionRefused):
        community.do_post_comment(conversation, text_value="Hallo.", acting_user=newcomer)
    do_accept_terms(newcomer, language="en", acting_user=newcomer)
    community.do_post_comment(conversation, text_value="Hallo.", acting_user=newcomer)
    with pytest.raises(ActionRefused) as refused:
        do_accept_terms(newcomer, language="en", acting_user=newcomer)
    assert refused.value.code == "nothing_to_accept"


def test_nobody_accepts_for_someone_else(users: dict[str, Any]) -> None:
    do_publish_terms(version(1, requires_acceptance=True), acting_user=users["admin"])
    with pytest.raises(ActionRefused) as refused:
        do_accept_terms(users["reader"], language="en", acting_user=users["admin"])
    assert refused.value.status == 403
    assert not TermsAcceptance.objects.exists()


def test_the_guard_is_off_with_the_part(comment: Any, users: dict[str, Any], settings: Any) -> None:
    do_publish_terms(version(1, requires_acceptance=True), acting_user=users["admin"])
    settings.NEWSDESK_LEGAL_OFF = ["terms"]
    community.do_post_comment(comment.conversation, text_value="Ok.", acting_user=users["reader"])


# --- pages ------------------------------------------------------------------------------

ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_current_version_and_the_older_ones(
    users: dict[str, Any], client_for: Any, role: str
) -> None:
    do_publish_terms(version(1), acting_user=users["admin"])
    do_publish_terms(version(2), acting_user=users["admin"])
    version(3)  # a draft: not shown
    client = client_for(role)
    page = client.get("/en/legal/terms/").content.decode()
    assert "Terms v2 en" in page and "Rules 2 en" in page and "Rules 3" not in page
    assert "?version=1" in page and "Changes of 1" in page
    old = client.get("/en/legal/terms/?version=1").content.decode()
    assert "Rules 1 en" in old and "not the current version" in old
    assert client.get("/en/legal/terms/?version=3").status_code == 404
    assert client.get("/en/legal/terms/?version=x").status_code == 404
    for name in ("privacy", "netiquette"):
        response = client.get(f"/en/legal/{name}/")
        assert response.status_code == 200 and b"No version has been published yet." in (
            response.content
        )


def test_the_page_is_in_the_readers_language(users: dict[str, Any], client_for: Any) -> None:
    do_publish_terms(version(1), acting_user=users["admin"])
    do_publish_terms(version(1, language="de"), acting_user=users["admin"])
    assert b"Rules 1 de" in client_for("anonymous").get("/de/legal/terms/").content
    assert b"Rules 1 en" in client_for("anonymous").get("/en/legal/terms/").content


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("reader", 200), ("moderator", 200), ("editor", 200), ("admin", 200)],
)
def test_the_acceptance_page_is_for_signed_in_readers(
    users: dict[str, Any], client_for: Any, role: str, status: int
) -> None:
    do_publish_terms(version(1, requires_acceptance=True), acting_user=users["admin"])
    client = client_for(role)
    assert client.get("/en/legal/terms/accept/").status_code == status
    response = client.post("/en/legal/terms/accept/")
    assert response.status_code == 302
    if role == "anonymous":
        assert "/login/" in response["Location"]
        assert not TermsAcceptance.objects.exists()
    else:
        assert TermsAcceptance.objects.filter(user=users[role]).count() == 1


def test_the_pages_are_gone_when_the_part_is_off(client_for: Any, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["terms"]
    client = client_for("reader")
    assert client.get("/en/legal/terms/").status_code == 404
    assert client.get("/en/legal/terms/accept/").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("moderator", 200), ("admin", 200)])
def test_the_back_office_lists_versions(client_for: Any, role: str, status: int) -> None:
    assert client_for(role).get("/admin/legal/termsversion/").status_code == status
