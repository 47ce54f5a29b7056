"""The peer's side of bench/mt_peer.py: Argos Translate 1.11 answering as LibreTranslate does.

Runs in the peer's own virtualenv (made by bench/mt_peer.py), never in newsdesk's:
``peer-venv/bin/python bench/peer/argos_side.py`` and JSON lines on stdin (bench/peer/common.py).
Argos reads its settings from the environment, which the driver sets before starting this
process: ARGOS_PACKAGES_DIR and XDG_DATA_HOME/XDG_CONFIG_HOME/XDG_CACHE_HOME in a temporary
folder (never the user's), ARGOS_DEVICE_TYPE, ARGOS_COMPUTE_TYPE, ARGOS_BEAM_SIZE,
ARGOS_INTER_THREADS, ARGOS_INTRA_THREADS, and ARGOS_CHUNK_TYPE=SPACY (see mt_peer.py: the
rule-based spaCy sentencizer, since MiniSBD's and Stanza's models are downloaded at run time).

What a LibreTranslate server (1.9) does with ``POST /translate``, done here in-process without
the HTTP server around it: ``format=html`` goes through ``translatehtml.translate_html`` (the
same code as argos-translate-files' translatehtml, which LibreTranslate imports): BeautifulSoup
parses the HTML and every text node is translated on its own; the result is serialised and then
``html.unescape``d. ``format=text`` is ``hypotheses(q, 1)`` (Argos cuts it into lines, and each
line into sentences) and ``html.unescape``. A list ``q`` is translated text by text.
LibreTranslate's cosmetic touch-up of the final punctuation (no engine work) is left out.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import memory_mb, serve, wrap_ctranslate2  # noqa: E402

STATE: dict[str, Any] = {}


def load(request: dict[str, Any]) -> dict[str, Any]:
    """Install the .argosmodel into Argos's (temporary) package folder and load the model."""
    wrap_ctranslate2()
    import argostranslate.package
    import argostranslate.translate
    from argostranslate import settings

    if not any(
        p.from_code == request["source"] and p.to_code == request["target"]
        for p in argostranslate.package.get_installed_packages()
    ):
        argostranslate.package.install_from_path(Path(request["package"]))
    argostranslate.translate.get_installed_languages.cache_clear()
    translation = argostranslate.translate.get_translation_from_codes(
        request["source"], request["target"]
    )
    if translation is None:
        raise RuntimeError("Argos has no translation for the installed package")
    translation.hypotheses("Hallo.", 1)  # loads the model and the sentencizer
    STATE["translation"] = translation
    from translatehtml import translate_html

    STATE["translate_html"] = translate_html
    return {
        "package_dir": str(settings.package_data_dir),
        "chunk_type": settings.chunk_type.name,
        "sentencizer": str(translation.underlying.sentencizer),
        "beam_size": settings.beam_size,
        "inter_threads": settings.inter_threads,
        "intra_threads": settings.intra_threads,
        "compute_type": settings.compute_type,
        "batch_size": settings.batch_size,
        "loaded_mb": memory_mb()["rss_mb"],
    }


def prepare(request: dict[str, Any]) -> None:
    # Argos keeps the previous call's paragraphs (CachedTranslation); newsdesk's side empties
    # its translation memory before each run, so this side forgets too.
    STATE["translation"].cache = {}


def _one(text: str, kind: str) -> str:
    translation = STATE["translation"]
    if kind == "html":
        return html.unescape(str(STATE["translate_html"](translation, text)))
    return html.unescape(translation.hypotheses(text, 1)[0].value)


def translate(request: dict[str, Any]) -> dict[str, Any]:
    kind = request["kind"]
    return {
        "outputs": [_one(text, "text" if kind == "batch" else kind) for text in request["texts"]]
    }


if __name__ == "__main__":
    serve({"load": load, "prepare": prepare, "translate": translate})
