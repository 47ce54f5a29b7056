"""Readiness checks of the apps above core, named in ``settings.NEWSDESK_READINESS_CHECKS``
and run by :func:`newsdesk.core.health.ready` (core cannot import the apps itself)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from newsdesk.translation.modelstore import installed_models

CTRANSLATE2_ENGINE = "newsdesk.translation.engines.ctranslate2.CTranslate2Engine"


def check_model_store() -> dict[str, Any]:
    """The translation model store (``NEWSDESK_MT_MODEL_DIR``) can be read, and which models it
    holds: {"engine": class name, "installed": ["de-en", ...]}. Raises OSError when the
    CTranslate2 engine is configured and the directory is missing or unreadable; other engines
    do not use the store, which is then only listed where it exists."""
    engine = str(settings.NEWSDESK_TRANSLATION_ENGINE["CLASS"])
    directory = settings.NEWSDESK_MODEL_DIR
    usable = directory.is_dir() and os.access(directory, os.R_OK | os.X_OK)
    if not usable and engine == CTRANSLATE2_ENGINE:
        raise FileNotFoundError(f"model store {directory} is missing or cannot be read")
    installed = [model.pair for model in installed_models(directory)] if usable else []
    return {"engine": engine.rsplit(".", 1)[-1], "installed": sorted(installed)}
