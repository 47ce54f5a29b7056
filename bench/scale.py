"""Scaling benchmarks on PostgreSQL: reading a 200-comment thread and posting comments with
1, 2 and 4 web processes; a publishing burst with one and two translation workers.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/scale.py [--quick]
      [--processes 1,2,4] [--seconds 10] [--clients 16] [--burst 50] [--translation-workers 1,2]
      [--server postgres://postgres@127.0.0.1:5432] [--only web|burst]

Web part: a database of its own on the given PostgreSQL server (``newsdesk_scale_<random>``,
dropped afterwards), production settings (local-memory page and fragment caches, screening
on, the comment limits lifted so that the posting accounts are not refused), one article with
a thread of 200 comments (150 top-level, 50 replies; one page of 200) and 400 signed-in
posting accounts. For each process count N one ``newsdesk serve --workers N`` (Granian) on
127.0.0.1; C keep-alive clients either read the thread (``GET /api/community/threads``,
anonymous: the thread's JSON comes from the fragment cache, keyed on the thread's version
read from the database) or post comments (``POST /api/community/comments``: screening, one
INSERT, the counters, and the next read of the thread renders it anew) for the given seconds
after a one-second warm-up. Figures: requests/s, p50, p99, the servers' CPU time per request
(all their processes) and the per-process capacity: requests/s divided by N as measured, and
1000 / (CPU ms per request), what one process could do given a whole core.

Burst part: 50 articles (kicker, headline, lead, 3 blocks; every sentence different)
published at once through ``do_publish_article``, each queueing one English edition, with
one and then two ``newsdesk worker --queue translation`` processes (database task backend)
running the CTranslate2 engine on the tiny random-weight de-en model the tests build (beam
1; its speed is not a real OPUS-MT model's: see docs/benchmarks.md "Machine translation" for
those). Figures: seconds from the first publication until every edition is translated,
editions/s and segments/s (segments sent to the engine).

--quick (CI, tests/load): 1 and 2 processes, 1.5 s each, 8 clients; a burst of 4 articles.
Exit status 1 when a request failed (transport error, or any status other than the expected
200/201) or an edition did not arrive within the wait.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import comments_isso  # noqa: E402
from bench.comments_isso import (  # noqa: E402
    HOST,
    Result,
    group_cpu_seconds,
    http_request,
    run_load,
    server,
    wait_for,
)
from bench.load_support import free_port, site_env  # noqa: E402

CSRF = "c" * 32
ACCOUNTS = 400
BLOCKS = [  # {tag} {n}: every sentence of every article and run is new to the memory
    ("paragraph", "Der Bürgermeister sagte heute ({tag} {n}), die Stadt baue neue Radwege."),
    ("subheading", "Das neue Haus {tag} {n}"),
    (
        "paragraph",
        "Die Schule {tag} {n} ist neu. Die Kinder lernen dort seit Montag ({tag} {n}). "
        "Alle {n} freuen sich ({tag}).",
    ),
]


def prepare_web() -> None:
    """Inside the site's environment: the 200-comment thread and 400 posting accounts."""
    comments_isso.POSTING_ACCOUNTS = ACCOUNTS
    comments_isso.prepare_newsdesk()


def prepare_burst(count: int, tag: str) -> None:
    """Inside the site's environment: migrate, ``count`` drafts (slugs tagged)."""
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    # Every sentence differs between articles and runs: nothing comes from the memory.
    drafts = [
        make_article(
            headline=f"Die Stadt baut Radwege {tag} {n}",
            slug=f"burst-{tag}-{n}",
            kicker=f"Stadt {tag} {n}",
            lead=f"Die Stadt {tag} {n} ist neu. Sie wächst seit {n} Jahren ({tag}).",
            blocks=[(kind, text.format(tag=tag, n=n)) for kind, text in BLOCKS],
            publish=False,
        ).pk
        for n in range(count)
    ]
    print(json.dumps({"drafts": drafts}))


def publish_all(ids: list[int]) -> None:
    """Inside the site's environment: publish them all, one after the other, at once."""
    import django

    django.setup()
    from newsdesk.newsroom.actions import do_publish_article
    from newsdesk.newsroom.models import Article

    started = time.time()
    for article in Article.objects.filter(pk__in=ids):
        do_publish_article(article, acting_user=None)
    print(json.dumps({"started": started, "finished": time.time()}))


def in_site(env: dict[str, str], *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *flags], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{flags[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def psql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        db.autocommit = True
        cursor = db.execute(statement, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


# --- web processes --------------------------------------------------------------------------


def measure_web(args: argparse.Namespace, env: dict[str, str], work: Path) -> list[dict]:
    info = in_site(env, "--prepare-web")
    thread_article, post_article = info["thread_article"], info["post_article"]
    sessions: list[str] = info["sessions"]
    rows = []
    for processes in args.processes:
        port = free_port()
        argv = [sys.executable, "-m", "newsdesk", "serve", "--workers", str(processes)]
        argv += ["--bind", f"{HOST}:{port}"]
        with server(argv, env, work / f"web{processes}.log") as process:
            wait_for(f"http://{HOST}:{port}/api/community/opening")
            read_path = f"/api/community/threads?article={thread_article}"

            def read(number: int, sequence: int, path: str = read_path, port: int = port) -> bytes:
                return http_request("GET", path, port)

            def post(number: int, sequence: int, port: int = port, run: str = "") -> bytes:
                text = f"Skalierung {run}-{number}-{sequence}: Die Stadt braucht mehr Radwege."
                body = json.dumps({"article": post_article, "text": text}).encode()
                return http_request(
                    "POST",
                    "/api/community/comments",
                    port,
                    body,
                    {
                        "Content-Type": "application/json",
                        "X-CSRFToken": CSRF,
                        "Cookie": f"sessionid={sessions[number % len(sessions)]}; csrftoken={CSRF}",
                    },
                )

            def whole_thread(body: bytes) -> bool:
                data = json.loads(body)
                comments = data.get("comments") or []
                total = len(comments) + sum(len(c.get("replies") or []) for c in comments)
                return total == comments_isso.THREAD_ROOTS + comments_isso.THREAD_REPLIES

            for name, make, expected, check in (
                ("read thread", read, 200, whole_thread),
                ("post comment", post, 201, None),
            ):
                # Each run its own texts (a repeated text would be refused as a repeat post).
                warm = functools.partial(make, run=f"{processes}w") if make is post else make
                timed = functools.partial(make, run=f"{processes}m") if make is post else make
                asyncio.run(run_load(port, name, args.clients, 1.0, warm, expected, check))
                cpu_before = group_cpu_seconds(process.pid)
                client_before = time.process_time()
                result: Result = asyncio.run(
                    run_load(port, name, args.clients, args.seconds, timed, expected, check)
                )
                result.cpu_seconds = group_cpu_seconds(process.pid) - cpu_before
                client_cpu = (time.process_time() - client_before) / result.seconds
                rows.append(
                    {
                        "processes": processes,
                        "name": name,
                        "result": result,
                        "client_cpu": client_cpu,
                    }
                )
                print(f"  {processes} process(es), {name}: {result.rate:.0f} req/s", flush=True)
    return rows


def web_table(rows: list[dict]) -> str:
    lines = [
        "| workload | processes | req/s | p50 ms | p99 ms | requests | errors | CPU ms/req | "
        "req/s per process | req/s per CPU-second | client CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in sorted(rows, key=lambda r: (r["name"] != "read thread", r["processes"])):
        result: Result = row["result"]
        cpu = result.cpu_ms_per_request
        lines.append(
            f"| {row['name']} | {row['processes']} | {result.rate:.0f} | "
            f"{result.percentile(0.5) * 1000:.1f} | {result.percentile(0.99) * 1000:.1f} | "
            f"{len(result.latencies)} | {sum(result.errors.values())} | {cpu:.1f} | "
            f"{result.rate / row['processes']:.0f} | {1000 / cpu if cpu else 0:.0f} | "
            f"{row['client_cpu']:.0%} |"
        )
    return "\n".join(lines)


# --- publishing burst -----------------------------------------------------------------------


def build_model(store: Path) -> None:
    from newsdesk.translation.marian import build_marian_release
    from newsdesk.translation.modelstore import install_from_path

    release = build_marian_release(store.parent / "release-de-en", seed=2)
    install_from_path(release, store, name="tiny-de-en", version="1")


def measure_burst(args: argparse.Namespace, env: dict[str, str], work: Path) -> list[dict]:
    store = work / "models"
    build_model(store)
    burst_env = {
        **env,
        "NEWSDESK_TASKS_BACKEND": "database",
        "NEWSDESK_MT_ENGINE": "ctranslate2",
        "NEWSDESK_MT_MODEL_DIR": str(store),
        "NEWSDESK_MT_BEAM_SIZE": "1",
    }
    database_url = env["DATABASE_URL"]
    rows = []
    for workers in args.translation_workers:
        drafts = in_site(burst_env, "--prepare-burst", str(args.burst), f"w{workers}")["drafts"]
        argv = [sys.executable, "-m", "newsdesk", "worker", "--queue", "translation"]
        argv += ["--interval", "0.2"]
        with contextlib.ExitStack() as stack:
            for number in range(workers):
                stack.enter_context(
                    server(argv, burst_env, work / f"translation{workers}-{number}.log")
                )
            time.sleep(3)  # the workers are up and polling
            published = in_site(burst_env, "--publish-all", json.dumps(drafts))
            deadline = time.time() + args.wait
            while True:
                done, segments = psql(
                    database_url,
                    "SELECT count(*), coalesce(sum(segments_sent), 0) FROM editions_edition "
                    "WHERE article_id = ANY(%s) AND language = 'en' AND NOT queued "
                    "AND state IN ('published', 'held')",
                    (drafts,),
                )[0]
                finished = time.time()
                if done == len(drafts) or finished > deadline:
                    break
                time.sleep(0.2)
        seconds = finished - published["started"]
        rows.append(
            {
                "workers": workers,
                "editions": done,
                "expected": len(drafts),
                "seconds": seconds,
                "publish_seconds": published["finished"] - published["started"],
                "segments": segments,
            }
        )
        print(f"  {workers} translation worker(s): {done} editions in {seconds:.1f} s", flush=True)
    return rows


def burst_table(rows: list[dict]) -> str:
    lines = [
        "| translation workers | articles | editions done | publishing took s | "
        "all editions after s | editions/s | segments | segments/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['workers']} | {row['expected']} | {row['editions']} | "
            f"{row['publish_seconds']:.1f} | {row['seconds']:.1f} | "
            f"{row['editions'] / row['seconds']:.2f} | {row['segments']} | "
            f"{row['segments'] / row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--translation-workers", default="1,2")
    parser.add_argument("--wait", type=float, default=600, help="seconds to wait for a burst")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--only", choices=("web", "burst"))
    parser.add_argument("--quick", action="store_true", help="1,2 processes, 1.5 s, burst of 4")
    parser.add_argument("--prepare-web", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-burst", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--publish-all", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_web:
        prepare_web()
        return 0
    if args.prepare_burst:
        prepare_burst(int(args.prepare_burst[0]), args.prepare_burst[1])
        return 0
    if args.publish_all:
        publish_all(json.loads(args.publish_all))
        return 0
    if args.quick:
        args.processes, args.seconds, args.clients, args.burst = "1,2", 1.5, 8, 4
    args.processes = [int(n) for n in args.processes.split(",")]
    args.translation_workers = [int(n) for n in args.translation_workers.split(",")]
    name = f"newsdesk_scale_{secrets.token_hex(4)}"
    work = Path(tempfile.mkdtemp(prefix="newsdesk-scale-"))
    (work / "site").mkdir()
    env = site_env(
        f"{args.server}/{name}",
        work / "site",
        NEWSDESK_TASKS_BACKEND="dummy",
        NEWSDESK_COMMUNITY_PAGE_SIZE="200",
        TASK_BACKEND="dummy",
    )
    psql(f"{args.server}/postgres", f'CREATE DATABASE "{name}"')
    web_rows: list[dict] = []
    burst_rows: list[dict] = []
    load_before = os.getloadavg()[0]
    try:
        if args.only in (None, "web"):
            print(f"web processes {args.processes}, {args.clients} clients, {args.seconds:.0f} s")
            web_rows = measure_web(args, env, work)
        if args.only in (None, "burst"):
            print(
                f"publishing burst of {args.burst}, translation workers {args.translation_workers}"
            )
            burst_rows = measure_burst(args, env, work)
    finally:
        psql(f"{args.server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print()
    print(
        f"scale: PostgreSQL ({args.server}), {os.cpu_count()} CPUs shared by the servers, the "
        f"workers, PostgreSQL and this client; load average before {load_before:.1f}, after "
        f"{os.getloadavg()[0]:.1f}"
    )
    errors = 0
    if web_rows:
        print(web_table(web_rows))
        errors += sum(sum(row["result"].errors.values()) for row in web_rows)
    if burst_rows:
        print()
        print("publishing burst (tiny random-weight de-en model, CTranslate2 int8, beam 1):")
        print(burst_table(burst_rows))
        errors += sum(row["expected"] - row["editions"] for row in burst_rows)
    if errors:
        print(f"WARNING: {errors} failed requests or missing editions (logs in {work})")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("RESULT ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
