"""The legal channels: notice and action (DSA Art. 16), statements of reasons (Art. 17) and
their export to the EU Transparency Database (Art. 24(5)), internal complaints (Art. 20),
misuse (Art. 23), suspected crimes and requests from authorities (Art. 18), transparency
reports (Art. 15/24), the reader's data rights (GDPR) and versioned terms."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "newsdesk.legal"
    label = "legal"
    verbose_name = _("Legal channels")

    def ready(self) -> None:
        from newsdesk.core.roles import ADMIN, MODERATOR, register_role_apps

        register_role_apps(MODERATOR, "legal")
        register_role_apps(ADMIN, "legal")
        from newsdesk.legal import checks  # noqa: F401  (registers the system checks)
        from newsdesk.legal.actions.notices import follow_moderation_decision
        from newsdesk.moderation.signals import decision_made

        decision_made.connect(follow_moderation_decision, dispatch_uid="legal-notices")

        # Data rights, holds, retention and terms: erasure hooks, the settings page's
        # links, the daily retention sweep, the posting guard for new terms; the demo.
        from newsdesk.legal import data_rights, demo, tasks, terms  # noqa: F401
        from newsdesk.legal.views import data as data_views

        data_rights.register()
        data_views.register()

        from newsdesk.legal import receivers

        receivers.connect()
