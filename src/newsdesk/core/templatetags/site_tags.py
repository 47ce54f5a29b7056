"""Template helpers for the site chrome: the language switcher."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context: Any) -> list[dict[str, Any]]:
    """One link per site language: to this page's version in that language.

    A view may put `alternates` [(language, url)] in the context (an article and its
    translated editions); otherwise the same path with the other language prefix is used.
    """
    request = context.get("request")
    current = get_language()
    alternates = dict(context.get("alternates") or [])
    links = []
    for code, name in settings.LANGUAGES:
        if code in alternates:
            url = alternates[code]
        elif request is not None:
            url = translate_url(request.path, code)
        else:
            url = f"/{code}/"
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.filter
def localized_name(obj: Any) -> str:
    """The object's name in the reader's language (objects with a name_in(language) method)."""
    return obj.name_in(get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def slot(context: Any, name: str) -> str:
    """Render what higher apps registered for this slot (core.hooks.fills_slot); empty if none."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from newsdesk.core.hooks import slot_fillers

    parts = [conditional_escape(filler(context)) for filler in slot_fillers(name)]
    return mark_safe("".join(parts))  # noqa: S308 - each part is escaped unless marked safe


@register.simple_tag
def slot_filled(name: str) -> bool:
    from newsdesk.core.hooks import slot_fillers

    return bool(slot_fillers(name))
