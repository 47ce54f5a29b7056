"""Language choices for model fields: the site's languages, or every language the site knows."""

from __future__ import annotations

from django.conf import settings


def site_language_choices() -> list[tuple[str, str]]:
    """(code, name) of the site's languages (``NEWSDESK_LANGUAGES``), in their order."""
    return list(settings.LANGUAGES)


def known_language_choices() -> list[tuple[str, str]]:
    """(code, name) of every language the site can name (``KNOWN_LANGUAGES``), sorted by code."""
    return sorted(settings.KNOWN_LANGUAGES.items())


def default_language() -> str:
    """The site's default language code (``LANGUAGE_CODE``)."""
    return str(settings.LANGUAGE_CODE)
