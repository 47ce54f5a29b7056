"""Moderation: screening of every comment, the moderators' workspace, sanctions, the classifier."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "newsdesk.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from newsdesk.core.roles import ADMIN, MODERATOR, register_role_apps
        from newsdesk.moderation import demo, reader, receivers  # noqa: F401  (demo hook)

        register_role_apps(MODERATOR, "moderation")
        register_role_apps(ADMIN, "moderation")
        receivers.connect()
        reader.register()
