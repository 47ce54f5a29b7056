"""Site-wide pieces: roles, security headers, page chrome and the command-line entry points."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "newsdesk.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from newsdesk.core import availability
        from newsdesk.core.roles import ensure_roles

        availability.connect()
        post_migrate.connect(ensure_roles, dispatch_uid="newsdesk-ensure-roles")
