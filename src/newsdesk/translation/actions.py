"""Changes to the translation API's keys: made, changed and removed through these actions.

Each ``do_<verb>_api_key`` works in one transaction with one audit event
(``newsdesk.core.audit``); the trail keeps the key's name, prefix and limits, never the key.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newsdesk.core.actors import Actor
from newsdesk.core.audit import EventType, record_event
from newsdesk.translation.models import ApiKey

AUDITED_FIELDS = ("name", "prefix", "requests_per_minute", "max_characters", "active")


def _values(key: ApiKey) -> dict[str, Any]:
    return {name: getattr(key, name) for name in AUDITED_FIELDS}


def do_create_api_key(key: ApiKey, *, acting_user: Actor) -> str:
    """Store ``key`` (an unsaved ApiKey with name and limits) with a fresh secret; returns the
    secret, which is shown once and never stored (only its SHA-256). Refuses nothing."""
    with transaction.atomic():
        secret = key.set_new_key()
        key.save(force_insert=True)
        record_event(EventType.API_KEY_CREATED, actor=acting_user, target=key, new=_values(key))
    return secret


def do_change_api_key(key: ApiKey, *, acting_user: Actor) -> ApiKey:
    """Save the edited limits, name or state of ``key``; records the fields that changed
    (nothing when none did). Refuses nothing."""
    with transaction.atomic():
        before = _values(ApiKey.objects.select_for_update().get(pk=key.pk))
        after = _values(key)
        changed = [name for name in AUDITED_FIELDS if before[name] != after[name]]
        if not changed:
            return key
        key.save(update_fields=[name for name in changed if name != "prefix"])
        record_event(
            EventType.API_KEY_CHANGED,
            actor=acting_user,
            target=key,
            old={name: before[name] for name in changed},
            new={name: after[name] for name in changed},
        )
    return key


def do_remove_api_key(key: ApiKey, *, acting_user: Actor) -> None:
    """Delete ``key``: clients using it are refused from now on. Refuses nothing."""
    with transaction.atomic():
        record_event(EventType.API_KEY_REMOVED, actor=acting_user, target=key, old=_values(key))
        key.delete()
