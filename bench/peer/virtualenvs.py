"""The benchmark's own virtualenvs (the peer's, LibreTranslate's), built once and reused.

A virtualenv is reused while the stamp file in it records exactly the packages wanted now;
otherwise it is built again from PyPI. Never newsdesk's runtime: these hold the peers only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

STAMP = "newsdesk-bench.json"


def cached_virtualenv(
    venv: Path,
    wanted: list[str],
    installs: list[list[str]],
    *,
    label: str,
    minutes: str,
    finish: Callable[[Path], None] | None = None,
) -> Path:
    """The python of ``venv``, built first where its stamp does not record ``wanted``: a
    virtualenv, then ``pip install -q`` with each argument list of ``installs``, then
    ``finish(python)``. Prints one line while it builds (``label``, ``minutes`` it takes).

    Raises SystemExit "cannot build <label> (...)" with pip's last output when a step fails;
    the half-built folder is removed.
    """
    stamp = venv / STAMP
    python = venv / "bin" / "python"
    if stamp.exists() and python.exists() and json.loads(stamp.read_text()) == wanted:
        return python
    print(f"building {label} in {venv} (once; {minutes})", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [[sys.executable, "-m", "venv", str(venv)]] + [
        [str(python), "-m", "pip", "install", "-q", *arguments] for arguments in installs
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise SystemExit(
                f"cannot build {label} ({' '.join(step[:5])} ...):\n"
                f"{(done.stdout + done.stderr)[-2000:]}"
            )
    if finish is not None:
        finish(python)
    stamp.write_text(json.dumps(wanted))
    return python
