"""Load suite (a): N comments posted by C concurrent clients to two web processes on
PostgreSQL with screening on; every accepted comment must be stored exactly once, no 5xx.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/load_comments.py [--quick]
      [--posts 10000] [--clients 32] [--server postgres://postgres@127.0.0.1:5432]

Full size: 10,000 posts by 32 clients; --quick (CI, tests/load): 300 posts by 8 clients.
The suite creates its own database (newsdesk_load_<random>) on the given PostgreSQL server
and drops it afterwards (--keep keeps it), prepares one article and the posting accounts with
their sessions, starts two ``newsdesk serve --workers 1`` processes on 127.0.0.1 and sends the
posts alternately to both over keep-alive connections. Screening is the full default pipeline
(settings.py, not the test settings); each post is from one of the accounts, whose interval
and hourly burst are lifted (COMMUNITY_SECONDS_BETWEEN_COMMENTS=0, ACCOUNT_BURST=1000000)
and the per-address limit is off (every client is 127.0.0.1). A post answered 201 is
accepted (stored visible or held for moderation); 4xx refusals are counted apart.

Prints the figures (requests/s, p50/p99 latency, accepted, refused, stored) and exits 1 when
a 5xx or a transport error occurred or the stored comments differ from the accepted ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comments_isso import (  # noqa: E402
    HOST,
    REQUEST_TIMEOUT,
    Result,
    _read_response,
    free_port,
    http_request,
    server,
    wait_for,
)

CSRF = "c" * 32
ACCOUNTS = 400


def site_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CACHE_URL", "NEWSDESK_", "COMMUNITY_", "SITE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DATABASE_URL": database_url,
            "NEWSDESK_DATA_DIR": str(data_dir),
            "NEWSDESK_PLAIN_STATIC": "1",
            "SECRET_KEY": "load-" + secrets.token_hex(16),
            "LOG_LEVEL": "WARNING",
            "NEWSDESK_TASKS_BACKEND": "dummy",  # reply e-mails etc. are not measured here
            "NEWSDESK_COMMUNITY_SECONDS_BETWEEN_COMMENTS": "0",
            "NEWSDESK_COMMUNITY_ACCOUNT_BURST": "1000000",
            "NEWSDESK_COMMUNITY_IP_PER_MINUTE": "0",
        }
    )
    return env


def prepare() -> None:
    """Inside the site's environment: migrate, the article, accounts and their sessions."""
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk.community.models import Profile, ScheduleException
    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    for offset in (-1, 0, 1):
        ScheduleException.objects.update_or_create(
            date=today + dt.timedelta(days=offset), defaults={"kind": "open"}
        )
    article = make_article(headline="Lastprobe", slug="lastprobe")
    users = get_user_model()
    unusable = make_password(None)
    accounts = users.objects.bulk_create(
        [
            users(username=f"load{n}", email=f"load{n}@example.org", password=unusable)
            for n in range(ACCOUNTS)
        ]
    )
    Profile.objects.bulk_create([Profile(user=u, display_name=u.username) for u in accounts])
    sessions = []
    for user in accounts:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(json.dumps({"article": article.pk, "sessions": sessions}))


def stored() -> None:
    """Inside the site's environment: each stored comment's text and how often it is there."""
    import django

    django.setup()
    from django.db.models import Count

    from newsdesk.community.models import Comment

    rows = Comment.objects.values("text").annotate(n=Count("id"))
    print(json.dumps({row["text"]: row["n"] for row in rows}))


async def post_all(
    ports: list[int], article: int, sessions: list[str], posts: int, clients: int
) -> tuple[Result, set[str], Counter[str]]:
    result = Result("post")
    accepted: set[str] = set()
    refused: Counter[str] = Counter()
    numbers = iter(range(posts))

    async def client(index: int) -> None:
        port = ports[index % len(ports)]
        reader = writer = None
        for number in numbers:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            text = f"Lastprobe {number}: Die Stadt sollte mehr Radwege bauen."
            body = json.dumps({"article": article, "text": text}).encode()
            session = sessions[number % len(sessions)]
            request = http_request(
                "POST",
                "/api/community/comments",
                port,
                body,
                {
                    "Content-Type": "application/json",
                    "X-CSRFToken": CSRF,
                    "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                },
            )
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                assert reader is not None
                status, answer, closes = await asyncio.wait_for(
                    _read_response(reader), REQUEST_TIMEOUT
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                result.errors[type(exc).__name__] += 1
                writer.close()
                reader = writer = None
                continue
            result.latencies.append(time.perf_counter() - started)
            if status == 201:
                accepted.add(text)
            elif status >= 500:
                result.errors[f"HTTP {status}"] += 1
            else:
                refused[json.loads(answer or b"{}").get("error", str(status))] += 1
            if closes:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(index) for index in range(clients)))
    result.seconds = time.perf_counter() - started
    return result, accepted, refused


def psql(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url.replace("postgres://", "postgresql://") + "/postgres") as db:
        db.autocommit = True
        db.execute(statement)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="300 posts by 8 clients (CI)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stored", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.stored:
        stored()
        return 0
    if args.quick:
        args.posts, args.clients = 300, 8
    name = f"newsdesk_load_{secrets.token_hex(4)}"
    work = Path(tempfile.mkdtemp(prefix="newsdesk-load-"))
    env = site_env(f"{args.server}/{name}", work)
    psql(args.server, f'CREATE DATABASE "{name}"')
    try:
        print(f"preparing {name} ({ACCOUNTS} accounts) ...", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--prepare"], env=env, capture_output=True, text=True
        )
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            return 2
        info = json.loads(done.stdout.strip().splitlines()[-1])
        ports = [free_port(), free_port()]
        argv = [sys.executable, "-m", "newsdesk", "serve", "--workers", "1", "--bind"]
        with (
            server([*argv, f"{HOST}:{ports[0]}"], env, work / "web1.log"),
            server([*argv, f"{HOST}:{ports[1]}"], env, work / "web2.log"),
        ):
            for port in ports:
                wait_for(f"http://{HOST}:{port}/api/community/opening")
            print(f"posting {args.posts} comments with {args.clients} clients ...", flush=True)
            result, accepted, refused = asyncio.run(
                post_all(ports, info["article"], info["sessions"], args.posts, args.clients)
            )
        done = subprocess.run(
            [sys.executable, __file__, "--stored"], env=env, capture_output=True, text=True
        )
        counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if not args.keep:
            psql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ours = {text: n for text, n in counts.items() if text.startswith("Lastprobe ")}
    duplicates = sorted(text for text, n in ours.items() if n != 1)
    missing = sorted(accepted - set(ours))
    unaccepted = sorted(set(ours) - accepted)
    errors = sum(result.errors.values())
    print()
    print(
        f"load (a): {args.posts} posts, {args.clients} clients, 2 web processes, PostgreSQL, "
        f"screening on, {os.cpu_count()} CPUs"
    )
    print(
        f"requests/s {result.rate:.1f}  p50 {result.percentile(0.5) * 1000:.1f} ms  "
        f"p99 {result.percentile(0.99) * 1000:.1f} ms  seconds {result.seconds:.1f}"
    )
    print(
        f"accepted {len(accepted)}  refused {sum(refused.values())} {dict(refused)}  "
        f"stored {sum(ours.values())}  errors {errors} {dict(result.errors)}"
    )
    print(
        f"stored twice {len(duplicates)}  accepted but missing {len(missing)}  "
        f"stored but not accepted {len(unaccepted)}"
    )
    ok = not errors and not duplicates and not missing and not unaccepted
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
