"""The translation capability: engines, document pipeline, glossary, memory and the HTTP API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationConfig(AppConfig):
    name = "newsdesk.translation"
    label = "translation"
    verbose_name = _("Translation")

    def ready(self) -> None:
        from newsdesk.core.roles import ADMIN, EDITOR, register_role_apps

        # Editors keep the glossary and correct the memory; admins also manage API keys.
        register_role_apps(EDITOR, "translation")
        register_role_apps(ADMIN, "translation")
