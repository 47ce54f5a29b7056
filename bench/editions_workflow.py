"""Translated editions: time from publish to visible edition, and what the memory saves.

Run:  .venv/bin/python bench/editions_workflow.py [--engine tiny|dummy] [--runs 5] [--quick]

It builds a throw-away site in a temporary data directory (SQLite, database task backend),
installs a translation model there (``tiny``: a random-weight Marian model converted to
CTranslate2, the real engine code path; ``dummy``: the word-for-word test engine) and then:

1. Publish → visible. A real ``newsdesk worker`` runs in its own process; each run publishes
   a three-paragraph article and polls until its English edition is visible. The peer is the
   same document translated in-process with no queue at all (what the workflow adds on top
   is the queue, the claim, storing segments and publishing the edition).
2. Incremental update. A 20-paragraph article (3 sentences each) is translated, then one
   paragraph is rewritten and the edition is brought up to date. The peer is translating
   the whole document again without the memory, as a system without one would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ISOLATED_VARIABLES = (
    "DATABASE_URL",
    "CACHE_URL",
    "SECRET_KEY_FILE",
    "DEBUG",
    "NEWSDESK_MODEL_DIR",
    "NEWSDESK_MT_ENGINE",
    "NEWSDESK_MODEL_INDEX_URL",
    "TASK_BACKEND",
    "NEWSDESK_LANGUAGES",
    "LANGUAGE_CODE",
)
VISIBLE_TIMEOUT = 120.0

SENTENCES = [
    "Der Gemeinderat hat am Montag das neue Budget für das Jahr beschlossen.",
    "Der Bürgermeister sagte, die Stadt werde drei Millionen Euro in Schulen investieren.",
    "Die Opposition kritisierte, dass die Straße beim Bahnhof nicht saniert werde.",
    "Im Juni sollen die Arbeiten an zwei neuen Häusern für Kinder beginnen.",
    "Wegen des Regens wurde die Sitzung gestern um eine Stunde verschoben.",
    "Die Zeitung hat mit Anrainern gesprochen, die sich mehr Grünflächen wünschen.",
]


class BenchError(Exception):
    pass


def site_environment(data_dir: Path, engine: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ISOLATED_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "NEWSDESK_DATA_DIR": str(data_dir),
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "DEBUG": "0",
            "TASK_BACKEND": "database",
            "NEWSDESK_LANGUAGES": "de,en",
            "NEWSDESK_MT_ENGINE": "ctranslate2" if engine == "tiny" else "dummy",
            "NEWSDESK_MODEL_DIR": str(data_dir / "models"),
            "NEWSDESK_MT_BEAM_SIZE": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def paragraph(number: int, variant: int = 0) -> str:
    picked = [SENTENCES[(number + k + variant) % len(SENTENCES)] for k in range(3)]
    # The number makes every paragraph's sentences distinct, as in a real article.
    return " ".join(f"{sentence[:-1]} ({number}.{k})." for k, sentence in enumerate(picked))


def setup_django(data_dir: Path, engine: str) -> None:
    os.environ.update(site_environment(data_dir, engine))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if engine == "tiny":
        from newsdesk.translation.marian import build_marian_release
        from newsdesk.translation.modelstore import install_from_path

        release = build_marian_release(data_dir / "release", seed=1)
        install_from_path(release, data_dir / "models", name="tiny-de-en", version="1")


def publish(headline: str, paragraphs: list[str]):  # type: ignore[no-untyped-def]
    from newsdesk.newsroom import actions
    from newsdesk.newsroom.models import Article, Block
    from newsdesk.newsroom.testing import make_section

    article = Article.objects.create(
        section=make_section(),
        headline=headline,
        slug=f"bench-{time.monotonic_ns()}",
        lead="Der Vorspann fasst die Sitzung zusammen.",
        language="de",
    )
    for position, text in enumerate(paragraphs, start=1):
        Block.objects.create(article=article, position=position * 10, kind="paragraph", text=text)
    actions.do_publish_article(article, acting_user=None)
    return article


def wait_complete(article_id: int, worker: subprocess.Popen[bytes]) -> tuple[float, bool]:
    """Seconds until the edition is complete, and whether readers see it (the checks may
    hold a random model's output for review; the work done is the same)."""
    from newsdesk.editions.models import Edition

    started = time.perf_counter()
    while time.perf_counter() - started < VISIBLE_TIMEOUT:
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode}")
        edition = Edition.objects.filter(article_id=article_id, language="en").first()
        if edition is not None and edition.state in ("published", "held"):
            return time.perf_counter() - started, edition.is_visible
        if edition is not None and edition.state == "failed":
            raise BenchError(f"edition {edition.pk} failed: {edition.error}")
        time.sleep(0.005)
    raise BenchError(f"no complete edition after {VISIBLE_TIMEOUT:.0f} s")


def publish_to_visible(data_dir: Path, engine: str, runs: int) -> dict[str, float]:
    from newsdesk.editions.models import EditionPolicy
    from newsdesk.editions.source import source_fields
    from newsdesk.translation.pipeline import translate_document

    EditionPolicy.objects.create(language="en", mode="auto")
    log = (data_dir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "worker", "--interval", "0.05"],
        env=site_environment(data_dir, engine),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        warm = publish("Aufwärmen", [paragraph(0)])
        wait_complete(warm.pk, worker)  # worker start-up and model load are not counted
        # The in-process peer loads its language detector and model once, outside the timing.
        translate_document(source_fields(warm), "de", "en", use_memory=False)
        times = []
        direct = []
        visible = 0
        for run in range(runs):
            article = publish(f"Sitzung {run}", [paragraph(run * 3 + k, 1) for k in range(3)])
            seconds, shown = wait_complete(article.pk, worker)
            times.append(seconds)
            visible += shown
            started = time.perf_counter()
            translate_document(source_fields(article), "de", "en", use_memory=False)
            direct.append(time.perf_counter() - started)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "direct": statistics.median(direct),
        "runs": runs,
        "visible": visible,
    }


def incremental(engine: str, paragraphs: int) -> dict[str, float]:
    from newsdesk.editions import workflow
    from newsdesk.editions.models import Edition
    from newsdesk.editions.source import source_fields
    from newsdesk.newsroom import actions
    from newsdesk.translation.pipeline import translate_document

    article = publish("Langer Bericht", [paragraph(100 + n) for n in range(paragraphs)])
    edition = Edition.objects.get(article=article, language="en")
    started = time.perf_counter()
    outcome = workflow.run_translation(edition.pk)
    first_seconds = time.perf_counter() - started
    edition.refresh_from_db()
    first_sent = edition.segments_sent
    total = edition.segments.exclude(origin="copied").count()

    block = article.blocks.order_by("position")[paragraphs // 2]
    block.text = paragraph(500, 2)
    block.save()
    actions.do_save_article(article, acting_user=None)
    started = time.perf_counter()
    outcome = workflow.run_translation(edition.pk)
    update_seconds = time.perf_counter() - started
    edition.refresh_from_db()
    if outcome not in ("published", "held for review"):
        raise BenchError(f"the update ended {outcome!r}")

    started = time.perf_counter()
    full = translate_document(source_fields(article), "de", "en", use_memory=False)
    full_seconds = time.perf_counter() - started
    return {
        "segments": total,
        "first_sent": first_sent,
        "first_seconds": first_seconds,
        "update_sent": edition.segments_sent,
        "update_reused": edition.segments_reused,
        "update_seconds": update_seconds,
        "full_sent": full.sent_to_engine,
        "full_seconds": full_seconds,
        "paragraphs": paragraphs,
    }


def report(engine: str, visible: dict[str, float], update: dict[str, float]) -> str:
    saved = update["full_sent"] - update["update_sent"]
    share = saved / update["full_sent"] if update["full_sent"] else 0.0
    ratio = update["update_seconds"] / update["full_seconds"] if update["full_seconds"] else 0
    lines = [
        f"engine: {engine}",
        "",
        "| measure | newsdesk editions | peer | ratio |",
        "| --- | --- | --- | --- |",
        (
            f"| publish → English edition complete (median of {visible['runs']:.0f} runs; "
            f"{visible['visible']:.0f} visible, the others held by the checks) "
            f"| {visible['median'] * 1000:.0f} ms (min {visible['min'] * 1000:.0f}, "
            f"max {visible['max'] * 1000:.0f}) "
            f"| {visible['direct'] * 1000:.0f} ms (translate_document in-process, no queue) "
            f"| {visible['median'] / visible['direct']:.2f}x the peer's time |"
        ),
        (
            f"| segments sent to the engine after 1 of "
            f"{update['paragraphs']:.0f} paragraphs changed "
            f"| {update['update_sent']:.0f} of {update['segments']:.0f} "
            f"({update['update_reused']:.0f} from the memory) "
            f"| {update['full_sent']:.0f} (whole document again, no memory) "
            f"| {share:.0%} saved |"
        ),
        (
            f"| time to bring the edition up to date (newsdesk: whole task incl. storing; "
            f"peer: engine call only) "
            f"| {update['update_seconds'] * 1000:.0f} ms "
            f"| {update['full_seconds'] * 1000:.0f} ms "
            f"| {ratio:.2f}x the peer's time |"
        ),
        "",
        f"first translation of the long article: {update['first_sent']:.0f} segments "
        f"in {update['first_seconds'] * 1000:.0f} ms",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["tiny", "dummy"], default="tiny")
    parser.add_argument("--runs", type=int, default=5, help="publish → visible runs")
    parser.add_argument("--paragraphs", type=int, default=20, help="paragraphs of the long one")
    parser.add_argument("--quick", action="store_true", help="2 runs, 6 paragraphs")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.paragraphs = 2, 6
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.paragraphs < 2:
        parser.error("--paragraphs must be at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-editions-") as directory:
        data_dir = Path(directory)
        try:
            setup_django(data_dir, args.engine)
            visible = publish_to_visible(data_dir, args.engine, args.runs)
            update = incremental(args.engine, args.paragraphs)
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(report(args.engine, visible, update))
    return 0


if __name__ == "__main__":
    sys.exit(main())
