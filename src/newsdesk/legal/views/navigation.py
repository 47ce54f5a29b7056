"""The legal channels in other apps' pages through template slots: the legal team's pages in
the moderators' navigation ("moderation_nav"), a case for the authorities beside each
workspace item ("moderation_item_tools"), and the terms, privacy and netiquette pages in the
site's footer ("site_footer"). Registered from ``receivers.connect()``."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from newsdesk.community.actions import can_moderate
from newsdesk.legal import parts

# (part, URL name, the section its page sets, label) in the order the navigation shows them.
TEAM_PAGES: list[tuple[str, str, str, str | Promise]] = [
    ("notices", "legal:notices", "notices", gettext_lazy("Notices")),
    ("complaints", "legal:complaints", "complaints", gettext_lazy("Complaints")),
    ("misuse", "legal:misuse", "misuse", gettext_lazy("Misuse")),
    ("data_rights", "legal:holds", "holds", gettext_lazy("Legal holds")),
    ("authorities", "legal:authority_cases", "authorities", gettext_lazy("Authority cases")),
    (
        "transparency_report",
        "legal:transparency_report",
        "report",
        gettext_lazy("Transparency report"),
    ),
]

FOOTER_PAGES: list[tuple[str, str | Promise]] = [
    ("legal:terms", gettext_lazy("Terms of use")),
    ("legal:privacy", gettext_lazy("Privacy")),
    ("legal:netiquette", gettext_lazy("Netiquette")),
]


def _empty() -> SafeString:
    return mark_safe("")  # noqa: S308 - nothing


def _moderator(context: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and can_moderate(user)


def moderation_nav(context: Any) -> SafeString:
    """List items for the moderators' navigation: the legal team's pages whose part is on
    (moderators and admins only; the current page marked)."""
    if not _moderator(context):
        return _empty()
    section = context.get("section")
    links = [
        {"url": reverse(name), "label": label, "current": section == current}
        for part, name, current, label in TEAM_PAGES
        if parts.enabled(part)
    ]
    html = render_to_string("legal/nav/_moderation_nav.html", {"links": links})
    return mark_safe(html)  # noqa: S308 - a template, escaped


def item_tools(context: Any) -> SafeString:
    """Beside a workspace item: open a case for the authorities about its comment."""
    comment = context.get("comment")
    if comment is None or not parts.enabled("authorities") or not _moderator(context):
        return _empty()
    html = render_to_string(
        "legal/nav/_item_tools.html",
        {"url": f"{reverse('legal:open_authority_case')}?comment={comment.pk}", "comment": comment},
    )
    return mark_safe(html)  # noqa: S308 - a template, escaped


def site_footer(context: Any) -> SafeString:
    """The footer's links to the terms of use, the privacy notice and the netiquette."""
    if not parts.enabled("terms"):
        return _empty()
    links = [{"url": reverse(name), "label": label} for name, label in FOOTER_PAGES]
    html = render_to_string("legal/nav/_footer.html", {"links": links})
    return mark_safe(html)  # noqa: S308 - a template, escaped


FILLERS = (
    ("moderation_nav", moderation_nav),
    ("moderation_item_tools", item_tools),
    ("site_footer", site_footer),
)
