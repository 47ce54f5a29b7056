"""Evidence packages for the authorities (DSA Art. 18) and for disclosed data requests: one
ZIP with the content, its context, the account's data and the moderation record, a manifest
and a ``SHA256SUMS`` file (``sha256sum -c SHA256SUMS`` checks every file).

Layout of the ZIP (every time in UTC and in the site's time zone, ``{"utc", "local"}``)::

    README.txt               what the package holds, what the site keeps and what it does not
    case.json                the case: kind, description, requester, decision, who and when
    content/comment.json     the comment: text, status, times, revisions, the poster's address
    content/comment.txt      the comment's text as posted (last version)
    context/conversation.json the article (headline, address, publication), the parent comment,
                             up to 3 neighbouring comments on each side and the replies
    account/account.json     the account: user name, e-mail addresses, profile, sign-up time,
                             the keyed hashes of the addresses the audit trail recorded for it
    moderation/record.json   the moderation case, sanctions, legal holds, statements of reasons
                             and the audit trail of the comment and of the account
    manifest.json            format, case, producer, time, and every file with size and SHA-256
    SHA256SUMS               "<sha256>  <path>" for every file above (manifest included)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q

from newsdesk.community.models import Comment
from newsdesk.core.audit import trail_of
from newsdesk.core.models import AuditEvent, AuditJSONEncoder
from newsdesk.legal.data_rights import account_data, comment_data
from newsdesk.legal.holds import restricted_account, restricted_comment
from newsdesk.legal.models import AuthorityCase, LegalHold, Statement
from newsdesk.moderation.models import Case, Sanction

PACKAGE_FORMAT = 1
NEIGHBOURS = 3

README = """Evidence package {reference} of {site} ({site_url})
Produced {produced_utc} (UTC), {produced_local} ({zone}).

Kind: {kind}

Files: see manifest.json; check them with `sha256sum -c SHA256SUMS`. Every time is given
in UTC and in the site's time zone ({zone}).

What the site keeps about an account: user name, e-mail addresses (and whether they were
verified), display name, sign-up and last login times, its comments with every earlier
version, the address (IP) each comment was posted from, its votes, moderation decisions and
sanctions, and in its audit trail a keyed hash (HMAC-SHA-256) of the address behind each
recorded action. A keyed hash cannot be turned back into an address; it only shows whether
two actions came from the same address.
What the site does not keep: passwords in clear, login addresses in clear, devices, browsing
history, payment data, real names (unless the reader chose one as display name).
"""


def _stamp(value: dt.datetime | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {
        "utc": value.astimezone(dt.UTC).isoformat(),
        "local": value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(),
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, cls=AuditJSONEncoder, ensure_ascii=False, indent=2) + "\n").encode()


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "time": _stamp(event.created_at),
        "event": event.event_type,
        "actor": event.actor.username if event.actor else None,
        "target": event.target_label,
        "old": event.old_value,
        "new": event.new_value,
        "address_hash": event.address_hash or None,
    }


def _comment(comment: Comment) -> dict[str, Any]:
    data = comment_data(comment)
    kept = restricted_comment(comment.pk)
    if kept is not None and not comment.text:
        data = {**kept, "restricted_copy": True}  # the author erased their account
    for key in ("posted", "edited", "deleted"):
        data[key] = _stamp(getattr(comment, {"posted": "created_at"}.get(key, f"{key}_at")))
    data["published"] = _stamp(comment.published_at)
    data["author_account"] = comment.author_id
    return data


def _neighbour(comment: Comment) -> dict[str, Any]:
    profile = getattr(comment.author, "community_profile", None) if comment.author else None
    return {
        "id": comment.pk,
        "reply_to": comment.parent_id,
        "author": profile.display_name if profile else None,
        "text": comment.text if comment.deleted_at is None else None,
        "status": comment.status,
        "posted": _stamp(comment.created_at),
    }


def _context(comment: Comment) -> dict[str, Any]:
    conversation = comment.conversation
    article = conversation.article
    same_level = Comment.objects.filter(
        conversation=conversation, parent_id=comment.parent_id
    ).select_related("author__community_profile")
    before = list(
        same_level.filter(
            Q(created_at__lt=comment.created_at)
            | Q(created_at=comment.created_at, pk__lt=comment.pk)
        ).order_by("-created_at", "-pk")[:NEIGHBOURS]
    )
    after = list(
        same_level.filter(
            Q(created_at__gt=comment.created_at)
            | Q(created_at=comment.created_at, pk__gt=comment.pk)
        ).order_by("created_at", "pk")[:NEIGHBOURS]
    )
    return {
        "conversation": {
            "id": conversation.pk,
            "title": str(conversation),
            "url": settings.SITE_URL + conversation.get_absolute_url(),
        },
        "article": (
            {
                "id": article.pk,
                "headline": article.headline,
                "url": settings.SITE_URL + article.get_absolute_url(),
                "published": _stamp(getattr(article, "published_at", None)),
            }
            if article is not None
            else None
        ),
        "parent": _neighbour(comment.parent) if comment.parent else None,
        "before": [_neighbour(c) for c in reversed(before)],
        "after": [_neighbour(c) for c in after],
        "replies": [
            _neighbour(c)
            for c in comment.replies.select_related("author__community_profile").order_by(
                "created_at", "pk"
            )
        ],
    }


def _account(case: AuthorityCase) -> dict[str, Any] | None:
    user: User | None = case.account
    if user is not None:
        data = account_data(user)
        for key in ("signed_up", "last_login"):
            data[key] = _stamp(getattr(user, {"signed_up": "date_joined"}.get(key, key)))
        hashes: dict[str, dict[str, Any]] = {}
        for event in (
            AuditEvent.objects.filter(actor=user).exclude(address_hash="").order_by("created_at")
        ):
            seen = hashes.setdefault(
                event.address_hash, {"hash": event.address_hash, "first": None, "events": 0}
            )
            seen["first"] = seen["first"] or _stamp(event.created_at)
            seen["last"] = _stamp(event.created_at)
            seen["events"] += 1
        data["address_hashes"] = list(hashes.values())
        return data
    if case.account_number is not None:
        kept = restricted_account(case.account_number)
        if kept is not None:
            return {**kept, "restricted_copy": True}
    return None


def _record(case: AuthorityCase) -> dict[str, Any]:
    comment = case.comment
    moderation_case = (
        Case.objects.filter(comment=comment).select_related("reason", "decided_by").first()
        if comment is not None
        else None
    )
    events: list[AuditEvent] = []
    if comment is not None:
        events.extend(trail_of(comment))
    if case.account is not None:
        events.extend(trail_of(case.account))
        events.extend(AuditEvent.objects.filter(actor=case.account))
    events.extend(trail_of(case))
    covers = Q(pk__in=[])
    if comment is not None:
        covers |= Q(comment=comment)
    if case.account_number is not None:
        covers |= Q(account_number=case.account_number)
    holds = LegalHold.objects.filter(covers)
    for hold in holds:
        events.extend(trail_of(hold))
    unique = {event.pk: event for event in events}
    return {
        "moderation_case": (
            {
                "queue": moderation_case.queue,
                "held_for": moderation_case.holds,
                "score": moderation_case.score,
                "model": moderation_case.model_name,
                "model_version": moderation_case.model_version,
                "created": _stamp(moderation_case.created_at),
                "decided": _stamp(moderation_case.decided_at),
                "decided_by": (
                    moderation_case.decided_by.username if moderation_case.decided_by else None
                ),
                "reason": moderation_case.reason.code if moderation_case.reason else None,
                "note": moderation_case.note,
            }
            if moderation_case is not None
            else None
        ),
        "sanctions": [
            {
                "measure": sanction.kind,
                "reason": sanction.reason.code,
                "note": sanction.note,
                "from": _stamp(sanction.starts_at),
                "until": _stamp(sanction.ends_at),
                "lifted": _stamp(sanction.lifted_at),
            }
            for sanction in Sanction.objects.filter(user=case.account)
            .select_related("reason")
            .order_by("starts_at")
        ]
        if case.account is not None
        else [],
        "legal_holds": [
            {
                "id": hold.pk,
                "kind": hold.kind,
                "reference": hold.reference,
                "from": _stamp(hold.starts_at),
                "until": _stamp(hold.until),
                "released": _stamp(hold.released_at),
            }
            for hold in holds.order_by("starts_at", "pk")
        ],
        "statements": [
            {
                "puid": statement.puid,
                "decision_visibility": statement.decision_visibility,
                "decision_ground": statement.decision_ground,
                "category": statement.category,
                "facts": statement.decision_facts,
                "issued": _stamp(statement.created_at),
            }
            for statement in Statement.objects.filter(
                Q(comment=comment) if comment is not None else Q(pk__in=[])
            )
        ],
        "audit_trail": [
            _event(event) for event in sorted(unique.values(), key=lambda e: (e.created_at, e.pk))
        ],
    }


def _case(case: AuthorityCase) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "description": case.description,
        "comment": case.comment_id,
        "account": case.account_number,
        "requester": case.requester or None,
        "legal_basis": case.legal_basis or None,
        "request_reference": case.request_reference or None,
        "disclosure": case.disclosure or None,
        "disclosure_grounds": case.disclosure_note or None,
        "decided": _stamp(case.decided_at),
        "opened": _stamp(case.opened_at),
        "opened_by": case.opened_by.username if case.opened_by else None,
        "closed": _stamp(case.closed_at),
    }


def build_package(
    case: AuthorityCase, *, produced_at: dt.datetime, produced_by: User | None
) -> tuple[str, bytes, dict[str, Any]]:
    """The ZIP for ``case``: (file name, bytes, manifest). Deterministic for the same records
    and time (the entries carry ``produced_at``)."""
    files: dict[str, bytes] = {}
    zone = settings.TIME_ZONE
    files["README.txt"] = README.format(
        reference=case.reference,
        site=settings.SITE_NAME,
        site_url=settings.SITE_URL,
        produced_utc=produced_at.astimezone(dt.UTC).isoformat(),
        produced_local=produced_at.astimezone(ZoneInfo(zone)).isoformat(),
        zone=zone,
        kind=case.get_kind_display(),
    ).encode()
    files["case.json"] = _json(_case(case))
    comment = case.comment
    if comment is not None:
        files["content/comment.json"] = _json(_comment(comment))
        text = comment.text or (restricted_comment(comment.pk) or {}).get("text", "")
        files["content/comment.txt"] = (text + "\n").encode()
        files["context/conversation.json"] = _json(_context(comment))
    account = _account(case)
    if account is not None:
        files["account/account.json"] = _json(account)
    files["moderation/record.json"] = _json(_record(case))
    manifest = {
        "format": PACKAGE_FORMAT,
        "case": case.reference,
        "kind": case.kind,
        "site": settings.SITE_URL,
        "produced": _stamp(produced_at),
        "produced_by": produced_by.username if produced_by else None,
        "time_zone": zone,
        "files": [
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in files.items()
        ],
    }
    files["manifest.json"] = _json(manifest)
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in files.items()
    ).encode()
    buffer = io.BytesIO()
    stamp = produced_at.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    name = f"evidence-{case.reference}-{produced_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.zip"
    return name, buffer.getvalue(), manifest
