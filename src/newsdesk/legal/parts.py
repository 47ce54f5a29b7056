"""Which parts of the legal channels run: each can be switched off by the operator (small and
micro enterprises are exempt from some articles, DSA Art. 19 and 29). All are on by default
and in the demo.

Setting ``NEWSDESK_LEGAL_OFF``: a comma-separated list of part names (environment variable of
the same name), e.g. ``NEWSDESK_LEGAL_OFF=transparency_database,misuse``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

# part name -> what it is (the DSA article it implements)
PARTS: dict[str, str] = {
    "notices": "notice and action, trusted flaggers (Art. 16, 22)",
    "statements": "statements of reasons (Art. 17)",
    "transparency_database": "export to the EU Transparency Database (Art. 24(5))",
    "complaints": "internal complaint handling (Art. 20)",
    "misuse": "measures against misuse (Art. 23)",
    "authorities": "suspected criminal offences, requests for data (Art. 18)",
    "transparency_report": "transparency reports (Art. 15, 24)",
    "data_rights": "the reader's data: export, erasure, legal holds, retention (GDPR)",
    "terms": "versioned terms, netiquette and privacy pages",
}


def enabled(part: str) -> bool:
    """Whether ``part`` runs. Raises ``KeyError`` for a name that is not in ``PARTS``."""
    if part not in PARTS:
        raise KeyError(part)
    return part not in set(getattr(settings, "NEWSDESK_LEGAL_OFF", ()))


def require(part: str) -> None:
    """For views: a part that is switched off is not there (404)."""
    if not enabled(part):
        raise Http404(f"{part} is switched off")
