"""Screening throughput: the whole default pipeline, classifier included, in-process.

Run:  flock /tmp/newsdesk-heavy.lock .venv/bin/python bench/moderation_screening.py \
          [--comments 3000] [--processes 2] [--data ../shared/data/germeval2018/...]

A site of its own (SQLite in a temporary folder, the default settings) gets a banned and a
suspect word list of 2,000 entries each, 200 reader accounts with a history (published and
rejected comments, decided cases), a pre-moderation policy for new readers, one article.
Then each process screens its share of the comments one at a time, as posting does
(``newsdesk.moderation.screening.run`` on a community Draft: normalisation, both word
lists, links, first comments, repeat posts, rejection share, the classifier, the policy),
without storing them. The texts are the GermEval 2018 tweets when the data is there (German,
a third of them offensive), else generated sentences.

Printed: comments/s per process and for all processes together beside the goal of the
moderation issue (2,000 comments/s on 2 cores), the ratio, the time per comment in each
step, and how many comments each verdict got.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "germeval2018" / "germeval2018.training.txt"
GOAL = 2000.0  # comments/s on 2 cores (issue 12)
ACCOUNTS = 200


def texts(path: Path, count: int) -> list[str]:
    if path.exists():
        lines = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line.replace("|LBR|", " ") for line in lines if line.strip()]
    else:
        rng = random.Random(7)
        words = "die stadt baut ein neues haus für schulen und das budget steigt weiter".split()
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 30))) for _ in range(500)]
    return [lines[i % len(lines)] for i in range(count)]


def word_lists() -> tuple[str, str]:
    rng = random.Random(11)
    letters = "abcdefghijklmnoprstuvwyzäöü"

    def entry() -> str:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 10)))
        return rng.choice(["", "*"]) + word + rng.choice(["", "*"])

    banned = "\n".join(entry() for _ in range(2000))
    suspect = "\n".join(entry() for _ in range(2000))
    return banned, suspect


def setup(data_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "NEWSDESK_DATA_DIR": data_dir,
            "SECRET_KEY": "bench-" + os.urandom(8).hex(),
            "LOG_LEVEL": "WARNING",
            "NEWSDESK_TASK_BACKEND": "dummy",
        }
    )
    import django

    django.setup()


def prepare(data_dir: str) -> None:
    setup(data_dir)
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from newsdesk.community import actions as community
    from newsdesk.community.comment_text import digest
    from newsdesk.community.models import Comment
    from newsdesk.core import clock
    from newsdesk.moderation.models import Case, ModerationPolicy, WordList
    from newsdesk.newsroom.testing import make_article

    call_command("migrate", interactive=False, verbosity=0)
    banned, suspect = word_lists()
    WordList.objects.create(kind=WordList.Kind.BANNED, source=banned)
    WordList.objects.create(kind=WordList.Kind.SUSPECT, source=suspect)
    ModerationPolicy.objects.create(mode=ModerationPolicy.Mode.PRE_NEW, approvals_needed=2)
    conversation = community.conversation_for_article(make_article(headline="Budget"))
    now = clock.now()
    with transaction.atomic():
        for number in range(ACCOUNTS):
            user = User.objects.create(username=f"reader{number}")
            for index in range(number % 6):
                comment = Comment.objects.create(
                    conversation=conversation,
                    author=user,
                    language="de",
                    text=f"Beitrag {number}-{index}",
                    html="",
                    text_digest=digest(f"Beitrag {number}-{index}"),
                    created_at=now - dt.timedelta(hours=index + 1),
                    status=Comment.Status.REJECTED if index % 3 == 2 else Comment.Status.VISIBLE,
                )
                Case.objects.create(
                    comment=comment,
                    queue=Case.Queue.REJECTED if index % 3 == 2 else Case.Queue.APPROVED,
                    created_at=now,
                    decided_at=now,
                )


def work(args: tuple[str, list[str], int]) -> tuple[float, int, dict[str, float], Counter[str]]:
    data_dir, batch, seed = args
    setup(data_dir)
    from django.contrib.auth.models import User

    from newsdesk.community import actions as community
    from newsdesk.community.models import Conversation
    from newsdesk.moderation import screening

    conversation = Conversation.objects.select_related("article").get()
    users = list(User.objects.all())
    steps = screening.pipeline()
    step_time: dict[str, float] = {type(step).__name__: 0.0 for step in steps}

    class Timed(screening.Step):
        def __init__(self, inner: screening.Step) -> None:
            self.inner = inner
            self.name = type(inner).__name__

        def check(self, subject: screening.Subject) -> screening.Verdict | None:
            start = time.perf_counter()
            try:
                return self.inner.check(subject)
            finally:
                step_time[self.name] += time.perf_counter() - start

    timed = [Timed(step) for step in steps]
    rng = random.Random(seed)
    verdicts: Counter[str] = Counter()
    # Warm-up: the classifier, the word lists and the policy cache load once per process.
    screening.run(community.Draft(conversation, users[0], "Hallo", None, "de", None), timed)
    for name in step_time:
        step_time[name] = 0.0
    start = time.perf_counter()
    for text in batch:
        draft = community.Draft(conversation, rng.choice(users), text, None, "de", None)
        try:
            screening.run(draft, timed)
            verdicts["held" if draft.holds else "published"] += 1
        except community.CommentRefused:
            verdicts["refused"] += 1
    elapsed = time.perf_counter() - start
    return elapsed, len(batch), step_time, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-screening-") as data_dir:
        prepare(data_dir)
        corpus = texts(args.data, args.comments)
        shares = [corpus[i :: args.processes] for i in range(args.processes)]
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.processes) as pool:
            wall = time.perf_counter()
            results = pool.map(work, [(data_dir, share, i) for i, share in enumerate(shares)])
            wall = time.perf_counter() - wall
    total = sum(count for _elapsed, count, _steps, _verdicts in results)
    rate_all = sum(count / elapsed for elapsed, count, _steps, _verdicts in results)
    source = "GermEval 2018 tweets" if args.data.exists() else "generated sentences"
    print(f"{total} comments ({source}), {args.processes} processes, default pipeline")
    for number, (elapsed, count, _steps, _verdicts) in enumerate(results, start=1):
        each = 1000 * elapsed / count
        print(f"  process {number}: {count / elapsed:8.0f} comments/s ({each:.3f} ms each)")
    print(
        f"newsdesk screening {rate_all:8.0f} comments/s   goal {GOAL:.0f}"
        f"   ratio {rate_all / GOAL:.2f}x"
    )
    steps: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for _elapsed, _count, step_time, counted in results:
        steps.update(step_time)
        verdicts.update(counted)
    print("time per comment by step (ms):")
    for name, seconds in steps.items():
        print(f"  {name:16} {1000 * seconds / total:.3f}")
    print("verdicts:", ", ".join(f"{key} {value}" for key, value in sorted(verdicts.items())))


if __name__ == "__main__":
    main()
