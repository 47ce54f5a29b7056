"""The load benchmark (bench/serve_load.py): a quick real run, and its error accounting."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import serve_load

REPO = Path(__file__).resolve().parent.parent
ROWS = [
    (target, cache)
    for cache in ("on", "off")
    for target in ("static CSS", "article page", "front page")
]


def table_rows(output: str) -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 10 and (cells[0], cells[1]) in ROWS:
            rows[(cells[0], cells[1])] = cells
    return rows


# About 20 s on a quiet 2-core machine; the limits leave room for a busy one.
@pytest.mark.timeout(180)
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the benchmark builds its own SQLite site; the SQLite run covers it",
)
def test_quick_run_serves_every_target_without_errors() -> None:
    """A real server, the real pages: every row measured, every request answered 200."""
    completed = subprocess.run(
        [sys.executable, "bench/serve_load.py", "--quick", "--seconds", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = table_rows(completed.stdout)
    assert sorted(rows) == sorted(ROWS), completed.stdout
    for (target, cache), cells in rows.items():
        requests_per_second, requests, errors = float(cells[2]), int(cells[5]), int(cells[6])
        assert requests > 0 and requests_per_second > 0, (target, cache, cells)
        assert errors == 0, (target, cache, cells)
        assert float(cells[3]) <= float(cells[4])  # p50 <= p99
    for cache in ("on", "off"):
        assert rows[("static CSS", cache)][7] == "1.00"  # the peer, against itself
        assert 0 < float(rows[("article page", cache)][7])
        assert 0 < float(rows[("front page", cache)][7])
    assert re.fullmatch(r"\d+\.\dx", rows[("front page", "on")][8])  # cache on vs off
    assert "errors: none" in completed.stdout


def test_bad_options_are_refused_with_a_message() -> None:
    completed = subprocess.run(
        [sys.executable, "bench/serve_load.py", "--seconds", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 2
    assert "--seconds must be more than 0" in completed.stderr


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the site's server answers

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
        status = 200 if self.path == "/ok" else 404
        body = b"fine" if status == 200 else b"missing"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_non_200_answers_are_counted_as_errors_not_as_throughput(local_server: int) -> None:
    target = serve_load.Target("missing page", "/missing", "", "text/plain")
    result = serve_load.measure(local_server, target, "on", seconds=0.3, warmup=0, concurrency=2)
    assert result.ok_requests == 0
    assert result.requests_per_second == 0
    assert result.errors["HTTP 404"] > 0
    assert result.error_count == result.errors["HTTP 404"]
    assert "missing page (cache on): HTTP 404: " in serve_load.error_report([result])


def test_keep_alive_answers_are_timed(local_server: int) -> None:
    target = serve_load.Target("ok page", "/ok", "fine", "text/plain")
    result = serve_load.measure(local_server, target, "on", seconds=0.3, warmup=0, concurrency=2)
    assert result.error_count == 0
    assert result.ok_requests > 10
    assert 0 < result.percentile(0.5) <= result.percentile(0.99) < 1
    serve_load.check_target(local_server, target)
    with pytest.raises(serve_load.BenchError, match="answered 404"):
        serve_load.check_target(local_server, serve_load.Target("x", "/missing", "", ""))


def test_percentile_uses_nearest_rank() -> None:
    result = serve_load.Measurement(
        "t", "on", seconds=1.0, latencies=[i / 1000 for i in range(100, 0, -1)]
    )
    assert result.percentile(0.5) == 0.050
    assert result.percentile(0.99) == 0.099
    assert result.percentile(1.0) == 0.100
    assert result.percentile(0.07) == 0.007  # not 0.008: the rank is computed without drift
    assert serve_load.Measurement("t", "on", seconds=1.0).percentile(0.5) == 0.0
