"""The server mode of bench/mt_peer.py: a LibreTranslate server and newsdesk's gunicorn, driven
over HTTP on 127.0.0.1 by one client, their process trees measured from /proc.

Runs in newsdesk's virtualenv (the driver's process); LibreTranslate runs from a virtualenv of
its own (``ensure_libretranslate_venv``), newsdesk's server from newsdesk's virtualenv with
gunicorn at the version of newsdesk's ``server`` extra. Both servers start with
``bench/peer/site`` on PYTHONPATH and NEWSDESK_BENCH_ENGINE_CONTROL naming a folder, so that
their engine calls go through the benchmark's wrapper and report there (bench/peer/common.py).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from bench.comments_isso import free_port
from bench.peer.common import FileControl
from bench.peer.virtualenvs import cached_virtualenv

ROOT = Path(__file__).resolve().parent.parent.parent
SITE_DIR = Path(__file__).resolve().parent / "site"
HOST = "127.0.0.1"
# LibreTranslate 1.9.6 as published, with the dependencies it pins itself (Flask, waitress,
# argos-translate-lt 1.12.1 (LibreTranslate's fork of Argos Translate), argos-translate-files,
# numpy < 2 ...). Pinned here besides: the CTranslate2 build newsdesk runs (added by
# ensure_libretranslate_venv), what those leave open, and spaCy for the sentencizer (spaCy 3.7:
# 3.8 needs numpy 2, which LibreTranslate 1.9.6 refuses on Python 3.11).
LIBRETRANSLATE_PACKAGES = [
    "libretranslate==1.9.6",
    "argos-translate-lt==1.12.1",
    "sentencepiece==0.2.3",
    "sacremoses==0.1.1",
    "minisbd==0.9.5",
    "onnxruntime==1.32.0",
    "lxml==6.1.3",
    "pymupdf==2.0",
    "spacy==3.7.5",
    "thinc==8.2.5",
]
REQUEST_TIMEOUT = 1800.0  # seconds; a full-size request on a busy machine takes tens


class ServerError(SystemExit):
    """A server would not start or answered wrongly (the message says which, with its log)."""


def ensure_libretranslate_venv(venv: Path, ctranslate2_version: str) -> Path:
    """Make (once) LibreTranslate's virtualenv with pip from PyPI; returns its python."""
    wanted = [*LIBRETRANSLATE_PACKAGES, f"ctranslate2=={ctranslate2_version}"]
    return cached_virtualenv(
        venv,
        wanted,
        [wanted],
        label="LibreTranslate's virtualenv",
        minutes="about two minutes",
    )


def gunicorn_path() -> str | None:
    """A folder to put on PYTHONPATH for gunicorn, or None when newsdesk's virtualenv has it.
    gunicorn belongs to newsdesk's ``server`` extra, which ``make install`` leaves out; the
    bench installs that version (read from pyproject.toml) into a folder of its own, once,
    rather than change newsdesk's virtualenv."""
    has = subprocess.run(
        [sys.executable, "-c", "import gunicorn"], capture_output=True, check=False
    )
    if has.returncode == 0:
        return None
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (requirement,) = [
        r for r in project["optional-dependencies"]["server"] if r.startswith("gunicorn")
    ]
    folder = Path.home() / ".cache" / "newsdesk-bench" / requirement.replace("==", "-")
    if not (folder / "gunicorn").is_dir():
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(folder)]
            + [requirement],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise SystemExit(f"cannot install {requirement}:\n{done.stderr[-2000:]}")
    return str(folder)


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux: /proc/PID/task/TID/children)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name == key:
                return int(rest.split()[0])
    except OSError:
        pass
    return 0


class Server:
    """One server process (and its children): started, asked over HTTP, measured, stopped."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], port: int, workdir: Path
    ) -> None:
        self.name = name
        self.port = port
        self.control = FileControl(workdir / f"control-{name}")
        self.control.set_mode("fixed")
        self.control.take_counts()
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={
                **env,
                "PYTHONPATH": os.pathsep.join(
                    [str(SITE_DIR), *filter(None, [env.get("PYTHONPATH")])]
                ),
                "NEWSDESK_BENCH_ENGINE_CONTROL": str(self.control.folder),
            },
            cwd=workdir,
        )

    def log_tail(self, characters: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-characters:]

    def wait_ready(self, path: str, seconds: float = 180.0) -> None:
        """Until GET ``path`` answers 200 (or the process stops, or time runs out)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"{self.name} stopped at start:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", path)
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise ServerError(f"{self.name} did not answer GET {path} in {seconds:.0f} s")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def reset_peaks(self) -> None:
        """Start a new peak resident memory in every process of the tree (clear_refs 5)."""
        for pid in self.pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def peaks_mb(self) -> list[float]:
        """Each process's peak resident memory since reset_peaks (VmHWM), server first."""
        return [_status_kb(pid, "VmHWM") / 1024 for pid in self.pids()]

    def resident_mb(self) -> list[float]:
        return [_status_kb(pid, "VmRSS") / 1024 for pid in self.pids()]

    def post(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """POST ``body`` as JSON; (the JSON answer, seconds from sending to the last byte)."""
        data = json.dumps(body).encode()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        seconds = time.perf_counter() - started
        connection.close()
        if response.status != 200:
            raise ServerError(
                f"{self.name} answered {response.status}: {payload[:500]!r}\n{self.log_tail()}"
            )
        return json.loads(payload), seconds

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _clean_environment() -> dict[str, str]:
    """The caller's environment without what would steer either server or its site."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARGOS_", "XDG_", "NEWSDESK_", "DJANGO_", "LT_", "PYTHON"))
        and k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }


def argos_environment(home: Path, *, compute_type: str, beam: int, inter: int, intra: int) -> dict:
    """Argos's settings, all its folders inside ``home`` (never the user's)."""
    # Argos caches spaCy's multilingual sentence model at import when ARGOS_CHUNK_TYPE is
    # SPACY, downloading it unless this folder exists; the package brings its own pipeline.
    (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(
        parents=True, exist_ok=True
    )
    return {
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_PACKAGES_DIR": str(home / "packages"),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_COMPUTE_TYPE": compute_type,
        "ARGOS_BEAM_SIZE": str(beam),
        "ARGOS_INTER_THREADS": str(inter),
        "ARGOS_INTRA_THREADS": str(intra),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "ARGOS_DEBUG": "0",
    }


def start_libretranslate(
    python: Path, packages: list[Path], workdir: Path, argos_env: dict[str, str]
) -> Server:
    """Install ``packages`` (.argosmodel files) into the Argos folders of ``argos_env`` with
    Argos's own installer, then start ``libretranslate`` on a free port of 127.0.0.1.

    Offline start: LibreTranslate's boot (libretranslate/init.py, ``check_and_install_models``)
    downloads Argos's package index, every package in it and MiniSBD's sentence models when
    fewer than two packages are installed (or with --update-models / --force-update-models);
    with two or more it downloads nothing. So ``packages`` holds two: the benchmark's de-en,
    and the same files as en-de, which is never asked for (its model is never loaded: Argos
    loads a model at its first translation).
    """
    # Any download would go to a closed port and fail at once instead of reaching out.
    nowhere = f"http://{HOST}:9"
    env = {**_clean_environment(), **argos_env, "HTTP_PROXY": nowhere, "HTTPS_PROXY": nowhere}
    for package in packages:
        done = subprocess.run(
            [
                str(python),
                "-c",
                "import sys, pathlib, argostranslate.package as p; "
                "p.install_from_path(pathlib.Path(sys.argv[1]))",
                str(package),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise ServerError(f"Argos could not install {package.name}:\n{done.stderr[-2000:]}")
    port = free_port()
    server = Server(
        "libretranslate",
        [str(python.parent / "libretranslate"), "--host", HOST, "--port", str(port)],
        env,
        port,
        workdir,
    )
    try:
        server.wait_ready("/languages")
        if "Updating language models" in server.log_tail(100_000):
            raise ServerError(f"LibreTranslate tried to download at start:\n{server.log_tail()}")
    except BaseException:
        server.close()
        raise
    return server


def start_newsdesk(
    site: Path, model_dir: Path, workdir: Path, engine_env: dict[str, str], workers: int
) -> tuple[Server, str]:
    """A fresh SQLite site in ``site`` (migrated, one API key made with ``newsdesk mt keys
    add``), then newsdesk's production server: gunicorn with deploy/gunicorn.conf.py on a free
    port, the production profile (NEWSDESK_ENV=production, a random SECRET_KEY,
    ALLOWED_HOSTS=127.0.0.1; no HTTPS redirect, since the bench speaks plain HTTP on
    127.0.0.1 where production has a TLS proxy in front). Returns the server and the key."""
    site.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **_clean_environment(),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "NEWSDESK_SSL_REDIRECT": "0",
        "NEWSDESK_DATA_DIR": str(site),
        "NEWSDESK_MT_MODEL_DIR": str(model_dir),
        "NEWSDESK_BIND": f"{HOST}:{port}",
        "NEWSDESK_WEB_WORKERS": str(workers),
        # A full-size request on one thread of a busy machine can outlast the default 60 s.
        "NEWSDESK_WEB_TIMEOUT": str(int(REQUEST_TIMEOUT)),
        **engine_env,
    }
    extra = gunicorn_path()
    if extra:
        env["PYTHONPATH"] = extra
    manage = [sys.executable, "-c", "from newsdesk.cli import main; main()"]
    for step in (
        [*manage, "migrate", "--verbosity", "0"],
        [*manage, "mt", "keys", "add", "1000000", "--max-characters", "10000000", "--quiet"],
    ):
        done = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise ServerError(f"{' '.join(step[3:6])} failed:\n{done.stderr[-2000:]}")
    key = done.stdout.strip().splitlines()[-1]
    server = Server(
        "newsdesk",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "newsdesk.wsgi:application",
        ],
        env,
        port,
        workdir,
    )
    try:
        server.wait_ready("/mt/languages")
    except BaseException:
        server.close()
        raise
    return server, key


def forget_translations(site: Path) -> None:
    """Empty newsdesk's translation memory (the site's SQLite database), as the in-process
    mode does before every run, so that a repeated request translates everything again."""
    with sqlite3.connect(site / "newsdesk.sqlite3", timeout=30) as connection:
        connection.execute("DELETE FROM translation_memoryentry")
