"""Reader pages under concurrent load: the real server on 127.0.0.1, timed by our own client.

Run:  .venv/bin/python bench/serve_load.py [--seconds 10] [--concurrency 16] [--workers 2]

It builds a throw-away site in a temporary data directory (migrations, the demo content,
extra published articles, collected static files), starts `newsdesk serve` (Granian) on a
free port, and drives the article page, the front page and the site's CSS file with keep-alive
HTTP/1.1 connections for a fixed time each. It does that twice: with the page cache on and
with it off (NEWSDESK_PAGE_CACHE_SECONDS=0, a fresh server). The CSS file, served by
WhiteNoise through the same server stack, is the peer: the ceiling of the stack without any
page rendering, so each page's "vs static" ratio says what rendering (or the cache) costs.

Every non-200 answer and every failed request counts as an error; with errors the table is
followed by a loud warning and the exit status is 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import ctypes.util
import datetime as dt
import http.client
import io
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ARTICLE_PATH = "/de/politik/staatsbesuch-praesidentin-virtanen-wien/"
ARTICLE_MARKER = "Staatsbesuch aus Finnland"
FRONT_PATH = "/de/"
CSS_NAME = "core/site.css"
REQUEST_TIMEOUT = 10.0
SERVER_START_TIMEOUT = 60.0
# Variables of the caller's environment that would point the benchmark at another site.
ISOLATED_VARIABLES = (
    "DATABASE_URL",
    "CACHE_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SECRET_KEY_FILE",
    "DEBUG",
    "NEWSDESK_PAGE_CACHE_SECONDS",
    "NEWSDESK_PLAIN_STATIC",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "WEB_WORKERS",
    "WEB_THREADS",
    "NEWSDESK_BIND",
    "NEWSDESK_LANGUAGES",
    "LANGUAGE_CODE",
    "NEWSDESK_PAGE_SIZE",
)


class BenchError(Exception):
    """The benchmark could not be set up or its target answers wrongly; nothing was measured."""


@dataclass
class Target:
    name: str
    path: str
    # Text the body must contain, so that we never measure an error page by mistake.
    marker: str
    content_type: str


@dataclass
class Measurement:
    target: str
    cache: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    client_cpu_seconds: float = 0.0

    @property
    def ok_requests(self) -> int:
        return len(self.latencies)

    @property
    def requests_per_second(self) -> float:
        return self.ok_requests / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency (seconds) at `fraction` by the nearest-rank method; 0 without samples."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        # round() first: 0.07 * 100 is 7.000000000000001 in floats, whose ceiling is 8.
        rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
        return ordered[min(rank, len(ordered)) - 1]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


# --- the throw-away site -------------------------------------------------------------------


def site_environment(data_dir: Path, cache_seconds: int | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ISOLATED_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "NEWSDESK_DATA_DIR": str(data_dir),
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "DEBUG": "0",
            "TASK_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
        }
    )
    if cache_seconds is not None:
        env["NEWSDESK_PAGE_CACHE_SECONDS"] = str(cache_seconds)
    return env


def newsdesk_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", *args]


def prepare_site(data_dir: Path, extra_articles: int) -> None:
    """Migrate, load the demo content, add articles and collect static files, in one process."""
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--prepare-site",
        "--articles",
        str(extra_articles),
    ]
    completed = subprocess.run(
        argv, env=site_environment(data_dir), capture_output=True, text=True, check=False
    )
    print(completed.stdout, end="", flush=True)
    if completed.returncode != 0:
        raise BenchError(
            f"preparing the site failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}"
        )


def build_site(extra_articles: int) -> None:
    """The steps of prepare_site; runs inside the site's environment."""
    import django

    django.setup()
    from django.core.management import call_command

    steps = [
        ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
        ("demo content", lambda: call_command("load_demo_content", stdout=io.StringIO())),
        (f"{extra_articles} extra articles", lambda: make_articles(extra_articles)),
        ("collectstatic", lambda: call_command("collectstatic", interactive=False, verbosity=0)),
    ]
    for description, step in steps:
        started = time.monotonic()
        step()
        print(f"  {description}: {time.monotonic() - started:.1f} s", flush=True)


def make_articles(count: int) -> None:
    """Publish `count` more articles across the demo sections."""
    from django.db import transaction
    from django.utils import timezone

    from newsdesk.newsroom.models import Article, Author, Section
    from newsdesk.newsroom.testing import make_article

    sections = list(Section.objects.order_by("position"))
    authors = list(Author.objects.all())
    if not sections or not authors:
        raise BenchError("the demo content has no sections or authors")
    paragraph = (
        "Der Gemeinderat hat am Abend nach langer Debatte entschieden. "
        "<strong>Die Opposition</strong> kündigte an, den Beschluss prüfen zu lassen; "
        'Details stehen im <a href="https://example.org/">Protokoll</a>. '
    ) * 3
    blocks = [
        ("paragraph", paragraph),
        ("subheading", "Wie es weitergeht"),
        ("paragraph", paragraph),
        ("quote", "Wir bleiben dran."),
    ]
    # Older than the demo articles, so those stay on top of the front page.
    oldest_demo = timezone.now() - dt.timedelta(days=3)
    with transaction.atomic():
        for number in range(1, count + 1):
            article = make_article(
                headline=f"Meldung {number}: Beschluss im Gemeinderat",
                section=sections[number % len(sections)],
                slug=f"bench-meldung-{number}",
                kicker="Aus den Bezirken",
                lead="Ein Vorspann von zwei Sätzen, wie ihn Leserinnen auf der Startseite sehen. "
                "Er fasst zusammen, was geschah.",
                blocks=blocks,
            )
            article.authors.add(authors[number % len(authors)])
            Article.objects.filter(pk=article.pk).update(
                first_published_at=oldest_demo - dt.timedelta(hours=number)
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def fetch(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def running_server(data_dir: Path, cache_seconds: int, workers: int, threads: int) -> Iterator[int]:
    """Start `newsdesk serve` on a free port; stop it (and its workers) however we leave."""
    port = free_port()
    log_path = data_dir / f"server-cache-{cache_seconds}.log"
    argv = newsdesk_command(
        "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads", str(threads)
    )
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            argv,
            env=site_environment(data_dir, cache_seconds),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,  # safe: the benchmark runs no threads
        )
    try:
        wait_until_answering(process, port, log_path)
        yield port
    finally:
        stop_server(process)


def die_with_parent() -> None:
    """In the server's process: get SIGTERM if the benchmark dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 is PR_SET_PDEATHSIG


def wait_until_answering(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(
                f"the server exited with {process.returncode} while starting:\n"
                + log_path.read_text(errors="replace")[-3000:]
            )
        with contextlib.suppress(OSError):
            status, _, _ = fetch(port, FRONT_PATH)
            if status == 200:
                return
        time.sleep(0.1)
    raise BenchError(
        f"the server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
        + log_path.read_text(errors="replace")[-3000:]
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left of the process group (a worker the server did not reap) goes too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def css_path(data_dir: Path) -> str:
    manifest = json.loads((data_dir / "static" / "staticfiles.json").read_text())
    try:
        return "/static/" + manifest["paths"][CSS_NAME]
    except KeyError:
        raise BenchError(f"{CSS_NAME} is missing from the collected static files") from None


def check_target(port: int, target: Target) -> None:
    """One plain request first: the target must answer 200 with the expected content."""
    status, content_type, body = fetch(port, target.path)
    if status != 200:
        raise BenchError(f"{target.name} ({target.path}) answered {status}, not 200")
    if not content_type.startswith(target.content_type):
        raise BenchError(
            f"{target.name} ({target.path}) is {content_type!r}, expected {target.content_type}"
        )
    if target.marker.encode() not in body:
        raise BenchError(f"{target.name} ({target.path}) does not contain {target.marker!r}")


# --- the load generator ---------------------------------------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response (headers and body); return its status and keep-alive."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ConnectionError(f"not an HTTP response: {status_line[:80]!r}")
    status = int(parts[1])
    headers: dict[bytes, bytes] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get(b"connection", b"").lower() != b"close"
    if b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def one_connection(
    port: int, request: bytes, deadline: float, record: bool, measurement: Measurement
) -> None:
    """Send requests one after another on one keep-alive connection until the deadline."""
    streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                if streams is None:
                    streams = await asyncio.wait_for(
                        asyncio.open_connection(HOST, port), REQUEST_TIMEOUT
                    )
                reader, writer = streams
                writer.write(request)
                status, keep_alive = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                if record:
                    measurement.errors[type(exc).__name__] += 1
                if streams is not None:
                    streams[1].close()
                streams = None
                continue
            elapsed = time.perf_counter() - started
            if record:
                if status == 200:
                    measurement.latencies.append(elapsed)
                else:
                    measurement.errors[f"HTTP {status}"] += 1
            if not keep_alive:
                writer.close()
                streams = None
    finally:
        # After an interrupt the event loop may already be closed; the socket goes anyway.
        if streams is not None:
            with contextlib.suppress(RuntimeError):
                streams[1].close()


async def drive(
    port: int, path: str, seconds: float, concurrency: int, record: bool, measurement: Measurement
) -> float:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "User-Agent: newsdesk-bench\r\nAccept: */*\r\n\r\n"
    ).encode()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(one_connection(port, request, deadline, record, measurement) for _ in range(concurrency))
    )
    return time.monotonic() - started


def measure(
    port: int, target: Target, cache: str, seconds: float, warmup: float, concurrency: int
) -> Measurement:
    measurement = Measurement(target=target.name, cache=cache, seconds=0.0)
    if warmup > 0:
        asyncio.run(drive(port, target.path, warmup, concurrency, False, measurement))
    cpu_before = time.process_time()
    # Requests in flight at the deadline finish and count; the elapsed time covers them.
    measurement.seconds = asyncio.run(
        drive(port, target.path, seconds, concurrency, True, measurement)
    )
    measurement.client_cpu_seconds = time.process_time() - cpu_before
    return measurement


# --- the report ------------------------------------------------------------------------------


def table(results: list[Measurement]) -> str:
    by_key = {(result.target, result.cache): result for result in results}
    header = [
        "target",
        "page cache",
        "req/s",
        "p50 ms",
        "p99 ms",
        "requests",
        "errors",
        "vs static",
        "cache on/off",
        "client CPU",
    ]
    rows = [header]
    for result in results:
        static = by_key.get(("static CSS", result.cache))
        vs_static = (
            f"{result.requests_per_second / static.requests_per_second:.2f}"
            if static and static.requests_per_second
            else "-"
        )
        off = by_key.get((result.target, "off"))
        on_off = (
            f"{result.requests_per_second / off.requests_per_second:.1f}x"
            if result.cache == "on" and off and off.requests_per_second
            else ""
        )
        rows.append(
            [
                result.target,
                result.cache,
                f"{result.requests_per_second:.0f}",
                f"{result.percentile(0.50) * 1000:.1f}",
                f"{result.percentile(0.99) * 1000:.1f}",
                str(result.ok_requests),
                str(result.error_count),
                vs_static,
                on_off,
                f"{result.client_cpu_seconds / result.seconds:.0%}" if result.seconds else "-",
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "| " + " | ".join("-" * width for width in widths) + " |")
    return "\n".join(lines)


def error_report(results: list[Measurement]) -> str:
    lines = []
    for result in results:
        if result.errors:
            details = ", ".join(f"{kind}: {count}" for kind, count in result.errors.most_common())
            lines.append(f"  {result.target} (cache {result.cache}): {details}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="measured seconds per target and cache mode (default 10; 2 quick)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="keep-alive connections at once (default 16)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per server process (default 1)"
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=None,
        help="extra published articles besides the demo (default 200; 20 quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run of a few seconds: short runs, fewer articles",
    )
    parser.add_argument("--prepare-site", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 2.0 if args.quick else 10.0
    if args.articles is None:
        args.articles = 20 if args.quick else 200
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be more than 0 and at most 600")
    if not 1 <= args.concurrency <= 1000:
        parser.error("--concurrency must be between 1 and 1000")
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    if args.articles < 0:
        parser.error("--articles must not be negative")
    return args


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    # A plain `kill` must also stop the server and remove the data directory.
    signal.signal(signal.SIGTERM, _interrupted)
    warmup = 0.2 if args.quick else 1.0
    print(
        f"newsdesk reader pages under load, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
        f"Python {platform.python_version()}",
        flush=True,
    )
    print(
        f"  {args.seconds:g} s per target after {warmup:g} s warm-up, "
        f"{args.concurrency} keep-alive connections, Granian {args.workers} workers x "
        f"{args.threads} threads, SQLite, local-memory cache",
        flush=True,
    )
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as temp:
        data_dir = Path(temp)
        prepare_site(data_dir, args.articles)
        targets = [
            Target("static CSS", css_path(data_dir), "{", "text/css"),
            Target("article page", ARTICLE_PATH, ARTICLE_MARKER, "text/html"),
            Target("front page", FRONT_PATH, ARTICLE_MARKER, "text/html"),
        ]
        for cache, cache_seconds in (("on", 60), ("off", 0)):
            with running_server(data_dir, cache_seconds, args.workers, args.threads) as port:
                for target in targets:
                    check_target(port, target)
                    result = measure(port, target, cache, args.seconds, warmup, args.concurrency)
                    results.append(result)
                    print(
                        f"  cache {cache}, {target.name}: {result.requests_per_second:.0f} req/s",
                        flush=True,
                    )
    print()
    print(table(results))
    print(
        f"\nload average at the end: {os.getloadavg()[0]:.2f} (other work on this machine "
        "shares its CPUs with the server and the client)"
    )
    errors = sum(result.error_count for result in results)
    if errors:
        print(
            f"\n!!! {errors} REQUESTS FAILED: these figures are not valid !!!\n"
            + error_report(results),
            file=sys.stderr,
        )
        return 1
    print("\nerrors: none (every request answered 200)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.prepare_site:
            build_site(args.articles)
            return 0
        return run(args)
    except BenchError as exc:
        print(f"serve_load: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("serve_load: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
