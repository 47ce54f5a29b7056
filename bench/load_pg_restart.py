"""Fault suite (c): PostgreSQL restarted while clients post comments to two web processes.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/load_pg_restart.py [--quick]
      [--seconds 40] [--clients 16] [--down 5]

The suite starts a PostgreSQL server of its own (``initdb`` + ``pg_ctl`` in a temporary
directory, a free port on 127.0.0.1; never the shared server), migrates a database there,
prepares one article and 400 posting accounts (as load suite (a)), and starts two ``newsdesk
serve --workers 1`` processes against it (production settings; the first with screening
off, so its comments are published at once, the second with the default screening, which
holds these accounts' first comments for moderation). C clients post
comments for the given seconds; at a third of the time the suite stops PostgreSQL with
``pg_ctl stop -m fast`` (every open connection is cut, requests in flight included), keeps it
down for ``--down`` seconds and starts it again.

Checks (exit 1 when one fails):
- every answer is 201 (accepted), a 4xx refusal, or 503 with ``Retry-After``; no other 5xx and
  no broken connection;
- 503s came while the database was down (the outage was seen), and posts are accepted again
  afterwards (recovery);
- nothing half-written: every comment answered 201 is stored exactly once; a comment not
  acknowledged (its request broke) is stored at most once; every stored comment has its
  conversation counted it (the comment count equals the visible comments), and every comment
  held by screening has its moderation case (written in the comment's own transaction);
  both kinds were stored.

--quick (CI, tests/load): 20 s, 6 clients, 3 s down.
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
    percentile,
    site_env,
)

CSRF = "c" * 32
PREFIX = "Neustart "


@dataclass
class Tally:
    answers: Counter[str] = field(default_factory=Counter)
    accepted: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    # (seconds since the start, status) of every answer, for the timeline
    timeline: list[tuple[float, int]] = field(default_factory=list)
    bad_503: int = 0


def checks() -> None:
    """Inside the site's environment: what is stored, as JSON."""
    import django

    django.setup()
    from django.db.models import Count

    from newsdesk.community.models import Comment, Conversation
    from newsdesk.moderation.models import Case

    texts = {
        row["text"]: row["n"]
        for row in Comment.objects.filter(text__startswith=PREFIX)
        .values("text")
        .annotate(n=Count("id"))
    }
    counters = [
        {
            "conversation": conversation.pk,
            "count": conversation.comment_count,
            "visible": Comment.objects.filter(
                conversation=conversation, status=Comment.Status.VISIBLE
            ).count(),
        }
        for conversation in Conversation.objects.all()
    ]
    held = Comment.objects.filter(status=Comment.Status.PENDING)
    without_case = held.exclude(pk__in=Case.objects.values("comment_id")).count()
    print(
        json.dumps(
            {
                "texts": texts,
                "counters": counters,
                "held": held.count(),
                "held_no_case": without_case,
            }
        )
    )


async def post_until(
    ports: list[int], article: int, sessions: list[str], clients: int, seconds: float,
    outage: dict[str, float],
) -> Tally:  # fmt: skip
    tally = Tally()
    numbers = iter(range(10**9))
    started = time.perf_counter()
    deadline = started + seconds

    async def client(index: int) -> None:
        connection = Connection(ports[index % len(ports)], timeout=20)
        while time.perf_counter() < deadline:
            number = next(numbers)
            text = f"{PREFIX}{number}: Die Stadt sollte mehr Radwege bauen."
            body = json.dumps({"article": article, "text": text}).encode()
            session = sessions[number % len(sessions)]
            sent = time.perf_counter()
            try:
                status, headers, answer = await connection.send(
                    "POST",
                    "/api/community/comments",
                    body,
                    {
                        "Content-Type": "application/json",
                        "X-CSRFToken": CSRF,
                        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                    },
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                tally.answers[type(exc).__name__] += 1
                tally.unacknowledged.add(text)
                await asyncio.sleep(0.2)
                continue
            now = time.perf_counter()
            tally.latencies.append(now - sent)
            tally.timeline.append((now - started, status))
            if status == 201:
                tally.answers["201"] += 1
                tally.accepted.add(text)
            elif status == 503:
                tally.answers["503"] += 1
                tally.unacknowledged.add(text)
                if not headers.get("retry-after", "").isdigit():
                    tally.bad_503 += 1
                # A client honours Retry-After only up to a second here (the test is short).
                await asyncio.sleep(min(1.0, float(headers.get("retry-after") or 1)))
            elif status >= 500:
                tally.answers[f"HTTP {status}"] += 1
                tally.unacknowledged.add(text)
            else:
                error = json.loads(answer or b"{}").get("error", str(status))
                tally.answers[f"refused {error}"] += 1
        connection.close()

    await asyncio.gather(*(client(index) for index in range(clients)), outage_task(outage))
    return tally


async def outage_task(outage: dict[str, float]) -> None:
    """Stops and starts PostgreSQL at the planned moments (run in a thread: pg_ctl waits)."""
    control = outage.pop("control")  # type: ignore[misc]
    await asyncio.sleep(outage["at"])
    await asyncio.to_thread(control.stop)  # type: ignore[attr-defined]
    outage["stopped"] = time.perf_counter()
    await asyncio.sleep(outage["down"])
    await asyncio.to_thread(control.start)  # type: ignore[attr-defined]
    outage["started"] = time.perf_counter()


def run_in_site(env: dict[str, str], *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, "bench/load_comments.py", *flags] if flags[0] == "--prepare"
        else [sys.executable, __file__, *flags],
        env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"{flags[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--quick", action="store_true", help="20 s, 6 clients, 3 s down (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--checks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.checks:
        checks()
        return 0
    if args.quick:
        args.seconds, args.clients, args.down = 20, 6, 3
    work = Path(tempfile.mkdtemp(prefix="newsdesk-pg-restart-"))
    print(f"starting PostgreSQL of our own in {work} ...", flush=True)
    with own_postgres(work / "pg") as postgres:
        env = site_env(
            postgres.create_database("newsdesk"), work / "site", NEWSDESK_TASKS_BACKEND="dummy"
        )
        (work / "site").mkdir()
        info = run_in_site(env, "--prepare")
        ports = [free_port(), free_port()]
        # The first server publishes at once (comment counters), the second screens (the
        # posting accounts' first comments are held: moderation cases).
        unscreened = {**env, "NEWSDESK_MODERATION_SCREENING": "0"}
        argv = [sys.executable, "-m", "newsdesk", "serve", "--workers", "1", "--bind"]
        with (
            server([*argv, f"{HOST}:{ports[0]}"], unscreened, work / "web1.log"),
            server([*argv, f"{HOST}:{ports[1]}"], env, work / "web2.log"),
        ):
            for port in ports:
                wait_for(f"http://{HOST}:{port}/api/community/opening")
            print(
                f"posting for {args.seconds:.0f} s with {args.clients} clients; PostgreSQL "
                f"(port {postgres.port}) stopped at {args.seconds / 3:.0f} s for {args.down:.0f} s",
                flush=True,
            )
            outage: dict = {"at": args.seconds / 3, "down": args.down, "control": postgres}
            began = time.perf_counter()
            tally = asyncio.run(
                post_until(
                    ports, info["article"], info["sessions"], args.clients, args.seconds, outage
                )
            )
        stored = run_in_site(env, "--checks")
    texts: dict[str, int] = stored["texts"]
    duplicates = sorted(text for text, n in texts.items() if n != 1)
    missing = sorted(tally.accepted - set(texts))
    unexplained = sorted(set(texts) - tally.accepted - tally.unacknowledged)
    stored_unacknowledged = len(set(texts) & tally.unacknowledged)
    bad_counters = [c for c in stored["counters"] if c["count"] != c["visible"]]
    other_5xx = sum(n for key, n in tally.answers.items() if key.startswith("HTTP 5"))
    broken = sum(
        n for key, n in tally.answers.items() if not key[0].isdigit() and "refused" not in key
    )
    stopped = outage["stopped"] - began
    restarted = outage["started"] - began
    after = [t for t, status in tally.timeline if status == 201 and t > restarted]
    during = [t for t, status in tally.timeline if status == 503]
    recovered = (min(after) - restarted) if after else None

    print()
    print(
        f"fault (c): PostgreSQL stopped ({stopped:.1f} s) and started again ({restarted:.1f} s) "
        f"during {args.seconds:.0f} s of posting by {args.clients} clients, 2 web processes, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"answers {dict(sorted(tally.answers.items()))}")
    print(
        f"p50 {percentile(tally.latencies, 0.5) * 1000:.1f} ms  "
        f"p99 {percentile(tally.latencies, 0.99) * 1000:.1f} ms  "
        f"503 without Retry-After {tally.bad_503}  other 5xx {other_5xx}  broken {broken}"
    )
    print(
        f"503s from {min(during):.1f} s to {max(during):.1f} s" if during else "503s none",
        "  first 201 after the start: "
        + (f"{recovered:.1f} s later" if recovered is not None else "never"),
    )
    print(
        f"accepted {len(tally.accepted)}  stored {sum(texts.values())}  stored twice "
        f"{len(duplicates)}  accepted but missing {len(missing)}  stored though not "
        f"acknowledged {stored_unacknowledged}  stored but never sent {len(unexplained)}"
    )
    print(
        f"held {stored['held']}  held without a case {stored['held_no_case']}  "
        f"conversations miscounted {len(bad_counters)}"
    )
    ok = (
        not tally.bad_503
        and not other_5xx
        and not broken
        and bool(during)
        and recovered is not None
        and not duplicates
        and not missing
        and not unexplained
        and not stored["held_no_case"]
        and 0 < stored["held"] < sum(texts.values())
        and not bad_counters
    )
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        print("RESULT ok")
    else:
        print("RESULT", "ok" if ok else "FAILED", f"(logs and data in {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
