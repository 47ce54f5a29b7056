"""The audit trail: one append-only row for every state change an action makes.

Every ``do_<verb>_<noun>`` action calls :func:`record_event` inside its own transaction, after
the change and before anything runs on commit (signals, e-mails, cache busts), so a change and
its row are committed together or not at all (Zulip's ``RealmAuditLog`` works this way).

Rows are never changed or deleted. Triggers in the database refuse UPDATE and DELETE of
``core_auditevent`` on SQLite and PostgreSQL, for the application and for raw SQL alike (as
``IntegrityError``). The one way around them is :func:`maintenance` (retention, and the
anonymisation the GDPR asks for): inside its transaction it opens a row in
``core_auditmaintenance``, which the triggers look for, does its work, closes the row and
records an ``audit.maintenance`` event; other transactions never see the guard lifted.
Whoever can run raw SQL as the table's owner could drop the triggers too: the guard protects
the trail from the application and its operators' slips, not from the database's owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.utils.crypto import salted_hmac

from newsdesk.core import clock, prepared
from newsdesk.core.models import AuditEvent, AuditMaintenance, EventType

__all__ = ["AuditError", "EventType", "address_hash", "maintenance", "record_event", "trail_of"]
from newsdesk.core.actors import Actor, person

LABEL_MAX = AuditEvent._meta.get_field("target_label").max_length or 200


class AuditError(RuntimeError):
    """A programming error: an event recorded outside a transaction, or of an unknown type."""


def address_hash(address: str | None) -> str:
    """A keyed hash (SECRET_KEY, SHA-256, 64 hex digits) of a client address, or "" for none:
    rows from one address can be compared, the address cannot be read back."""
    if not address:
        return ""
    return salted_hmac("newsdesk.core.audit", address, algorithm="sha256").hexdigest()


def record_event(
    event_type: EventType | str,
    *,
    actor: Actor,
    target: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    address: str | None = None,
    using: str = "default",
) -> AuditEvent:
    """Append one event to the trail and return it.

    ``actor``: who acted (anonymous visitors and None are stored as the system);
    ``target``: the object acted on (its type, primary key and ``str()`` are kept);
    ``old``/``new``: JSON-serialisable values before and after (dates and UUIDs allowed);
    ``address``: the requester's IP address, stored only as :func:`address_hash`.

    Raises :class:`AuditError` outside a transaction (the event must commit with the change)
    or for an event type that :class:`EventType` does not list.
    """
    if not connections[using].in_atomic_block:
        raise AuditError("record_event() must run inside the action's transaction.atomic()")
    if event_type not in EventType.values:
        raise AuditError(f"unknown audit event type {event_type!r}")
    event = AuditEvent(
        created_at=clock.now(),
        event_type=str(event_type),
        actor=person(actor),
        old_value=old,
        new_value=new,
        address_hash=address_hash(address),
    )
    if target is not None:
        event.target_type = ContentType.objects.db_manager(using).get_for_model(
            target, for_concrete_model=False
        )
        event.target_id = str(target.pk)
        # A model may name itself for the trail without personal data (a comment's str()
        # is its text): ``audit_label``.
        label = getattr(target, "audit_label", None) or str(target)
        event.target_label = str(label)[:LABEL_MAX]
    if using == "default":
        prepared.insert(event)  # one prepared INSERT: actions on hot paths record too
    else:
        event.save(using=using, force_insert=True)
    return event


def trail_of(target: models.Model) -> models.QuerySet[AuditEvent]:
    """The events recorded for ``target``, newest first."""
    content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    return AuditEvent.objects.filter(target_type=content_type, target_id=str(target.pk))


@contextmanager
def unguarded(*, reason: str, actor: Actor = None, using: str = "default") -> Iterator[int]:
    """The guard lifted for this transaction only; yields the maintenance row's id.

    Callers other than :func:`maintenance` and the ``flush`` command have no business here.
    """
    with transaction.atomic(using=using):
        run = AuditMaintenance.objects.using(using).create(
            started_at=clock.now(), reason=reason[:200], actor=person(actor), is_open=True
        )
        yield run.pk
        AuditMaintenance.objects.using(using).filter(pk=run.pk).update(is_open=False)


@contextmanager
def maintenance(
    reason: str, *, acting_user: Actor, using: str = "default"
) -> Iterator[MaintenanceRun]:
    """Change or delete audit rows, for a documented reason (retention, GDPR erasure).

    Inside the block UPDATE and DELETE of audit rows are allowed in this transaction only;
    the caller reports how many rows it changed with ``run.changed(n)``. On leaving, the run
    is recorded (``AuditMaintenance`` and an ``audit.maintenance`` event naming the reason and
    the count). An exception inside the block rolls everything back, the guard included.
    """
    if not reason.strip():
        raise AuditError("audit maintenance needs a reason")
    with unguarded(reason=reason, actor=acting_user, using=using) as run_id:
        run = MaintenanceRun(run_id)
        yield run
        AuditMaintenance.objects.using(using).filter(pk=run_id).update(rows_changed=run.count)
        record_event(
            EventType.AUDIT_MAINTENANCE,
            actor=acting_user,
            new={"reason": reason, "rows_changed": run.count, "maintenance_id": run_id},
            using=using,
        )


class MaintenanceRun:
    """What a :func:`maintenance` block reports back: how many audit rows it changed."""

    def __init__(self, run_id: int) -> None:
        self.id = run_id
        self.count = 0

    def changed(self, rows: int) -> None:
        self.count += rows
