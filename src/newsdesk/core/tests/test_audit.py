"""The audit trail: events recorded with their action, and rows no one can change or delete."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from newsdesk.core import audit
from newsdesk.core.audit import EventType, record_event
from newsdesk.core.models import AuditEvent, AuditMaintenance

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    user = User.objects.create_user("ed", password="x")
    with transaction.atomic():
        return record_event(
            EventType.ARTICLE_PUBLISHED,
            actor=user,
            target=user,
            old={"status": "draft"},
            new={"status": "published"},
            address="203.0.113.7",
        )


def test_an_event_keeps_actor_target_values_and_only_a_hash_of_the_address(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor.username == "ed"
    assert stored.target_type.model == "user"
    assert stored.target_id == str(stored.actor.pk)
    assert stored.target_label == "ed"
    assert stored.old_value == {"status": "draft"}
    assert stored.new_value == {"status": "published"}
    assert len(stored.address_hash) == 64
    assert "203.0.113.7" not in stored.address_hash
    assert stored.address_hash == audit.address_hash("203.0.113.7")
    assert list(audit.trail_of(stored.actor)) == [stored]


def test_anonymous_and_system_actors_are_stored_as_nobody():
    with transaction.atomic():
        first = record_event(EventType.COMMENT_DELETED, actor=AnonymousUser())
        second = record_event(EventType.COMMENT_DELETED, actor=None)
    assert first.actor is None and second.actor is None


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_a_programming_error():
    with pytest.raises(audit.AuditError, match="inside the action's transaction"):
        record_event(EventType.ARTICLE_SAVED, actor=None)
    assert not AuditEvent.objects.exists()


def test_an_event_of_an_unknown_type_is_a_programming_error():
    with transaction.atomic(), pytest.raises(audit.AuditError, match="unknown audit event"):
        record_event("article.burned", actor=None)
    assert not AuditEvent.objects.exists()


def test_an_event_is_rolled_back_with_its_action():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(EventType.ARTICLE_SAVED, actor=None)
        raise RuntimeError("the action failed after recording")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET event_type = 'article.saved'",
        "UPDATE core_auditevent SET new_value = NULL WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
        "DELETE FROM core_auditevent",
    ],
)
def test_raw_sql_cannot_change_or_delete_audit_rows(event, statement):
    params = [event.pk] if "%s" in statement else []
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.event_type == "article.published"
    assert stored.new_value == {"status": "published"}


def test_the_orm_cannot_change_or_delete_audit_rows(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target_label="forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).target_label == "ed"


def test_maintenance_lifts_the_guard_in_its_transaction_only_and_records_that_it_did(event):
    admin = User.objects.create_superuser("root", password="x")
    with audit.maintenance("retention: events older than 2 years", acting_user=admin) as run:
        run.changed(AuditEvent.objects.filter(pk=event.pk).update(address_hash=""))
        run.changed(AuditEvent.objects.filter(pk=event.pk).delete()[0])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    record = AuditEvent.objects.get(event_type=EventType.AUDIT_MAINTENANCE)
    assert record.actor == admin
    assert record.new_value["reason"] == "retention: events older than 2 years"
    assert record.new_value["rows_changed"] == 2
    maintenance_row = AuditMaintenance.objects.get()
    assert maintenance_row.rows_changed == 2 and not maintenance_row.is_open
    # After the block the guard holds again.
    with pytest.raises(IntegrityError), transaction.atomic():
        record.delete()


def test_a_failed_maintenance_rolls_back_its_changes_and_leaves_the_guard_in_place(event):
    with pytest.raises(ValueError), audit.maintenance("erasure", acting_user=None):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="x")
        raise ValueError("something went wrong half-way")
    assert AuditEvent.objects.get(pk=event.pk).target_label == "ed"
    assert not AuditMaintenance.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_maintenance_needs_a_reason():
    with pytest.raises(audit.AuditError), audit.maintenance("  ", acting_user=None):
        pass


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_too(event):
    """Transactional tests end with a flush: with audit rows in the table it must work."""
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
