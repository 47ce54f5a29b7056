"""The staff roles (editor, moderator, admin) as Django groups with their permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from newsdesk.core.actors import AnyUser

EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"

# Which app labels' model permissions each role gets. Apps that arrive later (community,
# moderation, editions) add themselves here by registering in ROLE_APPS before migrate.
ROLE_APPS: dict[str, set[str]] = {
    EDITOR: {"newsroom"},
    MODERATOR: set(),
    ADMIN: {"core", "newsroom", "auth", "django_tasks_db"},
}


def register_role_apps(role: str, *app_labels: str) -> None:
    """Let a capability's app grant its model permissions to a role."""
    ROLE_APPS.setdefault(role, set()).update(app_labels)


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and give them their permissions (idempotent; runs after migrate)."""
    for role, labels in ROLE_APPS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if not labels:
            continue
        query = Q()
        for label in labels:
            query |= Q(content_type__app_label=label)
        group.permissions.add(*Permission.objects.filter(query))


def user_has_role(user: AnyUser, role: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()
