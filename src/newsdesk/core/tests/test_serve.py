"""`newsdesk serve`: the server command line it builds, and its refusals.

(A real server answering real requests is covered by tests/test_bench_smoke.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.core.management.commands import serve


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),  # noqa: S104 - a bind address in a test
        ("[::1]:8443", ("::1", 8443)),
        ("localhost:65535", ("localhost", 65535)),
    ],
)
def test_bind_is_parsed(bind: str, expected: tuple[str, int]) -> None:
    assert serve.parse_bind(bind) == expected


@pytest.mark.parametrize("bind", ["8000", ":8000", "127.0.0.1", "127.0.0.1:http", "h:0", "h:70000"])
def test_bad_bind_is_refused_with_the_format(bind: str) -> None:
    with pytest.raises(CommandError, match="HOST:PORT"):
        serve.parse_bind(bind)


def test_argv_runs_the_wsgi_application_with_the_given_processes() -> None:
    argv = serve.server_argv("127.0.0.1:9000", 3, 2)
    assert argv[1:3] == ["-m", "granian"]
    assert argv[-1] == "newsdesk.wsgi:application"
    pairs = dict(zip(argv, argv[1:], strict=False))
    assert pairs["--interface"] == "wsgi"
    assert pairs["--host"] == "127.0.0.1"
    assert pairs["--port"] == "9000"
    assert pairs["--workers"] == "3"
    assert pairs["--blocking-threads"] == "2"
    assert "--no-access-log" in argv
    assert "--access-log" in serve.server_argv("127.0.0.1:9000", 1, 1, access_log=True)


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> Any:
        calls.append(argv)

    monkeypatch.setattr(serve.os, "execv", fake_execv)
    for name in ("WEB_WORKERS", "WEB_THREADS", "WEB_ACCESS_LOG", "NEWSDESK_BIND"):
        monkeypatch.delenv(name, raising=False)
    return calls


def test_command_defaults_and_environment(
    executed: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("serve")
    pairs = dict(zip(executed[0], executed[0][1:], strict=False))
    assert (pairs["--host"], pairs["--port"]) == ("127.0.0.1", "8000")
    assert pairs["--workers"] == "2"
    assert pairs["--blocking-threads"] == str(serve.DEFAULT_THREADS)
    monkeypatch.setenv("WEB_WORKERS", "4")
    monkeypatch.setenv("WEB_THREADS", "3")
    monkeypatch.setenv("WEB_ACCESS_LOG", "1")
    call_command("serve", "--bind", "127.0.0.1:8123")
    pairs = dict(zip(executed[1], executed[1][1:], strict=False))
    assert (pairs["--port"], pairs["--workers"], pairs["--blocking-threads"]) == ("8123", "4", "3")
    assert "--access-log" in executed[1]


@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        (["--workers", "0"], {}, "at least 1"),
        (["--threads", "0"], {}, "at least 1"),
        ([], {"WEB_WORKERS": "many"}, "WEB_WORKERS='many' is not a whole number"),
        ([], {"WEB_THREADS": "-1"}, "WEB_THREADS=-1 is below the minimum of 1"),
        ([], {"WEB_ACCESS_LOG": "maybe"}, "WEB_ACCESS_LOG='maybe' is not a boolean"),
        (["--bind", "nowhere"], {}, "HOST:PORT"),
    ],
)
def test_command_refuses_bad_settings(
    executed: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    environment: dict[str, str],
    message: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError, match=message):
        call_command("serve", *arguments)
    assert executed == []


ECHO_APP = """
from newsdesk.wsgi import without_process_environment

def echo(environ, start_response):
    body = "\\n".join(sorted(key for key in environ if key.isupper())).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]

bare = echo
wrapped = without_process_environment(echo)
"""


@pytest.mark.timeout(90)
@pytest.mark.parametrize("target", ["bare", "wrapped"])
def test_process_environment_stays_out_of_requests(tmp_path, target: str) -> None:
    """Granian copies the server's environment into every request (request.META would show
    DATABASE_URL and the like); the application the site serves drops it again."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    (tmp_path / "echo_app.py").write_text(ECHO_APP, encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "NEWSDESK_PROBE_SECRET": "do-not-show",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test-" + "x" * 40,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--working-dir",
            str(tmp_path),
            f"echo_app:{target}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/a?b=1", headers={"X-Custom": "from-request"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    keys = set(response.read().decode().split())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert {"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "REMOTE_ADDR"} <= keys
    assert "HTTP_X_CUSTOM" in keys
    if target == "bare":
        assert "NEWSDESK_PROBE_SECRET" in keys  # what the server does by itself
    else:
        assert "NEWSDESK_PROBE_SECRET" not in keys
        assert "SECRET_KEY" not in keys and "PATH" not in keys
