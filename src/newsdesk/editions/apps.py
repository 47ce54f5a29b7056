"""Translated editions of articles: the publish-time workflow, reader pages, back office."""

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class EditionsConfig(AppConfig):
    name = "newsdesk.editions"
    label = "editions"
    verbose_name = _("Translated editions")

    def ready(self) -> None:
        from newsdesk.core.roles import ADMIN, EDITOR, register_role_apps
        from newsdesk.editions import demo, reader, receivers, tasks  # noqa: F401

        register_role_apps(EDITOR, "editions")
        register_role_apps(ADMIN, "editions")
        reader.register()
        receivers.connect()
        from newsdesk.core.hooks import fills_slot, slot_fillers
        from newsdesk.editions.admin import article_tools

        if article_tools not in slot_fillers("article_admin_tools"):
            fills_slot("article_admin_tools")(article_tools)
        if apps.is_installed("newsdesk.community"):
            from newsdesk.community.actions import original_article_resolvers
            from newsdesk.editions.comments import resolve_original, translation_script

            if resolve_original not in original_article_resolvers:
                original_article_resolvers.append(resolve_original)
            # "Show translation": on article pages, and on the community's own pages
            # (permalink, discussion, widget frame) where they show comments in another
            # language than the page's.
            for name in ("article_comments", "comments_in_other_languages"):
                if translation_script not in slot_fillers(name):
                    fills_slot(name)(translation_script)
