"""`newsdesk serve` on a fresh installation (issue 11 item 11): without `collectstatic` every
page answered 500; now the server collects the static files at its start, or says what to run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(NEWSDESK_DATA_DIR=str(tmp_path / "var"), NEWSDESK_PLAIN_STATIC="0", **extra)
    (tmp_path / "var").mkdir(exist_ok=True)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str, deadline: float) -> int:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_a_fresh_serve_collects_the_static_files_and_pages_work(tmp_path):
    env = _environment(tmp_path)
    subprocess.run([NEWSDESK, "migrate", "-v0"], env=env, cwd=tmp_path, check=True, timeout=120)
    assert not (tmp_path / "var" / "static").exists() or not any(
        (tmp_path / "var" / "static").iterdir()
    )
    port = _free_port()
    server = subprocess.Popen(
        [NEWSDESK, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        assert _status(f"http://127.0.0.1:{port}/de/", deadline) == 200
        assert _status(f"http://127.0.0.1:{port}/admin/login/", deadline) == 200
    finally:
        server.terminate()
        output, _errors = server.communicate(timeout=30)
    assert "Collecting static files" in output
    assert (tmp_path / "var" / "static" / "staticfiles.json").exists()


def test_serve_says_what_to_run_when_it_cannot_collect(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = subprocess.run(
        [NEWSDESK, "serve", "--bind", "127.0.0.1:1"],
        env=_environment(tmp_path, STATIC_ROOT=str(blocker / "static")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "newsdesk collectstatic" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_serve_help_collects_nothing(tmp_path, flag):
    result = subprocess.run(
        [NEWSDESK, "serve", flag],
        env=_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Collecting" not in result.stdout


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("", "Translated editions"),
        ("C.UTF-8", "Translated editions"),
        ("de_AT.UTF-8", "Übersetzte"),
    ],
)
def test_command_line_output_follows_the_operators_locale(tmp_path, locale, expected):
    """Issue 11 item 14: the demo's model warning came in German (the site's language) amid
    English output; the console now speaks the operator's language, English by default."""
    env = _environment(tmp_path)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        env.pop(name, None)
    if locale:
        env["LANG"] = locale
    script = "from django.utils.translation import gettext; print(gettext('Translated editions'))"
    result = subprocess.run(
        [NEWSDESK, "shell", "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1].startswith(expected), result.stderr
