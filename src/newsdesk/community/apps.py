"""The reader community: accounts, threaded comments, opening hours and the embeddable widget."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "newsdesk.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from newsdesk.community import demo, receivers, slots  # noqa: F401  (hooks)
        from newsdesk.core.roles import register_role_apps

        register_role_apps("moderator", "community")
        register_role_apps("admin", "community")
        receivers.connect()
