"""Language codes as clients write them and language names as people read them."""

from __future__ import annotations

from django.utils.translation import get_language_info


def language_name(code: str) -> str:
    """The language's name in the active language ("German", or "Deutsch" in German): every
    name in one language, as LibreTranslate names them."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def resolve_language(code: str, known: set[str]) -> str | None:
    """The engine's language for a client's code: BCP 47, case-insensitive, ``_`` read as
    ``-``; an exact match first (an engine may name ``pt-BR`` itself), else the language
    subtag (``de-AT`` → ``de``). None if the engine has neither."""
    spelled = code.strip().replace("_", "-").lower()
    if spelled in known:
        return spelled
    primary = spelled.split("-", 1)[0]
    return primary if primary in known else None
