"""Cases for the authorities (Art. 18) and data requests: the case, its hold, the evidence
package (unzipped, its manifest and sums recomputed), closing, and who may do what."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest

from newsdesk.community import actions as community
from newsdesk.core.errors import ActionRefused
from newsdesk.core.models import AuditEvent, EventType
from newsdesk.legal.actions.authorities import (
    do_close_authority_case,
    do_export_evidence,
    do_open_authority_case,
)
from newsdesk.legal.holds import holds_for, holds_on
from newsdesk.legal.models import AuthorityCase, EvidencePackage, LegalHold
from newsdesk.moderation import actions as moderation

pytestmark = pytest.mark.django_db


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def thread(comment: Any, users: dict[str, Any]) -> dict[str, Any]:
    """Two later comments beside the reported one (the clock stands still: ordered by
    number) and a reply to it, all by another reader."""
    before = community.do_post_comment(
        comment.conversation,
        text_value="Ich bin anderer Meinung.",
        acting_user=users["other_reader"],
    )
    after = community.do_post_comment(
        comment.conversation,
        text_value="Bitte sachlich bleiben.",
        acting_user=users["other_reader"],
    )
    reply = community.do_post_comment(
        comment.conversation,
        text_value="Das geht zu weit.",
        parent=comment,
        acting_user=users["other_reader"],
    )
    return {"before": before, "after": after, "reply": reply}


def open_criminal(comment: Any, users: dict[str, Any]) -> AuthorityCase:
    return do_open_authority_case(
        kind=AuthorityCase.Kind.THREAT,
        description="Threatens another reader with violence.",
        comment=comment,
        acting_user=users["moderator"],
    )


def test_opening_a_case_places_a_hold_on_the_comment_and_its_author(
    comment: Any, users: dict[str, Any]
) -> None:
    case = open_criminal(comment, users)
    assert case.account == users["reader"] and case.account_number == users["reader"].pk
    assert case.hold is not None and case.hold.kind == LegalHold.Kind.CRIMINAL_CASE
    assert list(holds_on(comment)) == [case.hold]
    assert list(holds_for(users["reader"])) == [case.hold]
    opened = AuditEvent.objects.get(event_type=EventType.AUTHORITY_CASE_OPENED)
    assert opened.new_value["kind"] == "threat" and opened.target_label == f"case A-{case.pk}"
    assert AuditEvent.objects.filter(event_type=EventType.HOLD_PLACED).count() == 1


def test_the_evidence_package_holds_everything_and_its_sums_are_right(
    comment: Any, thread: dict[str, Any], users: dict[str, Any], insult: Any
) -> None:
    community.do_edit_comment(
        comment, text_value="Das ist eine Drohung, du Idiot.", acting_user=users["reader"]
    )
    moderation.do_reject_comment(comment, reason=insult, acting_user=users["moderator"])
    case = open_criminal(comment, users)
    package = do_export_evidence(case, acting_user=users["moderator"])

    data = bytes(package.content)
    assert package.sha256 == hashlib.sha256(data).hexdigest() and package.size == len(data)
    files = unzip(data)
    assert set(files) == {
        "README.txt",
        "case.json",
        "content/comment.json",
        "content/comment.txt",
        "context/conversation.json",
        "account/account.json",
        "moderation/record.json",
        "manifest.json",
        "SHA256SUMS",
    }
    # SHA256SUMS in `sha256sum -c` format covers every other file, and every sum is right.
    lines = files["SHA256SUMS"].decode().splitlines()
    sums = {}
    for line in lines:
        digest, path = line.split("  ", 1)
        sums[path] = digest
    assert set(sums) == set(files) - {"SHA256SUMS"}
    for path, digest in sums.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, path
    manifest = json.loads(files["manifest.json"])
    assert manifest["case"] == f"A-{case.pk}" and manifest["produced_by"] == "moderator"
    assert {entry["path"] for entry in manifest["files"]} == set(files) - {
        "manifest.json",
        "SHA256SUMS",
    }
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["path"]]).hexdigest()
        assert entry["bytes"] == len(files[entry["path"]])
    assert manifest["produced"]["utc"].endswith("+00:00")
    assert manifest["produced"]["local"].endswith("+01:00")  # Vienna in November

    content = json.loads(files["content/comment.json"])
    assert content["text"] == "Das ist eine Drohung, du Idiot."
    assert [rev["text"] for rev in content["revisions"]] == ["Das ist eine Beleidigung, du Idiot."]
    assert content["status"] == "rejected"
    assert content["posted"]["utc"] == "2026-11-27T13:00:00+00:00"
    assert content["posted"]["local"] == "2026-11-27T14:00:00+01:00"
    assert files["content/comment.txt"].decode() == "Das ist eine Drohung, du Idiot.\n"

    context = json.loads(files["context/conversation.json"])
    assert context["article"]["headline"] == "Budget beschlossen"
    assert [c["id"] for c in context["after"]] == [thread["before"].pk, thread["after"].pk]
    assert [c["id"] for c in context["replies"]] == [thread["reply"].pk]
    assert context["replies"][0]["text"] == "Das geht zu weit."

    account = json.loads(files["account/account.json"])
    assert account["username"] == "reader" and account["email"] == "reader@example.org"
    assert account["account_number"] == users["reader"].pk
    assert "address_hashes" in account

    record = json.loads(files["moderation/record.json"])
    assert record["moderation_case"]["queue"] == "rejected"
    assert record["moderation_case"]["reason"] == "insult"
    assert [hold["reference"] for hold in record["legal_holds"]] == [f"case A-{case.pk}"]
    events = {event["event"] for event in record["audit_trail"]}
    assert {"comment.rejected", "legal.authority_case_opened", "legal.hold_placed"} <= events
    assert b"keyed hash" in files["README.txt"]

    exported = AuditEvent.objects.get(event_type=EventType.EVIDENCE_EXPORTED)
    assert exported.new_value["sha256"] == package.sha256
    assert exported.new_value["bytes"] == len(data)


def test_a_data_request_records_the_request_and_the_decision(
    comment: Any, users: dict[str, Any]
) -> None:
    case = do_open_authority_case(
        kind=AuthorityCase.Kind.DATA_REQUEST,
        description="A reader asks who insulted them, to sue.",
        account=users["reader"],
        requester="Kanzlei Muster, for Ms. K.",
        legal_basis="§ 18 Abs. 4 ECG",
        request_reference="AZ 12/26",
        disclosure="disclose",
        disclosure_note="Court order presented; identity needed for a civil claim.",
        acting_user=users["moderator"],
    )
    assert case.hold.kind == LegalHold.Kind.AUTHORITY_REQUEST
    assert list(holds_on(comment)) == [case.hold]  # the whole account: its comments too
    package = do_export_evidence(case, acting_user=users["admin"])
    files = unzip(bytes(package.content))
    details = json.loads(files["case.json"])
    assert details["requester"] == "Kanzlei Muster, for Ms. K."
    assert details["legal_basis"] == "§ 18 Abs. 4 ECG"
    assert details["request_reference"] == "AZ 12/26"
    assert details["disclosure"] == "disclose"
    assert "content/comment.json" not in files  # a request about the account, not a comment
    assert json.loads(files["account/account.json"])["email"] == "reader@example.org"


def test_a_refused_data_request_has_nothing_to_export(users: dict[str, Any]) -> None:
    case = do_open_authority_case(
        kind=AuthorityCase.Kind.DATA_REQUEST,
        description="Someone wants the e-mail address.",
        account=users["reader"],
        requester="A stranger",
        legal_basis="none given",
        disclosure="refuse",
        disclosure_note="No legal interest shown.",
        acting_user=users["moderator"],
    )
    with pytest.raises(ActionRefused) as refused:
        do_export_evidence(case, acting_user=users["moderator"])
    assert refused.value.code == "not_disclosed"
    assert not EvidencePackage.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.EVIDENCE_EXPORTED).exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "threat", "description": "x"}, "nothing_to_report"),
        ({"kind": "threat", "description": " ", "on_comment": True}, "description_needed"),
        ({"kind": "gossip", "description": "x", "on_comment": True}, "bad_kind"),
        ({"kind": "data_request", "description": "x", "on_comment": True}, "request_incomplete"),
        (
            {
                "kind": "data_request",
                "description": "x",
                "on_comment": True,
                "requester": "R",
                "legal_basis": "B",
            },
            "decision_needed",
        ),
    ],
)
def test_incomplete_cases_are_refused(
    comment: Any, users: dict[str, Any], kwargs: dict[str, Any], code: str
) -> None:
    kwargs = dict(kwargs)
    if kwargs.pop("on_comment", False):
        kwargs["comment"] = comment
    with pytest.raises(ActionRefused) as refused:
        do_open_authority_case(acting_user=users["moderator"], **kwargs)
    assert refused.value.code == code
    assert not AuthorityCase.objects.exists() and not LegalHold.objects.exists()


def test_closing_a_case_releases_its_hold(comment: Any, users: dict[str, Any]) -> None:
    case = open_criminal(comment, users)
    do_close_authority_case(case, acting_user=users["moderator"], note="handed over")
    case.refresh_from_db()
    assert case.closed_at is not None and case.hold.released_at is not None
    assert list(holds_on(comment)) == []
    with pytest.raises(ActionRefused) as refused:
        do_close_authority_case(case, acting_user=users["moderator"])
    assert refused.value.code == "already_closed"


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_readers_and_editors_cannot_open_or_export(
    comment: Any, users: dict[str, Any], role: str
) -> None:
    with pytest.raises(ActionRefused) as refused:
        do_open_authority_case(
            kind="threat", description="x", comment=comment, acting_user=users[role]
        )
    assert refused.value.status == 403
    case = open_criminal(comment, users)
    with pytest.raises(ActionRefused):
        do_export_evidence(case, acting_user=users[role])
    assert not EvidencePackage.objects.exists()


# --- the pages ----------------------------------------------------------------------------

ROLES = {"anonymous": 302, "reader": 403, "moderator": 200, "editor": 403, "admin": 200}


@pytest.mark.parametrize(("role", "status"), ROLES.items())
def test_the_case_pages_are_for_the_legal_team(
    comment: Any, users: dict[str, Any], client_for: Any, role: str, status: int
) -> None:
    case = open_criminal(comment, users)
    package = do_export_evidence(case, acting_user=users["moderator"])
    client = client_for(role)
    for url in (
        "/en/legal/authorities/",
        "/en/legal/authorities/new/",
        f"/en/legal/authorities/{case.pk}/",
        f"/en/legal/evidence/{package.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
    if status == 200:
        response = client.get(f"/en/legal/evidence/{package.pk}/")
        assert response["Content-Type"] == "application/zip"
        assert hashlib.sha256(response.content).hexdigest() == package.sha256
        page = client.get(f"/en/legal/authorities/{case.pk}/").content.decode()
        assert package.sha256 in page


@pytest.mark.parametrize(("role", "status"), ROLES.items())
def test_opening_a_case_from_the_page(
    comment: Any, client_for: Any, role: str, status: int
) -> None:
    response = client_for(role).post(
        "/en/legal/authorities/new/",
        {"kind": "criminal_offence", "comment": comment.pk, "description": "Volksverhetzung"},
    )
    if status == 200:
        case = AuthorityCase.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/{case.pk}/")
        assert case.comment == comment and case.hold is not None
    else:
        assert response.status_code == status
        assert not AuthorityCase.objects.exists()
        assert not AuditEvent.objects.filter(event_type=EventType.AUTHORITY_CASE_OPENED).exists()


def test_a_bad_form_says_why_and_keeps_nothing(comment: Any, client_for: Any) -> None:
    response = client_for("moderator").post(
        "/en/legal/authorities/new/",
        {"kind": "criminal_offence", "comment": 99999, "description": "x"},
    )
    assert response.status_code == 400
    assert b"There is no comment with this number." in response.content
    assert not AuthorityCase.objects.exists()


@pytest.mark.parametrize(("role", "status"), ROLES.items())
def test_exporting_and_closing_from_the_page(
    comment: Any, users: dict[str, Any], client_for: Any, role: str, status: int
) -> None:
    case = open_criminal(comment, users)
    client = client_for(role)
    exported = client.post(f"/en/legal/authorities/{case.pk}/evidence/")
    closed = client.post(f"/en/legal/authorities/{case.pk}/close/")
    case.refresh_from_db()
    if status == 200:
        assert exported.status_code == closed.status_code == 302
        assert EvidencePackage.objects.filter(case=case).count() == 1
        assert case.closed_at is not None
    else:
        assert exported.status_code == closed.status_code == status
        assert not EvidencePackage.objects.exists() and case.closed_at is None


# A GET of the POST-only views: outsiders are refused before the method is looked at (as the
# module's docstring says: visitors to the login page, others 403); the team gets 405.
GET_OF_POST = {"anonymous": "login", "reader": 403, "moderator": 405, "editor": 403, "admin": 405}


@pytest.mark.parametrize(("role", "expected"), GET_OF_POST.items())
def test_a_get_of_exporting_or_closing_refuses_outsiders_first(
    comment: Any, users: dict[str, Any], client_for: Any, role: str, expected: int | str
) -> None:
    case = open_criminal(comment, users)
    client = client_for(role)
    for url in (
        f"/en/legal/authorities/{case.pk}/evidence/",
        f"/en/legal/authorities/{case.pk}/close/",
    ):
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == expected, url
    case.refresh_from_db()
    assert not EvidencePackage.objects.exists() and case.closed_at is None


def test_the_pages_are_gone_when_the_part_is_off(
    comment: Any, users: dict[str, Any], client_for: Any, settings: Any
) -> None:
    case = open_criminal(comment, users)
    settings.NEWSDESK_LEGAL_OFF = ["authorities"]
    client = client_for("moderator")
    assert client.get("/en/legal/authorities/").status_code == 404
    assert client.get(f"/en/legal/authorities/{case.pk}/").status_code == 404
    assert client.post(f"/en/legal/authorities/{case.pk}/evidence/").status_code == 404


def test_sha256sum_checks_the_unpacked_package(
    comment: Any, users: dict[str, Any], tmp_path: Any
) -> None:
    """The real tool accepts the SHA256SUMS file (`sha256sum -c` in the unpacked folder)."""
    import shutil
    import subprocess

    tool = shutil.which("sha256sum")
    if tool is None:
        pytest.skip("no sha256sum here")
    package = do_export_evidence(open_criminal(comment, users), acting_user=users["moderator"])
    with zipfile.ZipFile(io.BytesIO(bytes(package.content))) as archive:
        archive.extractall(tmp_path)
    result = subprocess.run(  # noqa: S603 - a fixed tool on our own files
        [tool, "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 8
