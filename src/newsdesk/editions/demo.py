"""The demo translates: install the de→en model when its host answers, else say what to do."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.conf import settings
from django.utils.translation import gettext as _

from newsdesk.core.hooks import provides_demo_content

DEMO_PAIR = "de-en"


def missing_pairs() -> list[str]:
    """Site language pairs the configured engine cannot translate ("de-en", ...)."""
    from newsdesk.translation.engines import get_engine

    try:
        engine = get_engine()
        pairs = engine.language_pairs()
    except Exception:  # noqa: BLE001 - a broken engine configuration: every pair is missing
        pairs = set()
    codes = [code for code, _name in settings.LANGUAGES]
    wanted = [f"{a}-{b}" for a in codes for b in codes if a != b]
    return [pair for pair in wanted if tuple(pair.split("-")) not in pairs]


def waiting_notice(pairs: list[str]) -> str:
    return _(
        "Translated editions wait for a translation model (%(pairs)s). Install one with "
        "“newsdesk models install %(first)s”, or offline with “newsdesk models install "
        "%(first)s --from FILE” (a downloaded OPUS-MT release); the waiting editions start "
        "as soon as it is installed."
    ) % {"pairs": ", ".join(pairs), "first": pairs[0] if pairs else DEMO_PAIR}


def _host_reachable(timeout: float = 3.0) -> tuple[bool, str]:
    import httpx

    from newsdesk.translation import modelstore

    try:
        release = modelstore.resolve_release(
            DEMO_PAIR, settings.NEWSDESK_MODEL_INDEX_URL, timeout=timeout
        )
        response = httpx.head(release["url"], timeout=timeout, follow_redirects=True)
    except (modelstore.ModelError, httpx.HTTPError) as exc:
        return False, str(exc)
    if response.status_code >= 400:
        return False, f"{release['url']} answered HTTP {response.status_code}"
    return True, ""


def install_demo_model(out: TextIO | None = None) -> bool:
    """Install de→en through `newsdesk models install` (with its progress bar) if possible.

    Returns whether the pair can be translated afterwards; never raises, so the demo starts
    either way.
    """
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = out or sys.stdout
    if DEMO_PAIR not in missing_pairs():
        return True
    if "ctranslate2" not in str(settings.NEWSDESK_TRANSLATION_ENGINE.get("CLASS", "")):
        out.write(waiting_notice(missing_pairs()) + "\n")
        return False
    reachable, why = _host_reachable()
    if reachable:
        out.write(
            _("Installing the %(pair)s translation model for the demo …") % {"pair": DEMO_PAIR}
            + "\n"
        )
        try:
            call_command("models", "install", DEMO_PAIR, stdout=out)
        except CommandError as exc:
            why = str(exc)
        else:
            return DEMO_PAIR not in missing_pairs()
    out.write(
        _("The model host cannot be reached (%(why)s).") % {"why": why}
        + "\n"
        + waiting_notice(missing_pairs() or [DEMO_PAIR])
        + "\n"
    )
    return False


@provides_demo_content
def demo_model(**kwargs: Any) -> None:
    install_demo_model()
