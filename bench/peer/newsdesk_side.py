"""newsdesk's side of bench/mt_peer.py: the pipeline as the /mt/translate API runs it.

Runs in newsdesk's virtualenv: ``.venv/bin/python bench/peer/newsdesk_side.py`` and JSON lines
on stdin (bench/peer/common.py), in a process of its own like the peer's side. It sets up
Django on a fresh SQLite site in ``NEWSDESK_DATA_DIR`` (set by the driver), builds the
CTranslate2 engine with the driver's beam, threads and compute type, and translates what the
API's view would: one ``translate_document`` call per request (an HTML or text field, or one
field per text of a list), without the quality checks (the API runs none), through the
translation memory, which is emptied before every run so that each run translates everything.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import memory_mb, serve, wrap_ctranslate2  # noqa: E402

STATE: dict[str, Any] = {}


def load(request: dict[str, Any]) -> dict[str, Any]:
    wrap_ctranslate2()
    os.environ.setdefault("SECRET_KEY", "newsdesk-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine

    engine = CTranslate2Engine(
        request["model_dir"],
        compute_type=request["compute_type"],
        inter_threads=request["inter_threads"],
        intra_threads=request["intra_threads"],
        beam_size=request["beam_size"],
        restrict_vocabulary=request.get("restrict_vocabulary", True),
        max_batch_tokens=request.get("max_batch_tokens") or 0,  # 0: the automatic budget
    )
    engine.check_pair(request["source"], request["target"])
    engine.translate(["Hallo."], request["source"], request["target"])  # loads the model
    STATE.update(engine=engine, source=request["source"], target=request["target"])
    loaded = engine._load(f"{request['source']}-{request['target']}")
    return {
        "model": engine.model_version(request["source"], request["target"]),
        "inter_threads": engine.inter_threads,
        "intra_threads": engine.intra_threads,
        "beam_size": engine.beam_size,
        "compute_type": engine.compute_type,
        "vocabulary_map": bool(loaded.use_vmap),
        "max_batch_tokens": engine.max_batch_tokens,
        "loaded_mb": memory_mb()["rss_mb"],
    }


def prepare(request: dict[str, Any]) -> None:
    from newsdesk.translation.models import MemoryEntry

    MemoryEntry.objects.all().delete()


def translate(request: dict[str, Any]) -> dict[str, Any]:
    from newsdesk.translation.pipeline import SourceField, translate_document

    kind = request["kind"]
    fields = [SourceField(str(i), text, kind == "html") for i, text in enumerate(request["texts"])]
    result = translate_document(
        fields, STATE["source"], STATE["target"], engine=STATE["engine"], run_checks=False
    )
    return {"outputs": [field.text for field in result.fields]}


if __name__ == "__main__":
    serve({"load": load, "prepare": prepare, "translate": translate})
