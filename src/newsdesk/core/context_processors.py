"""Template context every page needs: the site's name and address, where e-mails go."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # The demo (and any site without a mail server) prints e-mails on the console:
        # pages that promise an e-mail say where it went.
        "EMAILS_ON_CONSOLE": emails_on_console(),
    }


def emails_on_console() -> bool:
    """Whether e-mails are printed on the console instead of sent (Django's console backend,
    as EMAIL_BACKEND named it when the settings were read)."""
    return bool(getattr(settings, "NEWSDESK_EMAILS_ON_CONSOLE", False))
