"""The reader's data: the export (complete, nobody else's data) and the account's deletion,
with and without a legal hold (what is anonymised, what is restricted, the purge when the
hold ends), and the pages for every role."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages

from newsdesk.community import actions as community
from newsdesk.community.models import Comment, CommentRevision, Profile
from newsdesk.core import clock
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions.authorities import do_export_evidence, do_open_authority_case
from newsdesk.legal.actions.data_rights import do_export_reader_data
from newsdesk.legal.actions.holds import place_hold, release_hold
from newsdesk.legal.models import (
    Complaint,
    LegalHold,
    Notice,
    NoticeItem,
    RestrictedRecord,
    Statement,
    TermsAcceptance,
    TermsVersion,
)
from newsdesk.moderation import actions as moderation
from newsdesk.moderation.models import Sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(comment: Any, users: dict[str, Any], insult: Any) -> dict[str, Any]:
    """Every kind of record the reader can have, and some of another reader's beside them."""
    reader, other = users["reader"], users["other_reader"]
    community.do_edit_comment(comment, text_value="Korrigierte Fassung.", acting_user=reader)
    others = community.do_post_comment(
        comment.conversation, text_value="Geheimnis von other_reader", acting_user=other
    )
    community.do_vote(others, value=1, acting_user=reader)
    community.do_vote(comment, value=-1, acting_user=other)
    now = clock.now()
    notice = Notice.objects.create(
        reference="N-1",
        category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        explanation="Der Beitrag beleidigt mich.",
        notifier=reader,
        notifier_name="Reader Real Name",
        notifier_email="reader@example.org",
        good_faith=True,
        language="de",
        received_at=now,
    )
    NoticeItem.objects.create(notice=notice, comment=others)
    # A notice by the other reader about the reader's comment: not the reader's data.
    foreign = Notice.objects.create(
        reference="N-2",
        category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        explanation="Text der anderen Meldung",
        notifier=other,
        notifier_email="other_reader@example.org",
        language="de",
        received_at=now,
    )
    NoticeItem.objects.create(notice=foreign, comment=comment)
    statement = Statement.objects.create(
        puid="sor-1",
        user=reader,
        comment=comment,
        decision_visibility=["DECISION_VISIBILITY_CONTENT_REMOVED"],
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        incompatible_content_ground="Netiquette 2",
        incompatible_content_explanation="Beleidigung",
        category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        content_date=now.date(),
        application_date=now.date(),
        decision_facts="Ein Beitrag beleidigt.",
        source_type="SOURCE_ARTICLE_16",
        created_at=now,
        language="de",
    )
    mine = Complaint.objects.create(
        statement=statement,
        side=Complaint.Side.AFFECTED,
        complainant=reader,
        text="Meine Beschwerde",
        filed_at=now,
    )
    theirs = Complaint.objects.create(
        notice=foreign,
        statement=statement,
        side=Complaint.Side.NOTIFIER,
        complainant=other,
        text="Beschwerde von other_reader",
        filed_at=now,
    )
    terms = TermsVersion.objects.create(
        document="terms", version=1, language="en", title="Terms", text="<p>t</p>", published_at=now
    )
    TermsAcceptance.objects.create(
        user=reader, terms=terms, document="terms", version=1, accepted_at=now
    )
    TermsAcceptance.objects.create(
        user=other, terms=terms, document="terms", version=1, accepted_at=now
    )
    sanction = moderation.do_impose_sanction(
        reader, kind="warn", reason=insult, acting_user=users["moderator"]
    )
    moderation.do_acknowledge_warning(sanction, acting_user=reader)
    return {
        "comment": comment,
        "others": others,
        "notice": notice,
        "statement": statement,
        "mine": mine,
        "theirs": theirs,
        "sanction": sanction,
    }


def test_the_export_holds_every_kind_of_record_of_the_reader(
    history: dict[str, Any], users: dict[str, Any]
) -> None:
    reader = users["reader"]
    data = do_export_reader_data(reader, acting_user=reader)
    assert data["account"]["username"] == "reader"
    assert data["account"]["email"] == "reader@example.org"
    assert (
        data["account"]["profile"]["display_name"] == Profile.objects.get(user=reader).display_name
    )
    [comment] = data["comments"]
    assert comment["text"] == "Korrigierte Fassung."
    assert [rev["text"] for rev in comment["revisions"]] == ["Das ist eine Beleidigung, du Idiot."]
    assert data["votes"] == [
        {"comment": history["others"].pk, "value": 1, "when": data["votes"][0]["when"]}
    ]
    assert [n["reference"] for n in data["notices_sent"]] == ["N-1"]
    assert data["notices_sent"][0]["comments"] == [history["others"].pk]
    assert [s["puid"] for s in data["statements_about_you"]] == ["sor-1"]
    complaints = {c["id"]: c for c in data["complaints"]}
    assert complaints[history["mine"].pk]["text"] == "Meine Beschwerde"
    assert complaints[history["theirs"].pk]["text"] is None  # someone else's words
    assert complaints[history["theirs"].pk]["filed_by_you"] is False
    assert [(t["document"], t["version"]) for t in data["terms_accepted"]] == [("terms", 1)]
    assert [s["measure"] for s in data["sanctions"]] == ["warn"]
    assert isinstance(data["your_actions"], list)
    event = AuditEvent.objects.get(event_type=EventType.DATA_EXPORTED)
    assert event.actor == reader and event.new_value["comments"] == 1
    assert event.new_value["account"] == reader.pk and event.target_label == ""


def test_the_export_holds_nobody_elses_personal_data(
    history: dict[str, Any], users: dict[str, Any]
) -> None:
    reader = users["reader"]
    text = json.dumps(do_export_reader_data(reader, acting_user=reader), ensure_ascii=False)
    other = users["other_reader"]
    for secret in (
        other.username,
        other.email,
        Profile.objects.get(user=other).display_name,
        "Geheimnis von other_reader",
        "Text der anderen Meldung",
        "Beschwerde von other_reader",
        "N-2",
        "moderator",
    ):
        assert secret not in text, secret


def test_only_the_reader_downloads_their_data(users: dict[str, Any]) -> None:
    for role in ("other_reader", "moderator", "admin"):
        with pytest.raises(ActionRefused) as refused:
            do_export_reader_data(users["reader"], acting_user=users[role])
        assert refused.value.status == 403
    assert not AuditEvent.objects.filter(event_type=EventType.DATA_EXPORTED).exists()


DOWNLOAD_ROLES = ["reader", "moderator", "editor", "admin"]


@pytest.mark.parametrize("role", DOWNLOAD_ROLES)
def test_everyone_signed_in_downloads_their_own_data(
    client_for: Any, users: dict[str, Any], role: str
) -> None:
    client = client_for(role)
    page = client.get("/en/legal/my-data/")
    assert page.status_code == 200 and b"Download my data" in page.content
    response = client.post("/en/legal/my-data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["username"] == users[role].username


def test_anonymous_visitors_are_sent_to_log_in(client_for: Any) -> None:
    client = client_for("anonymous")
    assert client.get("/en/legal/my-data/").status_code == 302
    assert client.post("/en/legal/my-data/").status_code == 302
    assert not AuditEvent.objects.filter(event_type=EventType.DATA_EXPORTED).exists()


def test_the_settings_page_links_to_the_download(client_for: Any) -> None:
    page = client_for("reader").get("/en/community/settings/").content.decode()
    assert "/en/legal/my-data/" in page and "/en/legal/terms/" in page


def test_no_download_when_data_rights_are_off(client_for: Any, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["data_rights"]
    assert client_for("reader").post("/en/legal/my-data/").status_code == 404
    assert (
        "/legal/my-data/"
        not in client_for("reader").get("/en/community/settings/").content.decode()
    )


# --- erasure ----------------------------------------------------------------------------


def test_erasure_without_a_hold_deletes_as_before(
    history: dict[str, Any], users: dict[str, Any], client_for: Any
) -> None:
    reader = users["reader"]
    page = client_for("reader").get("/en/community/settings/delete/")
    assert page.status_code == 200 and b"must be kept" not in page.content
    community.do_delete_account(reader, acting_user=reader)
    comment = Comment.objects.get(pk=history["comment"].pk)
    assert comment.text == "" and comment.author is None and comment.ip_address is None
    assert not CommentRevision.objects.filter(comment=comment).exists()
    assert not Profile.objects.filter(user_id=reader.pk).exists()
    assert not RestrictedRecord.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.DATA_ERASED).exists()


def test_erasure_under_hold_restricts_the_held_records_and_erases_the_rest(
    history: dict[str, Any], users: dict[str, Any], client_for: Any
) -> None:
    reader = users["reader"]
    held = history["comment"]
    free = community.do_post_comment(
        held.conversation, text_value="Nicht betroffen.", acting_user=reader
    )
    case = do_open_authority_case(
        kind="criminal_offence",
        description="Drohung",
        comment=held,
        acting_user=users["moderator"],
    )
    page = client_for("reader").get("/en/community/settings/delete/").content.decode()
    assert "must be kept" in page
    assert "user name, e-mail address" in page and "suspected criminal offence" in page
    assert "until the matter is closed" in page and "Deleted now" in page

    response = client_for("reader").post(
        "/en/community/settings/delete/", {"password": "correct horse battery"}
    )
    assert response.status_code == 302
    told = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert "suspected criminal offence" in told and "Deleted now" in told  # told after, too

    # Everything is anonymised for the site, the held comment included...
    for comment in (held, free):
        comment.refresh_from_db()
        assert comment.text == "" and comment.author is None and comment.deleted_at is not None
    assert not Profile.objects.filter(user_id=reader.pk).exists()
    # ...but the held comment and the account's data are kept aside, restricted.
    account = RestrictedRecord.objects.get(kind="account")
    assert account.account_number == reader.pk
    assert account.data["email"] == "reader@example.org"
    assert list(account.holds.all()) == [case.hold]
    kept = RestrictedRecord.objects.get(kind="comment")
    assert kept.comment == held and kept.data["text"] == "Korrigierte Fassung."
    assert kept.data["revisions"][0]["text"] == "Das ist eine Beleidigung, du Idiot."
    assert not RestrictedRecord.objects.filter(comment=free).exists()
    erased = AuditEvent.objects.get(event_type=EventType.DATA_ERASED)
    assert erased.new_value["comments_restricted"] == 1 and "reader" not in json.dumps(
        erased.new_value
    )
    # Nobody but the legal team sees it: the comment page shows no text.
    public = client_for("other_reader").get(f"/en/community/comments/{held.pk}/")
    assert "Korrigierte Fassung." not in public.content.decode()
    # The evidence package still holds it, from the restricted copy.
    case.refresh_from_db()
    package = do_export_evidence(case, acting_user=users["moderator"])
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(bytes(package.content))) as archive:
        content = json.loads(archive.read("content/comment.json"))
        account_file = json.loads(archive.read("account/account.json"))
    assert content["text"] == "Korrigierte Fassung." and content["restricted_copy"] is True
    assert account_file["email"] == "reader@example.org"

    # The hold ends: what it kept is purged.
    release_hold(case.hold, acting_user=users["moderator"])
    for record in RestrictedRecord.objects.all():
        assert record.data == {} and record.purged_at is not None
    purged = AuditEvent.objects.get(event_type=EventType.DATA_PURGED)
    assert purged.new_value == {"why": "hold released", "accounts": 1, "comments": 1}


def test_a_record_under_two_holds_waits_for_the_last(comment: Any, users: dict[str, Any]) -> None:
    reader = users["reader"]
    first = place_hold(kind="notice", reference="notice N-1", comment=comment, acting_user=None)
    second = place_hold(
        kind="complaint", reference="complaint 1", comment=comment, acting_user=None
    )
    community.do_delete_account(reader, acting_user=reader)
    record = RestrictedRecord.objects.get()
    assert set(record.holds.all()) == {first, second}
    assert not RestrictedRecord.objects.filter(kind="account").exists()  # no account hold
    release_hold(first, acting_user=None)
    record.refresh_from_db()
    assert record.purged_at is None and record.data["text"]
    release_hold(second, acting_user=None)
    record.refresh_from_db()
    assert record.purged_at is not None and record.data == {}


def test_a_released_hold_keeps_nothing_at_erasure(comment: Any, users: dict[str, Any]) -> None:
    hold = place_hold(kind="notice", reference="notice N-1", comment=comment, acting_user=None)
    release_hold(hold, acting_user=None)
    community.do_delete_account(users["reader"], acting_user=users["reader"])
    assert not RestrictedRecord.objects.exists()
    assert LegalHold.objects.count() == 1


def test_the_restricted_records_show_on_the_holds_page(
    comment: Any, users: dict[str, Any], client_for: Any
) -> None:
    place_hold(kind="notice", reference="notice N-7", account=users["reader"], acting_user=None)
    community.do_delete_account(users["reader"], acting_user=users["reader"])
    page = client_for("moderator").get("/en/legal/holds/").content.decode()
    assert "notice N-7" in page and "account data" in page
    assert Sanction.objects.count() == 0
