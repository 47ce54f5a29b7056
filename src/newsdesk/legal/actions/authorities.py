"""Cases for the authorities (DSA Art. 18) and documented data requests: opening one (which
places a legal hold), producing its evidence package, closing it (which releases the hold)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from newsdesk.community.models import Comment
from newsdesk.core import clock
from newsdesk.core.actors import Actor
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.errors import ActionRefused
from newsdesk.legal.actions.holds import do_place_hold, do_release_hold, require_legal_team
from newsdesk.legal.evidence import build_package
from newsdesk.legal.models import AuthorityCase, EvidencePackage, LegalHold


def do_open_authority_case(
    *,
    kind: str,
    description: str,
    comment: Comment | None = None,
    account: User | None = None,
    requester: str = "",
    legal_basis: str = "",
    request_reference: str = "",
    disclosure: str = "",
    disclosure_note: str = "",
    acting_user: Actor,
) -> AuthorityCase:
    """Mark ``comment`` (and its author) or ``account`` as a suspected criminal offence or a
    threat to life or safety, or document a request for user data (``requester``,
    ``legal_basis``, ``request_reference`` and the decision ``disclosure`` "disclose" /
    "refuse" with its grounds). Places a legal hold on what the case covers until it is
    closed. Records AUTHORITY_CASE_OPENED and HOLD_PLACED.

    Refusals: ``forbidden`` (403), ``bad_kind``, ``nothing_to_report`` (no comment or
    account), ``description_needed``, ``request_incomplete`` (a data request without
    requester or legal basis), ``decision_needed`` (a data request without a decision and
    its grounds).
    """
    moderator = require_legal_team(acting_user)
    if kind not in AuthorityCase.Kind.values:
        raise ActionRefused("bad_kind", _("There is no case of this kind."))
    if comment is None and account is None:
        raise ActionRefused("nothing_to_report", _("Choose a comment or an account."))
    if not description.strip():
        raise ActionRefused("description_needed", _("Describe what the case is about."))
    is_request = kind == AuthorityCase.Kind.DATA_REQUEST
    if is_request and not (requester.strip() and legal_basis.strip()):
        raise ActionRefused(
            "request_incomplete",
            _("A data request needs the requester and the legal basis they rely on."),
        )
    if is_request and (
        disclosure not in (AuthorityCase.Disclosure.DISCLOSE, AuthorityCase.Disclosure.REFUSE)
        or not disclosure_note.strip()
    ):
        raise ActionRefused(
            "decision_needed",
            _("Decide whether to disclose the data, and give the grounds of the decision."),
        )
    if account is None and comment is not None:
        account = comment.author
    now = clock.now()
    with transaction.atomic():
        case = AuthorityCase.objects.create(
            kind=kind,
            comment=comment,
            account=account,
            account_number=account.pk if account is not None else None,
            description=description.strip(),
            requester=requester.strip() if is_request else "",
            legal_basis=legal_basis.strip() if is_request else "",
            request_reference=request_reference.strip() if is_request else "",
            disclosure=disclosure if is_request else "",
            disclosure_note=disclosure_note.strip() if is_request else "",
            decided_at=now if is_request else None,
            decided_by=moderator if is_request else None,
            opened_at=now,
            opened_by=moderator,
        )
        record_event(
            EventType.AUTHORITY_CASE_OPENED,
            actor=moderator,
            target=case,
            new={
                "kind": kind,
                "comment": comment.pk if comment is not None else None,
                "account": case.account_number,
                "requester": case.requester or None,
                "legal_basis": case.legal_basis or None,
                "reference": case.request_reference or None,
                "disclosure": case.disclosure or None,
                "grounds": case.disclosure_note or None,
            },
        )
        case.hold = do_place_hold(
            kind=(LegalHold.Kind.AUTHORITY_REQUEST if is_request else LegalHold.Kind.CRIMINAL_CASE),
            reference=f"case {case.reference}",
            account=account,
            comment=comment,
            reason=str(case.get_kind_display()),
            acting_user=moderator,
        )
        case.save(update_fields=["hold"])
    return case


def do_export_evidence(case: AuthorityCase, *, acting_user: Actor) -> EvidencePackage:
    """Produce the evidence package of ``case`` (``legal.evidence.build_package``), store it
    and record its SHA-256 (EVIDENCE_EXPORTED).

    Refusals: ``forbidden`` (403), ``not_disclosed`` (409: a data request whose decision was
    not to disclose).
    """
    moderator = require_legal_team(acting_user)
    if (
        case.kind == AuthorityCase.Kind.DATA_REQUEST
        and case.disclosure != AuthorityCase.Disclosure.DISCLOSE
    ):
        raise ActionRefused(
            "not_disclosed",
            _("The decision on this request was not to disclose: there is nothing to export."),
            status=409,
        )
    now = clock.now()
    with transaction.atomic():
        name, data, manifest = build_package(case, produced_at=now, produced_by=moderator)
        digest = hashlib.sha256(data).hexdigest()
        package = EvidencePackage.objects.create(
            case=case,
            filename=name,
            sha256=digest,
            size=len(data),
            content=data,
            created_at=now,
            created_by=moderator,
        )
        record_event(
            EventType.EVIDENCE_EXPORTED,
            actor=moderator,
            target=case,
            new={
                "package": package.pk,
                "file": name,
                "sha256": digest,
                "bytes": len(data),
                "files": [entry["path"] for entry in manifest["files"]],
            },
        )
    return package


def do_close_authority_case(case: AuthorityCase, *, acting_user: Actor, note: str = "") -> None:
    """Close ``case``: its hold is released (what only it kept is purged) and the retention
    period of its evidence packages begins. Records HOLD_RELEASED.

    Refusals: ``forbidden`` (403), ``already_closed`` (409).
    """
    moderator = require_legal_team(acting_user)
    with transaction.atomic():
        locked = AuthorityCase.objects.select_for_update().get(pk=case.pk)
        if locked.closed_at is not None:
            raise ActionRefused("already_closed", _("This case is closed already."), status=409)
        locked.closed_at = clock.now()
        locked.save(update_fields=["closed_at"])
        hold = locked.hold
        if hold is not None and hold.released_at is None:
            do_release_hold(hold, acting_user=moderator, note=note or f"case {case.reference}")
        else:
            record_event(
                EventType.HOLD_RELEASED,
                actor=moderator,
                target=locked,
                new={"closed_at": locked.closed_at, "note": note},
            )
    case.closed_at = locked.closed_at
