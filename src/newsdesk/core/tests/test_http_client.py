"""core.http against a real HTTP server on 127.0.0.1: timeouts, size cap, redirects, refusals."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsdesk import __version__
from newsdesk.core import http_client as http

BIG = b"x" * 1000


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up on purpose (timeouts, size caps) are not errors


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = self.path
        if path == "/slow":
            time.sleep(1.5)
            self._answer(200, b"late")
        elif path == "/ok":
            self._answer(200, b"hello", "text/plain; charset=utf-8")
        elif path == "/user-agent":
            self._answer(200, self.headers.get("User-Agent", "").encode())
        elif path == "/big":
            self._answer(200, BIG)
        elif path == "/big-unannounced":
            # No Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.end_headers()
            self.wfile.write(BIG)
            self.close_connection = True
        elif path.startswith("/hops/"):
            left = int(path.rsplit("/", 1)[1])
            self._redirect(f"/hops/{left - 1}" if left > 1 else "/ok")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/file.txt")
        elif path == "/busy":
            self._answer(503, b"busy")
        else:
            self._answer(404, b"not here")

    def _answer(self, status: int, body: bytes, content_type: str = "") -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_returns_status_type_body_and_the_url(server):
    result = http.fetch_bytes(f"{server}/ok", timeout=5, max_bytes=100)
    assert result == http.FetchResult(
        status=200, url=f"{server}/ok", content_type="text/plain; charset=utf-8", body=b"hello"
    )


def test_requests_say_they_come_from_newsdesk(server):
    result = http.fetch_bytes(f"{server}/user-agent", timeout=5, max_bytes=100)
    assert result.body.decode() == f"newsdesk/{__version__}"
    with http.client(timeout=5, headers={"Accept": "text/plain"}) as session:
        assert session.headers["User-Agent"] == f"newsdesk/{__version__}"
        assert session.headers["Accept"] == "text/plain"
        assert session.get(f"{server}/ok").text == "hello"


def test_client_timeouts_are_explicit_and_positive():
    with http.client(timeout=7, connect_timeout=2) as session:
        assert session.timeout == session.timeout.__class__(7, connect=2)
    with http.client(timeout=7) as session:
        assert session.timeout.connect == 7
    with pytest.raises(ValueError, match="positive"):
        http.client(timeout=0)


def test_a_server_that_does_not_answer_in_time(server):
    started = time.monotonic()
    with pytest.raises(http.FetchError) as caught:
        http.fetch_bytes(f"{server}/slow", timeout=0.3, max_bytes=100)
    assert time.monotonic() - started < 1.2  # the server would take 1.5 s
    error = caught.value
    assert error.timed_out and error.retryable and error.status is None
    assert str(error) == (
        f"{server}/slow: no answer within 0.3 seconds; trying again later may help"
    )


def test_answers_larger_than_the_cap_are_refused(server):
    assert http.fetch_bytes(f"{server}/big", timeout=5, max_bytes=1000).body == BIG
    for path in ("/big", "/big-unannounced"):  # told by Content-Length, or found streaming
        with pytest.raises(http.ResponseTooLarge) as caught:
            http.fetch_bytes(f"{server}{path}", timeout=5, max_bytes=999)
        assert caught.value.max_bytes == 999 and not caught.value.retryable
        assert "larger than 999 bytes; trying again will not help" in str(caught.value)
    assert isinstance(caught.value, http.FetchError)  # one type to catch


def test_redirects_are_followed_up_to_the_limit(server):
    result = http.fetch_bytes(f"{server}/hops/3", timeout=5, max_bytes=100)
    assert result.url == f"{server}/ok" and result.body == b"hello"
    with pytest.raises(http.FetchError, match="too many redirects") as caught:
        http.fetch_bytes(f"{server}/hops/3", timeout=5, max_bytes=100, max_redirects=2)
    assert not caught.value.retryable and caught.value.url == f"{server}/hops/3"
    with pytest.raises(http.FetchError, match="too many redirects"):
        http.fetch_bytes(f"{server}/loop", timeout=5, max_bytes=100)
    with pytest.raises(http.FetchError, match="not http") as caught:
        http.fetch_bytes(f"{server}/to-ftp", timeout=5, max_bytes=100)
    assert not caught.value.retryable


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/file.txt", "file:///etc/passwd", "127.0.0.1/ok", "http:///ok"]
)
def test_only_http_and_https_urls_with_a_host_are_fetched(url):
    with pytest.raises(http.FetchError) as caught:
        http.fetch_bytes(url, timeout=5, max_bytes=100)
    assert not caught.value.retryable
    assert str(caught.value).startswith(f"{url}: ")


def test_refusals_say_their_status_and_whether_a_retry_helps(server):
    with pytest.raises(http.FetchError) as caught:
        http.fetch_bytes(f"{server}/missing", timeout=5, max_bytes=100)
    assert (caught.value.status, caught.value.reason) == (404, "Not Found")
    assert str(caught.value) == (
        f"{server}/missing: HTTP 404 (Not Found); trying again will not help"
    )
    with pytest.raises(http.FetchError) as caught:
        http.fetch_bytes(f"{server}/busy", timeout=5, max_bytes=100)
    assert caught.value.status == 503 and caught.value.retryable


def test_a_refused_connection():
    with socket.socket() as probe:  # a port that nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/ok"
    with pytest.raises(http.FetchError, match="cannot connect") as caught:
        http.fetch_bytes(url, timeout=5, max_bytes=100)
    assert caught.value.retryable and caught.value.url == url
    assert str(caught.value).startswith(f"{url}: cannot connect")
    assert caught.value.problem.endswith("; trying again later may help")
