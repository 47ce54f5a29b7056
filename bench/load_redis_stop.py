"""Fault suite (d): Redis stopped while readers read, a writer posts replies and the newsroom
publishes articles; tasks on RQ, the page cache in Redis.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/load_redis_stop.py [--quick]
      [--seconds 45] [--readers 8] [--down 10]

The suite starts a PostgreSQL server and a Redis server of its own (temporary directories,
free ports on 127.0.0.1; Redis with an append-only file, as RQ's Redis must run, so that jobs
queued before the stop are there after it), two ``newsdesk serve --workers 1`` processes and
one ``newsdesk worker --sweep-every 2`` with ``NEWSDESK_TASKS_BACKEND=rq`` (REDIS_URL on
database 1), ``CACHE_URL`` on database 0, the dummy translation engine and e-mails printed
by the worker. For the given seconds R readers read the article page and the thread API
anonymously, one writer posts replies to a comment whose author wants reply e-mails (each
reply queues an e-mail task after its commit) and a publisher (the back office's action,
``do_publish_article``, in a process of its own) publishes an article every second (each
queues an edition's translation). At a third of the time Redis is stopped for ``--down``
seconds, then started again.

Checks (exit 1 when one fails): no reader answer other than 200 and no broken connection,
before, during and after the outage; no reply refused with a 5xx and no failed publication
(a task that Redis cannot take waits in the database: core.outbox); once Redis is back, within
the wait (150 s), the outbox is empty, every published article has its English edition and
every accepted reply's e-mail was sent exactly once. The wait covers a job that RQ had
started when Redis stopped: RQ's worker quits and the job's process dies with it; RQ finds the
job abandoned once its heartbeat (90 s) has expired, and the worker's sweep queues it again.

--quick (CI, tests/load): 18 s, 3 readers, 5 s down.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comments_isso import server, wait_for  # noqa: E402
from bench.load_support import (  # noqa: E402
    HOST,
    Connection,
    free_port,
    own_postgres,
    own_redis,
    percentile,
    site_env,
)

CSRF = "c" * 32
ACCOUNTS = 40
DRAFTS = 80
REPLY = "Reply {n} to the thread about bike lanes"


def prepare() -> None:
    """Inside the site's environment: migrate; the read article with a root comment by an
    author who wants reply e-mails; posting accounts with sessions; draft articles."""
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk.community import actions
    from newsdesk.community.models import Profile, ScheduleException
    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    for offset in (-1, 0, 1):
        ScheduleException.objects.update_or_create(
            date=today + dt.timedelta(days=offset), defaults={"kind": "open"}
        )
    users = get_user_model()
    author = users.objects.create_user("author", "author@example.org")
    Profile.objects.update_or_create(
        user=author, defaults={"display_name": "Author", "notify_replies": True}
    )
    article = make_article(headline="Radwege", slug="radwege")
    conversation = actions.conversation_for_article(article)
    root = actions.do_post_comment(
        conversation, acting_user=author, text_value="Mehr Radwege!", language="de"
    )
    unusable = make_password(None)
    accounts = users.objects.bulk_create(
        [
            users(username=f"writer{n}", email=f"writer{n}@example.org", password=unusable)
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
    drafts = [
        make_article(headline=f"Meldung {n}", slug=f"meldung-{n}", publish=False).pk
        for n in range(DRAFTS)
    ]
    print(
        json.dumps(
            {
                "article": article.pk,
                "page": article.get_absolute_url(),
                "root": root.pk,
                "sessions": sessions,
                "drafts": drafts,
            }
        )
    )


def publish(ids: list[int], every: float, seconds: float) -> None:
    """Inside the site's environment: publish one draft every ``every`` seconds for
    ``seconds``, through the back office's action; one JSON line per publication."""
    import django

    django.setup()
    from django.db import connection

    from newsdesk.newsroom.actions import do_publish_article
    from newsdesk.newsroom.models import Article

    started = time.monotonic()
    for article_id in ids:
        if time.monotonic() - started > seconds:
            break
        try:
            do_publish_article(Article.objects.get(pk=article_id), acting_user=None)
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - the suite counts every failure
            outcome = f"{type(exc).__name__}: {exc}"
            connection.close()
        print(json.dumps({"id": article_id, "at": time.time(), "outcome": outcome}), flush=True)
        time.sleep(every)


def state(published: list[int]) -> None:
    """Inside the site's environment: tasks waiting for Redis, editions of the published."""
    import django

    django.setup()
    from newsdesk.core import outbox
    from newsdesk.editions.models import Edition

    editions = Edition.objects.filter(article_id__in=published, language="en")
    print(
        json.dumps(
            {
                "outbox": outbox.waiting(),
                # translated: published, or held for review (the dummy engine's output is
                # flagged by the quality checks)
                "editions_published": editions.filter(
                    state__in=(Edition.State.PUBLISHED, Edition.State.HELD)
                ).count(),
                "editions": editions.count(),
            }
        )
    )


@dataclass
class Tally:
    reads: Counter[str] = field(default_factory=Counter)
    reads_during: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    posts_during: int = 0
    accepted: list[str] = field(default_factory=list)
    read_latencies: list[float] = field(default_factory=list)
    read_latencies_during: list[float] = field(default_factory=list)


async def traffic(
    ports: list[int], info: dict, readers: int, seconds: float, outage: dict
) -> Tally:
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds

    def down() -> bool:
        return "stopped" in outage and "started" not in outage

    async def reader(index: int) -> None:
        connection = Connection(ports[index % len(ports)])
        paths = [info["page"], f"/api/community/threads?article={info['article']}"]
        number = 0
        while time.perf_counter() < deadline:
            path = paths[number % 2]
            number += 1
            sent = time.perf_counter()
            during = down()
            try:
                status, _headers, _body = await connection.send("GET", path)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                tally.reads[type(exc).__name__] += 1
                await asyncio.sleep(0.2)
                continue
            elapsed = time.perf_counter() - sent
            tally.reads[str(status)] += 1
            tally.read_latencies.append(elapsed)
            if during:
                tally.reads_during += 1
                tally.read_latencies_during.append(elapsed)
        connection.close()

    async def writer() -> None:
        connection = Connection(ports[0])
        number = 0
        while time.perf_counter() < deadline:
            text = REPLY.format(n=number)
            session = info["sessions"][number % len(info["sessions"])]
            number += 1
            body = json.dumps({"article": info["article"], "parent": info["root"], "text": text})
            during = down()
            try:
                status, _headers, answer = await connection.send(
                    "POST",
                    "/api/community/comments",
                    body.encode(),
                    {
                        "Content-Type": "application/json",
                        "X-CSRFToken": CSRF,
                        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                    },
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                tally.posts[type(exc).__name__] += 1
                continue
            tally.posts[str(status)] += 1
            if status == 201:
                tally.accepted.append(text)
                tally.posts_during += during
            await asyncio.sleep(0.25)
        connection.close()

    async def fault() -> None:
        control = outage.pop("control")
        await asyncio.sleep(outage["at"])
        await asyncio.to_thread(control.stop)
        outage["stopped"] = time.perf_counter() - started
        outage["stopped_at"] = time.time()
        await asyncio.sleep(outage["down"])
        await asyncio.to_thread(control.start)
        outage["started"] = time.perf_counter() - started
        outage["started_at"] = time.time()

    await asyncio.gather(*(reader(i) for i in range(readers)), writer(), fault())
    return tally


def in_site(env: dict[str, str], *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *flags], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{flags[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--down", type=float, default=10, help="seconds Redis stays down")
    parser.add_argument("--wait", type=float, default=150, help="seconds to wait for recovery")
    parser.add_argument("--quick", action="store_true", help="18 s, 3 readers, 5 s down (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--publish", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.publish:
        publish(json.loads(args.publish), 1.0, args.seconds)
        return 0
    if args.state:
        state(json.loads(args.state))
        return 0
    if args.quick:
        args.seconds, args.readers, args.down = 18, 3, 5
    work = Path(tempfile.mkdtemp(prefix="newsdesk-redis-stop-"))
    print(f"starting PostgreSQL and Redis of our own in {work} ...", flush=True)
    with own_postgres(work / "pg") as postgres, own_redis(work / "redis", persist=True) as redis:
        (work / "site").mkdir()
        env = site_env(
            postgres.create_database("newsdesk"),
            work / "site",
            NEWSDESK_TASKS_BACKEND="rq",
            REDIS_URL=redis.url(1),
            CACHE_URL=redis.url(0),
            NEWSDESK_MT_ENGINE="dummy",
            NEWSDESK_MODERATION_SCREENING="0",  # replies visible at once: each queues an e-mail
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            LOG_LEVEL="INFO",
        )
        info = in_site(env, "--prepare")
        ports = [free_port(), free_port()]
        argv = [sys.executable, "-m", "newsdesk", "serve", "--workers", "1", "--bind"]
        worker_argv = [sys.executable, "-m", "newsdesk", "worker", "--sweep-every", "2"]
        with (
            server([*argv, f"{HOST}:{ports[0]}"], env, work / "web1.log"),
            server([*argv, f"{HOST}:{ports[1]}"], env, work / "web2.log"),
            server(worker_argv, env, work / "worker.log"),
        ):
            for port in ports:
                wait_for(f"http://{HOST}:{port}/api/community/opening")
            print(
                f"{args.seconds:.0f} s of traffic ({args.readers} readers, a writer, a "
                f"publisher); Redis (port {redis.port}) stopped at {args.seconds / 3:.0f} s "
                f"for {args.down:.0f} s",
                flush=True,
            )
            publisher = subprocess.Popen(
                [sys.executable, __file__, "--publish", json.dumps(info["drafts"]),
                 "--seconds", str(args.seconds)],
                env=env, stdout=subprocess.PIPE, stderr=(work / "publisher.log").open("w"),
                text=True,
            )  # fmt: skip
            outage: dict = {"at": args.seconds / 3, "down": args.down, "control": redis}
            tally = asyncio.run(traffic(ports, info, args.readers, args.seconds, outage))
            out, _ = publisher.communicate(timeout=120)
            publications = [json.loads(line) for line in out.splitlines() if line.strip()]
            published = [p["id"] for p in publications if p["outcome"] == "ok"]
            failed = [p for p in publications if p["outcome"] != "ok"]
            during_publications = sum(
                1 for p in publications if outage["stopped_at"] <= p["at"] <= outage["started_at"]
            )
            # Recovery: the outbox handed to Redis, every edition, every e-mail exactly once.
            waited_from = time.perf_counter()
            while True:
                now_state = in_site(env, "--state", json.dumps(published))
                log = (work / "worker.log").read_text(errors="replace")
                mails = {text: log.count(text + "\n") for text in tally.accepted}
                done = (
                    now_state["outbox"] == 0
                    and now_state["editions_published"] == len(published)
                    and all(n >= 1 for n in mails.values())
                )
                if done or time.perf_counter() - waited_from > args.wait:
                    break
                time.sleep(1)
            recovered_after = time.time() - outage["started_at"]
            time.sleep(2)  # a late duplicate would show now
            log = (work / "worker.log").read_text(errors="replace")
            mails = {text: log.count(text + "\n") for text in tally.accepted}
    bad_reads = sum(n for key, n in tally.reads.items() if key != "200")
    bad_posts = sum(n for key, n in tally.posts.items() if key != "201")
    missing_mails = sum(1 for n in mails.values() if n == 0)
    double_mails = sum(1 for n in mails.values() if n > 1)
    print()
    print(
        f"fault (d): Redis stopped at {outage['stopped']:.1f} s, started at "
        f"{outage['started']:.1f} s, {args.seconds:.0f} s of traffic, 2 web processes, "
        f"1 RQ worker, {os.cpu_count()} CPUs"
    )
    print(
        f"reads {dict(tally.reads)} ({tally.reads_during} while Redis was down)  p50 "
        f"{percentile(tally.read_latencies, 0.5) * 1000:.1f} ms  p99 "
        f"{percentile(tally.read_latencies, 0.99) * 1000:.1f} ms  (while down: p50 "
        f"{percentile(tally.read_latencies_during, 0.5) * 1000:.1f} ms)"
    )
    print(
        f"replies {dict(tally.posts)} ({tally.posts_during} accepted while Redis was down)  "
        f"publications {len(publications)} ({during_publications} while down), failed "
        f"{len(failed)} {failed[:3]}"
    )
    print(
        f"after Redis was back ({recovered_after:.1f} s): outbox {now_state['outbox']}  "
        f"editions translated {now_state['editions_published']}/{len(published)}  e-mails "
        f"missing {missing_mails}  sent twice {double_mails} (of {len(mails)})"
    )
    ok = (
        not bad_reads
        and tally.reads_during > 0
        and not bad_posts
        and tally.posts_during > 0
        and during_publications > 0
        and not failed
        and now_state["outbox"] == 0
        and now_state["editions_published"] == len(published)
        and not missing_mails
        and not double_mails
    )
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        print("RESULT ok")
    else:
        print("RESULT", "ok" if ok else "FAILED", f"(logs and data in {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
