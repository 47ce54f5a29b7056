"""Puts bench/mt_peer.py's engine wrapper into a server's processes (its --server mode).

The driver starts both servers (LibreTranslate, newsdesk's gunicorn) with this folder first on
PYTHONPATH, so Python imports this module at start-up in every process of the server, workers
included. When NEWSDESK_BENCH_ENGINE_CONTROL names a folder, every ctranslate2.Translator made
afterwards decodes by the benchmark's rule and reports to that folder (bench/peer/common.py);
without it, nothing changes. Standard library only, like common.py, which is loaded under a
name of its own so that it cannot stand in for a server's module called ``common``.
"""

import importlib.util
import os
import sys
from pathlib import Path

if os.environ.get("NEWSDESK_BENCH_ENGINE_CONTROL"):
    _path = Path(__file__).resolve().parent.parent / "common.py"
    _spec = importlib.util.spec_from_file_location("newsdesk_bench_common", _path)
    assert _spec and _spec.loader
    _common = importlib.util.module_from_spec(_spec)
    sys.modules["newsdesk_bench_common"] = _common
    _spec.loader.exec_module(_common)
    _common.wrap_from_environment()
