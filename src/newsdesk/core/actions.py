"""Changes to staff accounts' roles and access, recorded in the audit trail.

The back office's user form saves the account (Django's ``UserAdmin``); the change of roles
(groups), direct permissions and the active/staff/superuser flags is recorded here, in the
same transaction, by comparing :func:`access_of` before and after.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from newsdesk.core.actors import Actor
from newsdesk.core.audit import EventType, record_event


def access_of(user: User) -> dict[str, Any]:
    """What an account may do: its roles (group names), direct permissions
    (``app_label.codename``) and the is_active / is_staff / is_superuser flags."""
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def do_record_access_change(
    user: User, *, before: dict[str, Any] | None, acting_user: Actor
) -> bool:
    """Record the change of ``user``'s access since ``before`` (None: a new account); returns
    whether anything changed. Only the parts that changed are recorded. Refuses nothing."""
    after = access_of(user)
    old = before or {}
    changed = [name for name in after if old.get(name) != after[name]]
    if not changed:
        return False
    with transaction.atomic():
        record_event(
            EventType.USER_ACCESS_CHANGED,
            actor=acting_user,
            target=user,
            old={name: old.get(name) for name in changed} if before is not None else None,
            new={name: after[name] for name in changed},
        )
    return True
