"""System checks of the legal channels' settings (run by every management command and at
server start): a misspelt part name in NEWSDESK_LEGAL_OFF would switch nothing off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from newsdesk.legal.parts import PARTS


@register()
def unknown_parts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """legal.E001 for each name in NEWSDESK_LEGAL_OFF that is not a part of parts.PARTS."""
    unknown = [name for name in getattr(settings, "NEWSDESK_LEGAL_OFF", ()) if name not in PARTS]
    return [
        Error(
            f"NEWSDESK_LEGAL_OFF names “{name}”, which is no part of the legal channels.",
            hint="Use these names: " + ", ".join(sorted(PARTS)),
            id="legal.E001",
        )
        for name in unknown
    ]
