"""Fault suite (e): the translation engine unavailable while articles are published.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/load_mt_outage.py [--quick]
      [--articles 10] [--retry 2] [--raising 8]

The suite starts a PostgreSQL server of its own (``pg_ctl``, temporary directory, free port),
builds the tiny random-weight Marian model the translation tests use (de-en, converted to
CTranslate2 and installed in a model store of its own: its output is nonsense, its speed not
that of a real model) and runs two real ``newsdesk worker --queue translation`` processes on
the embedded database task backend, with the CTranslate2 engine on that store (beam 1). The
newsroom publishes through ``do_publish_article`` (the back office's action) in two outages:

A. the model store unavailable (the pair's folder moved away, as an unmounted volume): the
   editions wait ("Waiting for a translation model", no attempt used up) and are tried again
   every 10 x NEWSDESK_EDITIONS_RETRY_SECONDS; the folder comes back after the publications.
B. the engine raising (``EngineUnavailable``, as a translation service that is down) for
   ``--raising`` seconds: each edition's attempt fails, is retried with backoff
   (NEWSDESK_EDITIONS_RETRY_SECONDS, doubled each time, NEWSDESK_EDITIONS_MAX_ATTEMPTS=4);
   an outage longer than the retries keeps the edition waiting ("Waiting for the translation
   engine", tried every 10 x NEWSDESK_EDITIONS_RETRY_SECONDS; editions' unit tests), where
   any other engine error ends it FAILED. The outage here stays within the retries.

Checks (exit 1 when one fails): every original is published at once (the action returns it
published); during each outage no edition is visible and each shows why it waits (its
error); after it, every edition is translated by the model (published, or held for review
when the quality checks flag the tiny model's output) within the wait, and exactly once
(one successful translation task per edition, one segment row per segment).

--quick (CI, tests/load): 3 articles per outage, retry 1 s, engine raising for 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comments_isso import server  # noqa: E402
from bench.load_support import own_postgres, site_env  # noqa: E402
from newsdesk.translation.engines import EngineUnavailable  # noqa: E402
from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine  # noqa: E402

BLOCKS = [
    ("paragraph", "Der Bürgermeister sagte heute, die Stadt baue neue Radwege."),
    ("subheading", "Das neue Haus"),
    ("paragraph", "Die Schule ist neu. Die Kinder lernen dort seit Montag."),
]


class SwitchableEngine(CTranslate2Engine):
    """CTranslate2 on the suite's model store (NEWSDESK_MT_MODEL_DIR, beam 1, one thread);
    raises EngineUnavailable while the file named by NEWSDESK_TEST_ENGINE_DOWN exists."""

    name = "ctranslate2"

    def __init__(self, **options: Any) -> None:
        super().__init__(
            model_dir=os.environ["NEWSDESK_MT_MODEL_DIR"],
            beam_size=1,
            inter_threads=1,
            intra_threads=1,
            max_decoding_length=64,
        )

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        if Path(os.environ["NEWSDESK_TEST_ENGINE_DOWN"]).exists():
            raise EngineUnavailable("the translation service is unavailable (switched off)")
        return super().translate(segments, source, target)


def build_model(store: Path) -> None:
    from newsdesk.translation.marian import build_marian_release
    from newsdesk.translation.modelstore import install_from_path

    release = build_marian_release(store.parent / "release-de-en", seed=2)
    install_from_path(release, store, name="tiny-de-en", version="1")


def prepare(count: int) -> None:
    """Inside the site's environment: migrate, ``count`` draft articles."""
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    drafts = [
        make_article(
            headline=f"Die Stadt baut Radwege {n}",
            slug=f"radwege-{n}",
            kicker="Stadt",
            lead="Die Stadt ist neu.",
            blocks=BLOCKS,
            publish=False,
        ).pk
        for n in range(count)
    ]
    print(json.dumps({"drafts": drafts}))


def publish(ids: list[int]) -> None:
    """Inside the site's environment: publish each article now (the back office's action)."""
    import django

    django.setup()
    from newsdesk.newsroom.actions import do_publish_article
    from newsdesk.newsroom.models import Article

    results = []
    for article_id in ids:
        article = do_publish_article(Article.objects.get(pk=article_id), acting_user=None)
        fresh = Article.objects.get(pk=article_id)
        results.append(
            {"id": article_id, "published": bool(article.is_published and fresh.is_published)}
        )
    print(json.dumps({"published": results}))


def state(ids: list[int]) -> None:
    """Inside the site's environment: each English edition's state, and the task outcomes."""
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from newsdesk.editions.models import Edition

    editions = Edition.objects.filter(article_id__in=ids, language="en")
    runs: dict[int, int] = {}
    for result in DBTaskResult.objects.filter(
        task_path="newsdesk.editions.workflow.translate_edition", status="SUCCESSFUL"
    ):
        if result.return_value in ("published", "held for review"):
            edition_id = result.args_kwargs["args"][0]
            runs[edition_id] = runs.get(edition_id, 0) + 1
    rows = []
    for edition in editions.annotate(segment_rows=Count("segments")):
        positions = edition.segments.values("position").distinct().count()
        rows.append(
            {
                "id": edition.pk,
                "state": edition.state,
                "visible": edition.is_visible,
                "queued": edition.queued,
                "error": edition.error,
                "attempts": edition.attempts,
                "model": edition.model_version,
                "runs": runs.get(edition.pk, 0),
                "segments": edition.segment_rows,
                "distinct": positions,
            }
        )
    print(json.dumps({"editions": rows, "count": len(ids)}))


def in_site(env: dict[str, str], *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *flags], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{flags[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


TRANSLATED = ("published", "held")


def wait_translated(env: dict[str, str], ids: list[int], seconds: float) -> tuple[dict, float]:
    started = time.monotonic()
    while True:
        now = in_site(env, "--state", json.dumps(ids))
        done = len(now["editions"]) == len(ids) and all(
            e["state"] in TRANSLATED and not e["queued"] for e in now["editions"]
        )
        if done or time.monotonic() - started > seconds:
            return now, time.monotonic() - started
        time.sleep(0.5)


def outage_report(name: str, published: list[dict], during: dict, after: dict, took: float) -> bool:
    originals = all(p["published"] for p in published)
    editions_during = during["editions"]
    waiting = all(not e["visible"] and e["error"] for e in editions_during)
    errors = sorted({e["error"].split(":")[0][:60] for e in editions_during})
    done = after["editions"]
    translated = sum(1 for e in done if e["state"] in TRANSLATED and not e["queued"])
    by_model = all("tiny-de-en@1" in e["model"] for e in done)
    once = all(e["runs"] == 1 and e["segments"] == e["distinct"] for e in done)
    failed = sum(1 for e in done if e["state"] == "failed")
    print(
        f"{name}: {len(published)} originals published at once: {originals}; during the outage "
        f"{len(editions_during)} editions waiting, none visible: {waiting} ({'; '.join(errors)}; "
        f"attempts {max((e['attempts'] for e in editions_during), default=0)})"
    )
    print(
        f"   after it: {translated}/{len(published)} translated by tiny-de-en@1 in {took:.1f} s "
        f"(model {by_model}), exactly once: {once}, failed {failed}"
    )
    return (
        originals
        and waiting
        and len(editions_during) == len(published)
        and translated == len(published)
        and by_model
        and once
        and not failed
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10, help="articles per outage")
    parser.add_argument("--retry", type=float, default=2, help="NEWSDESK_EDITIONS_RETRY_SECONDS")
    parser.add_argument("--raising", type=float, default=8, help="seconds the engine raises")
    parser.add_argument("--wait", type=float, default=90, help="seconds to wait for editions")
    parser.add_argument("--quick", action="store_true", help="3 articles, retry 1 s, 3 s (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--publish", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return 0
    if args.publish:
        publish(json.loads(args.publish))
        return 0
    if args.state:
        state(json.loads(args.state))
        return 0
    if args.quick:
        args.articles, args.retry, args.raising = 3, 1, 3
    work = Path(tempfile.mkdtemp(prefix="newsdesk-mt-outage-"))
    store, away, down_flag = work / "models", work / "away", work / "engine-down"
    print(f"building the tiny model and starting PostgreSQL of our own in {work} ...", flush=True)
    build_model(store)
    with own_postgres(work / "pg") as postgres:
        (work / "site").mkdir()
        env = site_env(
            postgres.create_database("newsdesk"),
            work / "site",
            NEWSDESK_TASKS_BACKEND="database",
            NEWSDESK_MT_ENGINE="bench.load_mt_outage.SwitchableEngine",
            NEWSDESK_MT_MODEL_DIR=str(store),
            NEWSDESK_TEST_ENGINE_DOWN=str(down_flag),
            NEWSDESK_EDITIONS_RETRY_SECONDS=str(int(args.retry)),
            LOG_LEVEL="INFO",
            PYTHONPATH=str(Path(__file__).resolve().parent.parent),
        )
        drafts = in_site(env, "--prepare", str(2 * args.articles))["drafts"]
        first, second = drafts[: args.articles], drafts[args.articles :]
        worker = [sys.executable, "-m", "newsdesk", "worker", "--queue", "translation"]
        worker += ["--interval", "0.2"]
        with (
            server(worker, env, work / "worker1.log"),
            server(worker, env, work / "worker2.log"),
        ):
            time.sleep(3)  # both workers polling
            # A: the model store's pair is gone while the articles are published.
            (away).mkdir()
            (store / "de-en").rename(away / "de-en")
            published_a = in_site(env, "--publish", json.dumps(first))["published"]
            time.sleep(2)
            during_a = in_site(env, "--state", json.dumps(first))
            (away / "de-en").rename(store / "de-en")
            after_a, took_a = wait_translated(env, first, args.wait)
            # B: the engine raises while the articles are published, then works again.
            down_flag.touch()
            raised_at = time.monotonic()
            published_b = in_site(env, "--publish", json.dumps(second))["published"]
            time.sleep(max(0.5, args.raising - (time.monotonic() - raised_at) - 1))
            during_b = in_site(env, "--state", json.dumps(second))
            time.sleep(max(0.0, args.raising - (time.monotonic() - raised_at)))
            down_flag.unlink()
            after_b, took_b = wait_translated(env, second, args.wait)
            time.sleep(1)  # a second translation would show now
            after_a = in_site(env, "--state", json.dumps(first))
            after_b = in_site(env, "--state", json.dumps(second))
    print()
    print(
        f"fault (e): translation engine unavailable during publishing; 2 translation workers "
        f"(database backend), tiny random-weight model, {os.cpu_count()} CPUs"
    )
    ok_a = outage_report("A model store unavailable", published_a, during_a, after_a, took_a)
    ok_b = outage_report(
        f"B engine raising {args.raising:.0f} s", published_b, during_b, after_b, took_b
    )
    ok = ok_a and ok_b
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
        print("RESULT ok")
    else:
        print("RESULT", "ok" if ok else "FAILED", f"(logs and data in {work})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
