"""The staff roles (editor, moderator, admin) as Django groups with their permissions."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from newsdesk.core.actors import AnyUser

logger = logging.getLogger(__name__)

EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"

# Which app labels' model permissions each role gets. Apps that arrive later (community,
# moderation, editions) add themselves here by registering in ROLE_APPS before migrate.
# These are app *labels*, not module names: django_tasks_db's label is
# "django_tasks_database" (its task list), allauth.account's is "account" (readers' e-mail
# addresses, which the admin role verifies and corrects). unknown_role_apps() checks them.
ROLE_APPS: dict[str, set[str]] = {
    EDITOR: {"newsroom"},
    MODERATOR: set(),
    ADMIN: {"core", "newsroom", "auth", "django_tasks_database", "account"},
}


def register_role_apps(role: str, *app_labels: str) -> None:
    """Let a capability's app grant its model permissions to a role."""
    ROLE_APPS.setdefault(role, set()).update(app_labels)


def unknown_role_apps() -> dict[str, set[str]]:
    """{role: labels} of the ROLE_APPS entries that name no installed app (a typo, or a
    module name instead of a label): such a role silently gets no permission for them."""
    installed = {config.label for config in apps.get_app_configs()}
    return {role: unknown for role, labels in ROLE_APPS.items() if (unknown := labels - installed)}


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and give them their permissions (idempotent; runs after migrate)."""
    for role, labels in unknown_role_apps().items():
        logger.error("role %s names app labels that are not installed: %s", role, labels)
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
