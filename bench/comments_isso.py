"""newsdesk's comments against Isso, side by side on 127.0.0.1, for the same workload.

Run:  .venv/bin/python bench/comments_isso.py --isso /tmp/isso-venv/bin/isso [--seconds 8]

Isso (the Python comment server from PyPI) is never a dependency of newsdesk: install it into
a separate virtualenv, e.g. `python3 -m venv /tmp/isso-venv && /tmp/isso-venv/bin/pip install
isso gevent`, and name its `isso` script with --isso.

Both servers get a thread of 200 comments (150 top-level, 50 replies) on one page, then:

- read c=1:  the whole thread, one client after the other (the latency of one read);
- read c=16: the same with 16 concurrent keep-alive clients;
- post c=16: 16 concurrent clients post new comments to another page.

Besides requests/s and latencies it reports the CPU time each server's processes used per
answered request (from /proc, Linux only): unlike wall-clock rates, that figure hardly depends
on what else runs on the machine.

Each workload runs in short rounds (--rounds, default 4) that alternate between the two
servers, so that both meet the same background load on a shared machine. Thread answers are
checked (all 200 comments present) on the first and every 16th answer; the others must have
the same length.

newsdesk runs as `newsdesk serve` (Granian, 2 workers x 1 thread, SQLite in WAL mode,
local-memory cache) with every check of the comment issue switched on: login session and
CSRF token, opening hours (read from the database on every post), honeypot, size limits,
duplicate and flood detection, per-account interval (30 s) and hourly burst (both counted
from the stored comments), and moderation's whole default screening pipeline (word lists,
links, first comments, repeat posts, rejection share, the classifier, the policy; the bench's
fresh accounts make every post a first comment, which is held and stored as pending, the
costliest path; NEWSDESK_MODERATION_SCREENING=0 in the environment turns screening off for a
comparison). Two settings differ from the defaults, and the output says so: the
per-address limit is off (all clients share 127.0.0.1, and counting one address's
thousands of comments a minute is not what a site with readers at many addresses does) and
the thread page size is 200 (Isso returns the whole thread, so newsdesk does too). Each
posting client uses fresh accounts, so the per-account 30 s interval is checked but never
hit. Yesterday, today and tomorrow are exception dates "open all day" so that a run at
night measures posting instead of the closed-hours refusal.

Isso runs with its guard (rate limits) and moderation off and sha1 hashing, as the peers
note recommends. At the end every accepted comment is counted in each server's own store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
THREAD_ROOTS = 150
THREAD_REPLIES = 50
ISSO_THREAD = "/bench/thread"
ISSO_POSTS = "/bench/posts"
POSTING_ACCOUNTS = 6000
REQUEST_TIMEOUT = 15.0


class BenchError(Exception):
    """The benchmark could not be set up, or a server answered wrongly."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"{url} did not answer within {seconds:.0f} s")


# --- newsdesk -------------------------------------------------------------------------------


def newsdesk_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CACHE_URL", "COMMUNITY_", "SITE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "NEWSDESK_DATA_DIR": str(data_dir),
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "TASK_BACKEND": "dummy",
            "COMMUNITY_PAGE_SIZE": str(THREAD_ROOTS + THREAD_REPLIES),
            "COMMUNITY_IP_PER_MINUTE": "0",
        }
    )
    return env


def prepare_newsdesk() -> None:
    """Runs inside the site's environment: migrate, article, 200 comments, accounts."""
    import django

    django.setup()
    import datetime as dt
    import io

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    from newsdesk.community import actions
    from newsdesk.community.models import Profile, ScheduleException
    from newsdesk.core import clock
    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    today = timezone.localdate()
    for offset in (-1, 0, 1):  # the thread's comments are dated a few minutes back
        ScheduleException.objects.update_or_create(
            date=today + dt.timedelta(days=offset), defaults={"kind": "open"}
        )
    thread_article = make_article(headline="Lesefaden", slug="lesefaden")
    post_article = make_article(headline="Schreibfaden", slug="schreibfaden")
    users = get_user_model()
    writers = [
        users.objects.create_user(f"writer{number}", f"writer{number}@example.org")
        for number in range(20)
    ]
    conversation = actions.conversation_for_article(thread_article)
    roots: list = []
    # Two seconds apart: each writer posts every 40 s (over the 30 s interval) and 10 times
    # in all (the hourly burst), as the rate limits, counted from the stored comments, allow.
    start = timezone.now() - dt.timedelta(seconds=2 * (THREAD_ROOTS + THREAD_REPLIES + 1))
    # The thread is 200 published comments: their screening (first comments and links are
    # held by default) is not what this part measures, so it is off while they are written.
    # The server screens every posted comment with the whole default pipeline.
    no_screening = override_settings(NEWSDESK_MODERATION_PIPELINE=[])
    no_screening.enable()
    for number in range(THREAD_ROOTS + THREAD_REPLIES):
        with clock.frozen(start + dt.timedelta(seconds=2 * number)):
            parent = roots[number % len(roots)] if number >= THREAD_ROOTS else None
            comment = actions.do_post_comment(
                conversation,
                acting_user=writers[number % len(writers)],
                parent=parent,
                text_value=f"Kommentar {number}: Die Stadt sollte mehr in Radwege investieren, "
                "meint man hier, siehe https://example.org/radwege und anderswo.",
                language="de",
            )
            if parent is None:
                roots.append(comment)
    no_screening.disable()
    unusable = make_password(None)
    accounts = users.objects.bulk_create(
        [
            users(username=f"bench{number}", email=f"bench{number}@example.org", password=unusable)
            for number in range(POSTING_ACCOUNTS)
        ]
    )
    Profile.objects.bulk_create(
        [Profile(user=user, display_name=user.username) for user in accounts]
    )
    if os.environ.get("BENCH_READERS") == "established":
        # Each posting account has one published comment from two days ago elsewhere: their
        # posts are not first comments (the typical reader), so screening passes them.
        from newsdesk.community.comment_text import digest
        from newsdesk.community.models import Comment

        earlier = timezone.now() - dt.timedelta(days=2)
        archive = actions.conversation_for_article(make_article(headline="Archiv", slug="archiv"))
        Comment.objects.bulk_create(
            [
                Comment(
                    conversation=archive,
                    author=user,
                    language="de",
                    text=f"Früherer Beitrag von {user.username}",
                    html=f"<p>Früherer Beitrag von {user.username}</p>",
                    text_digest=digest(f"Früherer Beitrag von {user.username}"),
                    created_at=earlier,
                )
                for user in accounts
            ],
            batch_size=500,
        )
    sessions = []
    for user in accounts:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(
        json.dumps(
            {
                "thread_article": thread_article.pk,
                "post_article": post_article.pk,
                "sessions": sessions,
            }
        )
    )


def count_newsdesk(article_id: int) -> int:
    import django

    django.setup()
    from newsdesk.community.models import Comment

    return Comment.objects.filter(conversation__article_id=article_id).count()


# --- Isso ----------------------------------------------------------------------------------


def isso_config(data_dir: Path, port: int) -> Path:
    config = data_dir / "isso.cfg"
    config.write_text(
        "[general]\n"
        f"dbpath = {data_dir / 'comments.db'}\n"
        f"host = http://{HOST}:8000/\n"
        "[server]\n"
        f"listen = http://{HOST}:{port}/\n"
        "[moderation]\nenabled = false\n"
        "[guard]\nenabled = false\n"
        "[hash]\nalgorithm = sha1\n",
        encoding="utf-8",
    )
    return config


def isso_request(port: int, method: str, path: str, body: object | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310
        f"http://{HOST}:{port}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def seed_isso(port: int) -> None:
    roots: list[int] = []
    for number in range(THREAD_ROOTS + THREAD_REPLIES):
        parent = roots[number % len(roots)] if number >= THREAD_ROOTS else None
        body = {
            "text": f"Kommentar {number}: Die Stadt sollte mehr in Radwege investieren, "
            "meint man hier, siehe https://example.org/radwege und anderswo.",
            "author": f"writer{number % 20}",
            "email": "",
            "parent": parent,
            "title": "Lesefaden",
        }
        created = isso_request(port, "POST", f"/new?uri={ISSO_THREAD}", body)
        assert isinstance(created, dict)
        if parent is None:
            roots.append(int(created["id"]))


def count_isso(port: int, uri: str) -> int:
    counts = isso_request(port, "POST", "/count", [uri])
    assert isinstance(counts, list)
    return int(counts[0])


# --- the load generator --------------------------------------------------------------------


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    accepted: int = 0
    # CPU time the server's processes used meanwhile: unlike wall-clock rates, CPU time per
    # request hardly depends on what else runs on the machine.
    cpu_seconds: float = 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / len(self.latencies) if self.latencies else 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
        return ordered[min(rank, len(ordered)) - 1]


def group_cpu_seconds(group: int) -> float:
    """User + system CPU seconds of every live process in the process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp, ... utime (12th), stime (13th).
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response: status, headers (lower-case names), body (by Content-Length,
    chunked, or up to the connection's end)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
    else:
        body = await reader.read()
    return status, headers, body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """status, body, and whether the server closes the connection after this answer."""
    status, headers, body = await read_response(reader)
    return status, body, headers.get("connection", "").lower() == "close"


async def run_load(
    port: int, name: str, concurrency: int, seconds: float, make_request, expected: int, check=None
) -> Result:
    result = Result(name)
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        sequence = 0
        checked_length: int | None = None
        reader = writer = None
        while time.perf_counter() < deadline:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            request = make_request(number, sequence)
            sequence += 1
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                assert reader is not None
                status, body, closes = await asyncio.wait_for(
                    _read_response(reader), REQUEST_TIMEOUT
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                result.errors[type(exc).__name__] += 1
                writer.close()
                reader = writer = None
                continue
            elapsed = time.perf_counter() - started
            # The full check (parsing 100 kB of JSON) runs on every 16th answer so the client
            # does not eat the servers' CPU; the others must have the checked answer's length
            # (within 64 bytes: dates and counters may differ).
            good = True
            if check is not None:
                if checked_length is None or sequence % 16 == 1:
                    good = check(body)
                    if good and checked_length is None:
                        checked_length = len(body)
                else:
                    good = abs(len(body) - checked_length) < 64
            if status != expected or not good:
                result.errors[f"HTTP {status}"] += 1
            else:
                result.latencies.append(elapsed)
                result.accepted += 1
            if closes:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(number) for number in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def http_request(
    method: str, path: str, port: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- main ------------------------------------------------------------------------------------


@contextlib.contextmanager
def server(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as output:
        process = subprocess.Popen(
            argv, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def measure(args: argparse.Namespace) -> int:
    isso = args.isso or shutil.which("isso")
    if not isso or not Path(isso).exists():
        raise BenchError("Isso not found: install it into a separate virtualenv and pass --isso")
    work = Path(tempfile.mkdtemp(prefix="newsdesk-bench-comments-"))
    env = newsdesk_env(work / "newsdesk")
    env["BENCH_READERS"] = args.readers
    (work / "newsdesk").mkdir()
    print(f"preparing newsdesk in {work} ...", flush=True)
    prepared = subprocess.run(
        [sys.executable, __file__, "--prepare"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if prepared.returncode != 0:
        raise BenchError(f"preparing newsdesk failed:\n{prepared.stderr[-3000:]}")
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    sessions: list[str] = info["sessions"]
    nd_port, isso_port = free_port(), free_port()
    (work / "isso").mkdir()
    config = isso_config(work / "isso", isso_port)
    results: dict[tuple[str, str], Result] = {}
    csrf = "b" * 32
    nd_read = http_request(
        "GET", f"/api/community/threads?article={info['thread_article']}", nd_port
    )
    isso_read = http_request("GET", f"/?uri={ISSO_THREAD}", isso_port)

    posted = itertools.count()

    def nd_post(client: int, sequence: int) -> bytes:
        # Every post from a fresh account (the 30 s per-account interval stays on).
        index = next(posted) % len(sessions)
        body = json.dumps(
            {
                "article": info["post_article"],
                "text": f"Neuer Kommentar {client}-{sequence} von Konto {index}",
            }
        ).encode()
        return http_request(
            "POST",
            "/api/community/comments",
            nd_port,
            body,
            {
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Cookie": f"sessionid={sessions[index]}; csrftoken={csrf}",
            },
        )

    isso_posted = itertools.count()

    def isso_post(client: int, sequence: int) -> bytes:
        body = json.dumps(
            {
                "text": f"Neuer Kommentar {client}-{sequence}-{next(isso_posted)}",
                "author": f"client{client}",
                "email": "",
                "parent": None,
                "title": "Schreibfaden",
            }
        ).encode()
        return http_request(
            "POST", f"/new?uri={ISSO_POSTS}", isso_port, body, {"Content-Type": "application/json"}
        )

    def has_thread(body: bytes) -> bool:
        data = json.loads(body)
        replies = sum(
            len(item.get("replies") or [])
            for item in data.get("replies") or data.get("comments") or []
        )
        top = len(data.get("replies") or data.get("comments") or [])
        return top + replies == THREAD_ROOTS + THREAD_REPLIES

    nd_argv = [
        sys.executable,
        "-m",
        "newsdesk",
        "serve",
        "--bind",
        f"{HOST}:{nd_port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
    ]
    isso_argv = [isso, "-c", str(config), "run"]
    with (
        server(nd_argv, env, work / "newsdesk.log") as nd_process,
        server(isso_argv, dict(os.environ), work / "isso.log") as isso_process,
    ):
        groups = {"newsdesk": nd_process.pid, "Isso": isso_process.pid}
        wait_for(f"http://{HOST}:{nd_port}/api/community/opening")
        wait_for(f"http://{HOST}:{isso_port}/info")
        print("seeding Isso with the same 200-comment thread ...", flush=True)
        seed_isso(isso_port)
        servers = {
            "newsdesk": (nd_port, nd_read, nd_post),
            "Isso": (isso_port, isso_read, isso_post),
        }
        for port, read, _post in servers.values():  # warm up caches and connections
            asyncio.run(run_load(port, "warm", 4, 1.0, lambda c, s, r=read: r, 200))
        workloads = [
            ("read c=1", 1, "read", args.seconds / 2),
            (f"read c={args.concurrency}", args.concurrency, "read", args.seconds),
            (f"post c={args.concurrency}", args.concurrency, "post", args.seconds),
        ]
        for name, concurrency, kind, seconds in workloads:
            print(f"measuring {name} ...", flush=True)
            # Short rounds, alternating which server goes first, so that both meet the
            # same background load on this shared machine.
            for round_number in range(args.rounds):
                order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
                for label in order:
                    port, read, post = servers[label]
                    cpu_before = group_cpu_seconds(groups[label])
                    if kind == "read":
                        measured = asyncio.run(
                            run_load(
                                port,
                                name,
                                concurrency,
                                seconds / args.rounds,
                                lambda c, s, r=read: r,
                                200,
                                has_thread,
                            )
                        )
                    else:
                        measured = asyncio.run(
                            run_load(port, name, concurrency, seconds / args.rounds, post, 201)
                        )
                    total = results.setdefault((label, name), Result(name))
                    total.cpu_seconds += group_cpu_seconds(groups[label]) - cpu_before
                    total.seconds += measured.seconds
                    total.latencies.extend(measured.latencies)
                    total.errors.update(measured.errors)
                    total.accepted += measured.accepted
        isso_count = count_isso(isso_port, ISSO_POSTS)
    counted = subprocess.run(
        [sys.executable, __file__, "--count", str(info["post_article"])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    nd_count = int(counted.stdout.strip().splitlines()[-1])
    return report(results, args, nd_count, isso_count, work)


def report(
    results: dict[tuple[str, str], Result],
    args: argparse.Namespace,
    nd_count: int,
    isso_count: int,
    work: Path,
) -> int:
    print()
    print(
        f"Comments: newsdesk vs Isso on {HOST}, {os.cpu_count()} CPUs (shared, noisy), "
        f"{args.seconds:.0f} s per concurrent run, thread of "
        f"{THREAD_ROOTS + THREAD_REPLIES} comments"
    )
    print(
        "newsdesk's settings that differ from the defaults: COMMUNITY_IP_PER_MINUTE=0 (the "
        "per-address limit is off: every client is 127.0.0.1), COMMUNITY_PAGE_SIZE="
        f"{THREAD_ROOTS + THREAD_REPLIES} (Isso returns the whole thread); "
        f"posting readers: {args.readers}; screening: "
        + ("off" if os.environ.get("NEWSDESK_MODERATION_SCREENING") == "0" else "on")
    )
    print()
    print("| workload | server | requests/s | p50 ms | p99 ms | server CPU ms/request | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    workloads = ["read c=1", f"read c={args.concurrency}", f"post c={args.concurrency}"]
    for workload in workloads:
        for label in ("newsdesk", "Isso"):
            result = results[(label, workload)]
            errors = sum(result.errors.values())
            detail = f" ({dict(result.errors)})" if errors else ""
            print(
                f"| {workload} | {label} | {result.rate:.1f} | "
                f"{result.percentile(0.5) * 1000:.1f} | {result.percentile(0.99) * 1000:.1f} | "
                f"{result.cpu_ms_per_request:.2f} | {errors}{detail} |"
            )
    print()
    print(
        "| workload | newsdesk/Isso requests/s | newsdesk/Isso p50 | newsdesk/Isso p99 "
        "| Isso/newsdesk CPU per request |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for workload in workloads:
        ours, theirs = results[("newsdesk", workload)], results[("Isso", workload)]

        def ratio(a: float, b: float) -> str:
            return f"{a / b:.3g}x" if b else "n/a"

        print(
            f"| {workload} | {ratio(ours.rate, theirs.rate)} | "
            f"{ratio(ours.percentile(0.5), theirs.percentile(0.5))} | "
            f"{ratio(ours.percentile(0.99), theirs.percentile(0.99))} | "
            f"{ratio(theirs.cpu_ms_per_request, ours.cpu_ms_per_request)} |"
        )
    posted = results[("newsdesk", f"post c={args.concurrency}")].accepted
    isso_posted = results[("Isso", f"post c={args.concurrency}")].accepted
    print()
    print(
        f"accepted posts: newsdesk {posted} answered 201, {nd_count} stored; "
        f"Isso {isso_posted} answered 201, {isso_count} stored"
    )
    failed = posted != nd_count or isso_posted != isso_count
    if failed:
        print("WARNING: accepted comments are missing (or extra) in a store!")
    if any(sum(result.errors.values()) for result in results.values()):
        print("WARNING: some requests failed; see the errors column. Logs in", work)
        failed = True
    if not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isso", default=os.environ.get("ISSO", ""), help="Isso's script")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per workload")
    parser.add_argument("--workers", type=int, default=2, help="newsdesk's server processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per server process")
    parser.add_argument(
        "--readers",
        choices=["new", "established"],
        default="new",
        help="posting accounts: new (every post a first comment, held: the costliest path) "
        "or established (one published comment each, two days old)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare_newsdesk()
        return 0
    if args.count is not None:
        print(count_newsdesk(args.count))
        return 0
    try:
        return measure(args)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
