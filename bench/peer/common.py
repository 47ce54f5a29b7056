"""What both sides of bench/mt_peer.py share: the engine rule, memory readings, the JSON loop.

Standard library only: it is imported by newsdesk's side (newsdesk's virtualenv) and by the
peer's side (the peer's own virtualenv), so that both are driven and measured the same way.

The engine rule. Random weights never emit an end of sentence, so every side would decode to
its limit (CTranslate2's default 256, or newsdesk's own). Both sides therefore get the same
``ctranslate2.Translator`` wrapped: each call's examples are grouped by source length (a group
spans at most 4 pieces) and every group is decoded to exactly its longest source length, as a
real model roughly would (mt_speed.py's rule). Groups are handed to CTranslate2 together
(asynchronous calls), so that parallel translators each take one, whoever calls. Everything
else the caller asks for (beam, batch size and type, vocabulary map) is passed on as asked.

With ``mode = "echo"`` the wrapper answers each example with its own source pieces and runs
no model: a perfect engine, so that whatever the output loses (tags, attributes, escaping) is
the pipeline's doing. Both modes count the examples and pieces that reached the engine.

Across a process boundary (the server mode of mt_peer.py, where the wrapper runs inside a
LibreTranslate server and newsdesk's gunicorn workers), the mode and the counters go through a
folder named by ``NEWSDESK_BENCH_ENGINE_CONTROL`` (``FileControl``): the driver writes the mode
into it, and every engine call of every process appends its counts as one JSON line.
``bench/peer/site/sitecustomize.py`` installs the wrapper when that variable is set.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUCKET = 4  # a group's source lengths differ by at most this many pieces
CONTROL_ENV = "NEWSDESK_BENCH_ENGINE_CONTROL"


class Counters:
    """What reached the engine since the last reset."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.calls = 0  # translate_batch calls made by the side's code
        self.segments = 0  # examples (segments) in them
        self.source_tokens = 0
        self.target_tokens = 0  # pieces of the best hypotheses

    def as_dict(self) -> dict[str, int]:
        return {
            "calls": self.calls,
            "segments": self.segments,
            "source_tokens": self.source_tokens,
            "target_tokens": self.target_tokens,
        }


COUNTERS = Counters()
MODE = {"mode": "fixed"}  # "fixed" (the model, fixed lengths) or "echo" (no model)


class FileControl:
    """The mode and the counters shared through a folder: ``mode`` holds "fixed" or "echo"
    (written by the driver, read at every engine call), ``counts`` one JSON line per engine
    call (appended by whichever process made it: a line is written in one call, so lines of
    several processes or threads do not mix)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def set_mode(self, mode: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "mode").write_text(mode)

    def mode(self) -> str:
        try:
            return (self.folder / "mode").read_text().strip() or "fixed"
        except FileNotFoundError:
            return "fixed"

    def record(self, counts: dict[str, int]) -> None:
        with (self.folder / "counts").open("a") as handle:
            handle.write(json.dumps(counts) + "\n")

    def take_counts(self) -> dict[str, int]:
        """The counts recorded since the last call, summed; starts a new count."""
        path = self.folder / "counts"
        total = Counters().as_dict()
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        path.write_text("")
        for line in lines:
            for key, value in json.loads(line).items():
                total[key] += value
        return total


CONTROL: dict[str, FileControl] = {}  # "control": set by wrap_ctranslate2(control=...)


class _Hypotheses:
    """Stands in for ctranslate2.TranslationResult in echo mode."""

    def __init__(self, tokens: list[str], count: int) -> None:
        self.hypotheses = [list(tokens) for _ in range(count)]
        self.scores = [0.0] * count


class _Done:
    """Stands in for ctranslate2.AsyncTranslationResult when the caller asked for one."""

    def __init__(self, result: Any) -> None:
        self._result = result

    def result(self) -> Any:
        return self._result

    def done(self) -> bool:
        return True


class FixedLengthTranslator:
    """A ctranslate2.Translator whose outputs are as long as their sources (see the module)."""

    def __init__(self, translator: Any) -> None:
        self._translator = translator

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)

    def translate_batch(self, source: list[list[str]], *args: Any, **options: Any) -> list[Any]:
        control = CONTROL.get("control")
        mode = control.mode() if control else MODE["mode"]
        asynchronous = bool(options.pop("asynchronous", False))
        count = int(options.get("num_hypotheses", 1))
        results: list[Any] = [None] * len(source)
        if mode == "echo":
            for i, tokens in enumerate(source):
                results[i] = _Hypotheses(tokens, count)
        else:
            order = sorted(range(len(source)), key=lambda i: len(source[i]))
            groups: list[list[int]] = []
            for i in order:
                if groups and len(source[i]) <= len(source[groups[-1][0]]) + BUCKET:
                    groups[-1].append(i)
                else:
                    groups.append([i])
            pending = []
            for group in reversed(groups):  # the longest first
                length = max(1, max(len(source[i]) for i in group))
                pending.append(
                    (
                        group,
                        self._translator.translate_batch(
                            [source[i] for i in group],
                            *args,
                            **{
                                **options,
                                "min_decoding_length": length,
                                "max_decoding_length": length,
                                "asynchronous": True,
                            },
                        ),
                    )
                )
            for group, handles in pending:
                for i, handle in zip(group, handles, strict=True):
                    results[i] = handle.result()
        counts = {
            "calls": 1,
            "segments": len(source),
            "source_tokens": sum(len(tokens) for tokens in source),
            "target_tokens": sum(len(r.hypotheses[0]) for r in results),
        }
        COUNTERS.calls += 1
        COUNTERS.segments += counts["segments"]
        COUNTERS.source_tokens += counts["source_tokens"]
        COUNTERS.target_tokens += counts["target_tokens"]
        if control:
            control.record(counts)
        return [_Done(r) for r in results] if asynchronous else results


def wrap_ctranslate2(control: FileControl | None = None) -> None:
    """Make every ctranslate2.Translator this process creates a FixedLengthTranslator; with
    ``control``, its mode is read from there and its counts are written there too."""
    import ctranslate2

    if control is not None:
        CONTROL["control"] = control

    real = ctranslate2.Translator
    if getattr(real, "_bench_wrapped", False):
        return

    def make(*args: Any, **kwargs: Any) -> FixedLengthTranslator:
        return FixedLengthTranslator(real(*args, **kwargs))

    make._bench_wrapped = True  # type: ignore[attr-defined]
    ctranslate2.Translator = make  # type: ignore[misc,assignment]


def wrap_from_environment() -> bool:
    """wrap_ctranslate2 with the FileControl that NEWSDESK_BENCH_ENGINE_CONTROL names, if it
    names one (sitecustomize.py calls this in every process of a benchmarked server)."""
    import os

    folder = os.environ.get(CONTROL_ENV)
    if not folder:
        return False
    wrap_ctranslate2(FileControl(Path(folder)))
    return True


def reset_peak() -> None:
    """Start a new peak of resident memory (Linux: VmHWM is reset by clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def memory_mb() -> dict[str, float]:
    """This process's resident memory now and its peak since the last reset_peak, in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return {"rss_mb": values.get("VmRSS", 0.0), "peak_mb": values.get("VmHWM", 0.0)}


def _profile_text(profiler: Any, lines: int) -> str:
    """The functions with the most time inside them (cumulative), as pstats prints them."""
    import io
    import pstats

    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(lines)
    text = buffer.getvalue()
    return text[text.find("   ncalls") :] if "   ncalls" in text else text


def serve(handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]]) -> None:
    """Answer JSON requests, one per line on stdin, one JSON answer per line on stdout.

    ``{"op": "translate", "kind": "html"|"text"|"batch", "texts": [...], "mode": ...}`` is
    timed here for every side alike: the side's own call only, with the peak memory reset
    before it; the answer carries seconds, peak_mb, rss_mb, outputs and the engine counters.
    Other ops go to their handler as they are. Diagnostics go to stderr.
    """
    out = sys.stdout
    sys.stdout = sys.stderr  # libraries that print must not break the protocol
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request["op"]
        try:
            if op == "quit":
                out.write(json.dumps({"ok": True}) + "\n")
                out.flush()
                return
            if op == "translate":
                MODE["mode"] = request.get("mode", "fixed")
                handlers["prepare"](request)
                COUNTERS.reset()
                reset_peak()
                profiler = None
                if request.get("profile"):
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                started = time.perf_counter()
                outputs = handlers["translate"](request)["outputs"]
                seconds = time.perf_counter() - started
                if profiler is not None:
                    profiler.disable()
                answer = {
                    "ok": True,
                    "outputs": outputs,
                    "seconds": seconds,
                    **memory_mb(),
                    **COUNTERS.as_dict(),
                }
                if profiler is not None:
                    answer["profile"] = _profile_text(profiler, request.get("profile_lines", 12))
            else:
                answer = {"ok": True, **handlers[op](request)}
        except Exception as exc:  # reported to the driver, which stops
            import traceback

            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()
