"""API keys made, changed and removed in the back office are in the trail, never the key."""

from __future__ import annotations

import pytest

from newsdesk.core.audit import EventType, trail_of
from newsdesk.core.models import AuditEvent
from newsdesk.translation import actions
from newsdesk.translation.models import ApiKey

pytestmark = pytest.mark.django_db


def test_a_key_is_created_changed_and_removed_with_a_row_each(users):
    key = ApiKey(name="CMS plugin", requests_per_minute=30)
    secret = actions.do_create_api_key(key, acting_user=users["admin"])
    created = trail_of(key).get(event_type=EventType.API_KEY_CREATED)
    assert created.new_value["name"] == "CMS plugin"
    assert created.new_value["prefix"] == secret[:6]
    key.requests_per_minute = 90
    actions.do_change_api_key(key, acting_user=users["admin"])
    actions.do_change_api_key(key, acting_user=users["admin"])  # nothing changed
    changed = trail_of(key).filter(event_type=EventType.API_KEY_CHANGED)
    assert changed.count() == 1
    assert changed.get().old_value == {"requests_per_minute": 30}
    key_id = key.pk
    actions.do_remove_api_key(key, acting_user=users["admin"])
    assert not ApiKey.objects.filter(pk=key_id).exists()
    removed = AuditEvent.objects.get(event_type=EventType.API_KEY_REMOVED)
    assert removed.target_id == str(key_id)
    for event in AuditEvent.objects.all():
        assert secret not in str(event.old_value) + str(event.new_value)


def test_the_admin_form_makes_a_key_through_the_action(client_for):
    response = client_for("admin").post(
        "/admin/translation/apikey/add/",
        {"name": "Wire", "requests_per_minute": 60, "max_characters": 20000, "active": "on"},
    )
    assert response.status_code == 302
    key = ApiKey.objects.get(name="Wire")
    assert trail_of(key).filter(event_type=EventType.API_KEY_CREATED).exists()
