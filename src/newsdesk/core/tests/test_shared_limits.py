"""Many web processes, one truth: a per-address limit holds across two real servers.

Two ``newsdesk serve`` processes on 127.0.0.1 share the test database (PostgreSQL run). The
machine-translation API allows an anonymous address 6 requests a minute, counted in the
database (core.counters): sent alternately to both servers, an address's 7th request is
refused with 429 whichever server gets it, while another address still gets through. (Each
process counting on its own would let 12 through.) docs/scaling.md lists every limit,
throttle, cache and lock and how it is shared.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newsdesk.core.tests.processes import needs_postgres, process_env, stop, wait_for

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]
PER_MINUTE = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = process_env(
        NEWSDESK_MT_ENGINE="dummy",
        NEWSDESK_MT_API_KEYS_REQUIRED="0",
        NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE=str(PER_MINUTE),
        NEWSDESK_TRUSTED_PROXIES="1",  # the tests name the client in X-Forwarded-For
        LOG_LEVEL="WARNING",
    )
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "serve", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def translate(port: int, address: str) -> int:
    data = urllib.parse.urlencode({"q": "Haus", "source": "de", "target": "en"}).encode()
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        f"http://127.0.0.1:{port}/mt/translate",
        data=data,
        headers={"X-Forwarded-For": address},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.timeout(180)
def test_a_per_address_limit_holds_across_two_server_processes(tmp_path):
    ports = [free_port(), free_port()]
    servers = [serve(port, tmp_path / f"serve-{port}.log") for port in ports]
    try:
        for port in ports:
            wait_for(lambda port=port: answers(port), 60, pause=0.2)
        if time.time() % 60 > 45:  # all requests inside one fixed one-minute window
            time.sleep(61 - time.time() % 60)
        statuses = [translate(ports[number % 2], "203.0.113.7") for number in range(PER_MINUTE)]
        assert statuses == [200] * PER_MINUTE
        # Over the limit on both servers, although each has seen only half the requests.
        assert [translate(port, "203.0.113.7") for port in ports] == [429, 429]
        assert translate(ports[1], "198.51.100.20") == 200  # another address
    finally:
        for server in servers:
            stop(server)
