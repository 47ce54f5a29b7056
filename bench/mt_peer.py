"""newsdesk's translation pipeline against Argos Translate (as LibreTranslate runs it), one model.

Run:  .venv/bin/python bench/mt_peer.py            (full-size random-weight opus-mt-de-en shape)
      .venv/bin/python bench/mt_peer.py --quick    (the tiny test model, one pass: CI's smoke run)
      .venv/bin/python bench/mt_peer.py --server [--quick]   (both as HTTP servers, see below)

The peer never becomes a dependency of newsdesk: the command makes its own virtualenv
(``--venv``, default ~/.cache/newsdesk-bench/peer-venv) with argostranslate 1.11.0 and what it
needs to run here (see PEER_PACKAGES), and runs the peer there as a subprocess. newsdesk runs
in a subprocess of its own too; both answer JSON lines (bench/peer/common.py), so that both
are timed and their memory read the same way, inside their own process.

1. Builds one CTranslate2 model (the speed bench's random-weight model of opus-mt-de-en's
   size, or the tiny one with --quick) and installs it with newsdesk's installer; packs the
   same CTranslate2 files as an Argos ``.argosmodel`` (metadata.json, sentencepiece.model,
   model/, and a blank spaCy pipeline for Argos's sentencizer) and installs that into Argos,
   whose data, config, cache and package folders are all in a temporary folder.
2. Equal work: the same beam size, threads (inter and intra), compute type and CTranslate2
   build on both sides, and the same decoding rule (every segment decoded to its own source
   length: bench/peer/common.py); the target tokens each side produced are printed.
3. Per input (the 600-word article as HTML, the same as plain text, 100 short comments):
   a warm-up run, then ``--repeat`` timed runs on each side in turn, each with an empty
   translation memory (newsdesk) or paragraph cache (Argos); the best time counts. Peak
   memory is the side's process peak resident memory during the run (VmHWM, reset before).
4. Fidelity, with a perfect engine (each segment answered with its own source: no side can
   blame the model): start tags with their attributes back as in the source, escaped text
   (``&lt;`` ``&gt;`` ``&amp;``) still escaped, tags that were not in the source, and how
   many segments reached the engine.

``--server``: the same model, inputs, rule and report, but each side is a real HTTP server on
127.0.0.1 asked by one client (bench/peer/servers.py): a LibreTranslate 1.9.6 server (its own
virtualenv, ``--server-venv``, default ~/.cache/newsdesk-bench/libretranslate-venv, pinned in
servers.LIBRETRANSLATE_PACKAGES) with the package installed into temporary Argos folders, and
newsdesk's production server (gunicorn with deploy/gunicorn.conf.py, ``--web-workers``, default
1) on a fresh SQLite site with an API key from ``newsdesk mt keys add``. LibreTranslate starts
offline because two packages are installed: its boot downloads the package index, packages and
MiniSBD's models only when fewer than two are (or when asked to update); the second package is
the same model as en-de, never used. The fixed-length wrapper goes into both servers through
bench/peer/site/sitecustomize.py; the mode and the counters cross the process boundary through
a folder (common.FileControl). Each request: ``format=html`` for the HTML article,
``format=text`` for the plain text, ``q`` a list of the 100 comments; timed by the client (from
sending the request to the answer's last byte), memory the sum of the peak resident memory of
every process of the server's tree (VmHWM, reset through /proc/PID/clear_refs before the
request), so gunicorn's master counts with its worker. Before each request newsdesk's
translation memory is emptied and LibreTranslate translates a short other text (its paragraph
cache holds the last request's paragraphs).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.peer.virtualenvs import cached_virtualenv  # noqa: E402

PEER_DIR = Path(__file__).resolve().parent / "peer"
DEFAULT_VENV = Path.home() / ".cache" / "newsdesk-bench" / "peer-venv"
DEFAULT_SERVER_VENV = Path.home() / ".cache" / "newsdesk-bench" / "libretranslate-venv"
# The peer: argostranslate as published, and LibreTranslate's HTML code (translatehtml 1.5.3,
# the same translate_html as argos-translate-files, which LibreTranslate 1.9 imports).
# Installed without their declared dependencies, which would bring PyTorch with CUDA
# (through stanza): Argos imports stanza and minisbd at start but uses neither with
# ARGOS_CHUNK_TYPE=SPACY, and both would download their sentence models from the internet at
# run time. stanza is replaced by an empty module; minisbd (with onnxruntime) is installed
# as it is, since Argos imports it. The sentencizer is spaCy's rule-based one on a blank
# German pipeline packed into the .argosmodel (Argos's SpacySentencizerSmall).
PEER_NO_DEPS = ["argostranslate==1.11.0", "translatehtml==1.5.3"]
PEER_PACKAGES = [
    "sentencepiece==0.2.3",
    "sacremoses==0.1.1",
    "packaging",
    "minisbd==0.9.5",
    "spacy==3.8.18",
    "beautifulsoup4==4.9.3",
]
STANZA_STUB = '''"""Stand-in for stanza, made by newsdesk's bench/mt_peer.py: Argos imports
it at start; the benchmark runs Argos with ARGOS_CHUNK_TYPE=SPACY, which never uses it."""


class Pipeline:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("stanza is not installed in this benchmark virtualenv")
'''

# --- inputs ------------------------------------------------------------------------------

SUBHEADINGS = [
    "Schulen bekommen neue Turnsäle",
    "Straßenbahn und Radwege",
    "Schutz vor Hochwasser",
]
ESCAPED_PARAGRAPH = (
    "Im Entwurf stand versehentlich &lt;b&gt;vertraulich&lt;/b&gt; über dem Kapitel, wie "
    "die Firma Huber &amp; Söhne bemerkte."
)
# 100 comments, every sentence different (the pipeline would translate a repeated one only
# once): 25 sentences with a slot, each with 4 places, and a second sentence on some.
COMMENT_PLACES = ["bei uns im Norden", "in der Innenstadt", "am Stadtrand", "in Favoriten"]
COMMENT_BODIES = [
    "Die Radwege {} sind wirklich dringend nötig.",
    "Warum dauert die Straßenbahn {} so lange?",
    "Die Mieten {} steigen jedes Jahr, das Budget hilft uns nicht.",
    "Unsere Schule {} wartet seit Jahren auf einen Turnsaal.",
    "Drei Millionen Euro sind viel Geld für so wenig {}.",
    "Wer zahlt {} am Ende die höheren Gebühren?",
    "Beim letzten Hochwasser stand unser Keller {} unter Wasser.",
    "Die Feuerwehr hat {} großartige Arbeit geleistet.",
    "Parkplätze braucht {} doch niemand mehr.",
    "Ohne Auto kommt man {} kaum weg.",
    "Ich gehe am Donnerstag zur Sitzung, weil es {} so nicht weitergeht.",
    "Die Opposition meckert {} immer, hat aber keine Ideen.",
    "Vier Prozent mehr für Wasser ist {} zu viel.",
    "Gut, dass auch {} endlich etwas saniert wird.",
    "Die Baustelle {} wird uns zwei Jahre lang nerven.",
    "Hat jemand {} den Antrag der Grünen gelesen?",
    "Fernwärme wäre {} wirklich die bessere Lösung.",
    "Die Schulden sinken {} nur auf dem Papier.",
    "Es fehlt {} seit Jahren ein Kindergarten.",
    "Wie immer wird zuerst im Zentrum gebaut und nicht {}.",
    "Die Petition haben {} über tausend Leute unterschrieben.",
    "Nachts bitte keine Bauarbeiten {}, danke!",
    "Wann kommt der Radweg {} endlich bis zum Bahnhof?",
    "Wer HTML schreibt, weiß auch {}: &lt;b&gt; macht fett.",
    "Ein Provisorium bis Jänner ist {} doch kein Problem.",
]
COMMENT_SECONDS = [
    "Endlich passiert etwas.",
    "Das sehe ich anders.",
    "Danke für den Bericht!",
    "Ich wohne seit zwanzig Jahren hier.",
    "Mal sehen, was davon übrig bleibt.",
    "Typisch Gemeinderat.",
    "Bitte mehr solche Artikel.",
    "Wer hat das eigentlich geplant?",
    "Ich bin gespannt.",
    "So wird das nichts.",
    "Gute Idee, schlechte Umsetzung.",
    "Hoffentlich hält das Versprechen.",
    "Das war längst überfällig.",
]


def article_parts() -> dict[str, Any]:
    """The article: kicker, headline, lead, three subheadings and 17 paragraphs (about 600
    words, no sentence twice) with bold words, emphasis and links (one with a title, all
    with an escaped ``&amp;`` in their address), and a paragraph of escaped markup."""
    from bench.mt_speed import ARTICLE_SENTENCES

    paragraphs = []
    for n in range(0, len(ARTICLE_SENTENCES) - 2, 3):
        first, second, third = ARTICLE_SENTENCES[n : n + 3]
        head, rest = first.split(" ", 1)
        first = f"<strong>{head}</strong> {rest}"
        *body, last = second.rstrip(".").split(" ")
        title = ' title="Mehr zum Thema"' if n == 0 else ""
        second = (
            " ".join(body) + f' <a href="https://example.org/a?id={n}&amp;s=1"{title}>{last}</a>.'
        )
        words = third.split(" ")
        words[2] = f"<em>{words[2]}</em>"
        paragraphs.append(f"{first} {second} {' '.join(words)}")
    paragraphs.insert(7, ESCAPED_PARAGRAPH)
    return {
        "kicker": "Gemeinderat",
        "headline": "Gemeinderat beschließt Budget für 2027",
        "lead": "Drei Millionen Euro für Schulen, Radwege und die Straßenbahn.",
        "paragraphs": paragraphs,
    }


def article_html() -> str:
    parts = article_parts()
    blocks = [
        f'<p class="kicker">{parts["kicker"]}</p>',
        f"<h1>{parts['headline']}</h1>",
        f'<p class="lead">{parts["lead"]}</p>',
    ]
    for i, paragraph in enumerate(parts["paragraphs"]):
        if i and i % 5 == 0 and i // 5 <= len(SUBHEADINGS):
            blocks.append(f"<h2>{SUBHEADINGS[i // 5 - 1]}</h2>")
        blocks.append(f"<p>{paragraph}</p>")
    return "\n".join(blocks)


def article_text() -> str:
    """The same article as plain text: every block a paragraph, blank lines between them."""
    blocks = re.findall(r"<(p|h1|h2)[^>]*>(.*?)</\1>", article_html(), flags=re.S)
    return "\n\n".join(html.unescape(re.sub(r"<[^>]+>", "", inner)) for _tag, inner in blocks)


def comments() -> list[str]:
    """100 short comments in plain text, no sentence twice; two carry the text "&lt;b&gt;" as
    a reader typed it (about HTML), two the same with "<b>"."""
    texts = []
    for i in range(len(COMMENT_PLACES) * len(COMMENT_BODIES)):
        place = COMMENT_PLACES[i // len(COMMENT_BODIES)]
        text = COMMENT_BODIES[i % len(COMMENT_BODIES)].format(place)
        if i % 2:
            text = html.unescape(text)
        if i % 8 == 0:
            text = f"{COMMENT_SECONDS[i // 8]} {text}"
        texts.append(text)
    return texts


@dataclass(frozen=True)
class Input:
    name: str
    kind: str  # "html", "text" or "batch" (a list of plain texts)
    texts: list[str]

    @property
    def words(self) -> int:
        return sum(len(re.sub(r"<[^>]+>", " ", t).split()) for t in self.texts)


def inputs() -> list[Input]:
    return [
        Input("article, HTML", "html", [article_html()]),
        Input("article, plain text", "text", [article_text()]),
        Input("100 comments", "batch", comments()),
    ]


# --- fidelity ----------------------------------------------------------------------------

ESCAPES = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")
READER_ATTRIBUTES = {"alt", "title"}  # newsdesk translates them on purpose


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = tuple((k, v) for k, v in attrs if k not in READER_ATTRIBUTES)
        self.elements.append((tag, kept))


def elements(text: str) -> list[tuple[str, tuple[tuple[str, str | None], ...]]]:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser.elements


def _matched(source: list[Any], output: list[Any]) -> int:
    return sum(block.size for block in SequenceMatcher(None, source, output).get_matching_blocks())


@dataclass
class Fidelity:
    tags: int = 0  # start tags in the source
    tags_kept: int = 0  # back with the same name and attributes (alt/title aside), in order
    tags_verbatim: int = 0  # back byte for byte
    tags_invented: int = 0  # in the output but not in the source
    escapes: int = 0  # &lt; &gt; &amp; &quot; &#..; in the source
    escapes_kept: int = 0
    texts: int = 0
    texts_identical: int = 0  # whitespace aside
    notes: list[str] = field(default_factory=list)


def fidelity(kind: str, sources: list[str], outputs: list[str]) -> Fidelity:
    """How much of the source a side gave back when the engine echoed every segment."""
    result = Fidelity()
    for source, output in zip(sources, outputs, strict=True):
        result.texts += 1
        if " ".join(source.split()) == " ".join(output.split()):
            result.texts_identical += 1
        src_escapes = Counter(ESCAPES.findall(source))
        out_escapes = Counter(ESCAPES.findall(output))
        result.escapes += sum(src_escapes.values())
        result.escapes_kept += sum(min(n, out_escapes[e]) for e, n in src_escapes.items())
        if kind != "html":
            continue
        src_elements, out_elements = elements(source), elements(output)
        result.tags += len(src_elements)
        result.tags_kept += _matched(src_elements, out_elements)
        result.tags_invented += max(0, len(out_elements) - _matched(src_elements, out_elements))
        src_raw = [m.group(0) for m in START_TAG.finditer(source)]
        out_raw = [m.group(0) for m in START_TAG.finditer(output)]
        result.tags_verbatim += _matched(src_raw, out_raw)
    return result


# --- the peer's virtualenv and package ----------------------------------------------------


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def ensure_peer_venv(venv: Path, ctranslate2_version: str) -> Path:
    """Make (once) the peer's virtualenv with pip from PyPI; returns its python. Raises
    SystemExit with pip's message when it cannot be built (no PyPI, no venv module)."""

    def stub_stanza(python: Path) -> None:
        purelib = _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
        stub = Path(purelib) / "stanza"
        stub.mkdir(exist_ok=True)
        (stub / "__init__.py").write_text(STANZA_STUB)

    return cached_virtualenv(
        venv,
        [*PEER_NO_DEPS, f"ctranslate2=={ctranslate2_version}", *PEER_PACKAGES],
        [["--no-deps", *PEER_NO_DEPS], [f"ctranslate2=={ctranslate2_version}", *PEER_PACKAGES]],
        label="the peer's virtualenv",
        minutes="about a minute",
        finish=stub_stanza,
    )


LANGUAGE_NAMES = {"de": "German", "en": "English"}


def pack_argos_model(
    model: Path, out: Path, peer_python: Path, version: str, source: str = "de", target: str = "en"
) -> Path:
    """Write ``out`` (an .argosmodel: a zip of one folder with metadata.json,
    sentencepiece.model, README.md, model/ with the CTranslate2 files, and spacy/ with a blank
    spaCy pipeline of the source language for Argos's sentencizer) from newsdesk's installed
    model folder, as the package for ``source`` to ``target``."""
    folder = out.parent / f"translate-{source}_{target}-{version}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "model").mkdir(parents=True)
    for name in ("model.bin", "config.json", "shared_vocabulary.json"):
        shutil.copy2(model / name, folder / "model" / name)
    # One sentencepiece model for both sides, as Argos packages have (the bench model's
    # source.spm and target.spm are the same file).
    shutil.copy2(model / "source.spm", folder / "sentencepiece.model")
    metadata = {
        "package_version": version,
        "argos_version": "1.11.0",
        "from_code": source,
        "from_name": LANGUAGE_NAMES[source],
        "to_code": target,
        "to_name": LANGUAGE_NAMES[target],
        "type": "translate",
        "code": f"translate-{source}_{target}-{version}",
        "links": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2))
    (folder / "README.md").write_text(
        "Random-weight model of opus-mt-de-en's shape, made by newsdesk's bench/mt_peer.py.\n"
    )
    made = _run(
        [
            str(peer_python),
            "-c",
            "import spacy, sys; spacy.blank(sys.argv[2]).to_disk(sys.argv[1])",
            str(folder / "spacy"),
            source,
        ]
    )
    if made.returncode != 0:
        raise SystemExit(f"cannot write the blank spaCy pipeline:\n{made.stderr[-2000:]}")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder.parent))
    shutil.rmtree(folder)
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the two sides -------------------------------------------------------------------------


class Side:
    """One side's process: JSON requests in, JSON answers out."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} stopped:\n{self.stderr_tail()}")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise SystemExit(f"{self.name} failed: {answer.get('error')}\n{self.stderr_tail()}")
        return answer

    def stderr_tail(self) -> str:
        self.process.kill()
        _out, err = self.process.communicate(timeout=10)
        return (err or "")[-3000:]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask(op="quit")
                self.process.wait(timeout=30)
            except (SystemExit, OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def start_sides(
    workdir: Path, peer_python: Path, package: Path, layout: tuple[int, int], args: Any
) -> tuple[Side, Side, dict[str, Any], dict[str, Any]]:
    inter, intra = layout
    # Each side gets its own settings only: a fresh SQLite site for newsdesk (never the
    # caller's DATABASE_URL), temporary folders for Argos.
    from bench.peer.servers import argos_environment

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARGOS_", "XDG_", "NEWSDESK_", "DJANGO_")) and k != "DATABASE_URL"
    }
    site = workdir / f"site-{inter}x{intra}"
    site.mkdir(parents=True, exist_ok=True)
    newsdesk = Side(
        "newsdesk",
        [sys.executable, str(PEER_DIR / "newsdesk_side.py")],
        {**base, "NEWSDESK_DATA_DIR": str(site), "DJANGO_SETTINGS_MODULE": "newsdesk.settings"},
    )
    peer_env = {
        **base,
        **argos_environment(
            workdir / f"argos-{inter}x{intra}",
            compute_type=args.compute_type,
            beam=args.beam,
            inter=inter,
            intra=intra,
        ),
    }
    peer = Side("argos", [str(peer_python), str(PEER_DIR / "argos_side.py")], peer_env)
    try:
        newsdesk_info = newsdesk.ask(
            op="load",
            model_dir=str(workdir / "models"),
            source="de",
            target="en",
            compute_type=args.compute_type,
            inter_threads=inter,
            intra_threads=intra,
            beam_size=args.beam,
            restrict_vocabulary=not args.whole_vocabulary,
            max_batch_tokens=args.max_batch_tokens,
        )
        peer_info = peer.ask(op="load", package=str(package), source="de", target="en")
    except SystemExit:
        newsdesk.close()
        peer.close()
        raise
    return newsdesk, peer, newsdesk_info, peer_info


# --- the run ------------------------------------------------------------------------------


def prepare_model(workdir: Path, quick: bool, corpus_path: Path | None) -> dict[str, Any]:
    from bench.mt_speed import (
        ARTICLE_SENTENCES,
        OPUS_MT_PIECES,
        SENTENCES,
        _real_sized_vocabulary_map,
        german_corpus,
    )
    from newsdesk.translation.marian import MarianShape, build_marian_release
    from newsdesk.translation.modelstore import install_from_path

    corpus = None if quick or not corpus_path else german_corpus(corpus_path)
    started = time.perf_counter()
    if quick:
        release = build_marian_release(
            workdir / "release", sentences=[*SENTENCES, *ARTICLE_SENTENCES], seed=1
        )
    else:
        release = build_marian_release(
            workdir / "release",
            shape=MarianShape.opus_mt_de_en(),
            sentences=SENTENCES,
            corpus=corpus[0] if corpus else None,
            pieces=OPUS_MT_PIECES if corpus else 2000,
        )
    install_from_path(release, workdir / "models", name="random-de-en", version="bench")
    candidates = None if quick else _real_sized_vocabulary_map(workdir / "models" / "de-en")
    return {
        "seconds": time.perf_counter() - started,
        "corpus": corpus[1] if corpus else None,
        "vocabulary_map": candidates,
    }


@dataclass
class Row:
    side: str
    seconds: float
    target_tokens: int
    source_tokens: int
    segments: int
    calls: int
    peak_mb: float

    @property
    def tok_s(self) -> float:
        return self.target_tokens / self.seconds if self.seconds else 0.0


def measure(
    newsdesk: Side, peer: Side, items: list[Input], repeat: int
) -> tuple[dict[str, dict[str, Row]], dict[str, dict[str, Fidelity]], dict[str, dict[str, int]]]:
    rows: dict[str, dict[str, Row]] = {}
    fidelities: dict[str, dict[str, Fidelity]] = {}
    echo_segments: dict[str, dict[str, int]] = {}
    sides = {"newsdesk": newsdesk, "argos": peer}
    for item in items:
        request = {"op": "translate", "kind": item.kind, "texts": item.texts}
        fidelities[item.name], echo_segments[item.name] = {}, {}
        for name, side in sides.items():
            echoed = side.ask(**request, mode="echo")
            fidelities[item.name][name] = fidelity(item.kind, item.texts, echoed["outputs"])
            echo_segments[item.name][name] = echoed["segments"]
            side.ask(**request, mode="fixed")  # warm-up
        best: dict[str, Row] = {}
        for _ in range(repeat):
            for name, side in sides.items():  # in turn, so that both see the same load
                answer = side.ask(**request, mode="fixed")
                row = Row(
                    name,
                    answer["seconds"],
                    answer["target_tokens"],
                    answer["source_tokens"],
                    answer["segments"],
                    answer["calls"],
                    answer["peak_mb"],
                )
                if name not in best or row.seconds < best[name].seconds:
                    row.peak_mb = max(row.peak_mb, best[name].peak_mb if name in best else 0)
                    best[name] = row
                else:
                    best[name].peak_mb = max(best[name].peak_mb, row.peak_mb)
        rows[item.name] = best
    return rows, fidelities, echo_segments


def profile(newsdesk: Side, peer: Side, items: list[Input]) -> None:
    for item in items:
        for side in (newsdesk, peer):
            answer = side.ask(
                op="translate", kind=item.kind, texts=item.texts, mode="fixed", profile=True
            )
            print(
                f"\nprofile: {item.name}, {side.name} ({answer['seconds']:.3f} s with the "
                f"profiler on)\n{answer['profile'].rstrip()}"
            )


# --- the server mode ----------------------------------------------------------------------


def _request_body(item: Input, key: str) -> dict[str, Any]:
    """LibreTranslate's /translate parameters, the same for both servers: the HTML article
    with format=html, the plain text with format=text, the comments as one list ``q``."""
    return {
        "q": item.texts if item.kind == "batch" else item.texts[0],
        "source": "de",
        "target": "en",
        "format": "html" if item.kind == "html" else "text",
        "api_key": key,
    }


class ServerSide:
    """One server as the measurements see it: how to forget earlier translations, where its
    translate endpoint is, its engine counters."""

    def __init__(self, name: str, server: Any, path: str, key: str, forget: Any) -> None:
        self.name, self.server, self.path, self.key, self.forget = name, server, path, key, forget

    def translate(self, item: Input, mode: str) -> tuple[list[str], Row, list[float]]:
        """One request in ``mode`` after forgetting: outputs, the row (client's seconds, the
        engine's counts, the sum of the tree's peak memory) and each process's peak."""
        self.server.control.set_mode(mode)
        self.forget()
        self.server.control.take_counts()
        self.server.reset_peaks()
        answer, seconds = self.server.post(self.path, _request_body(item, self.key))
        peaks = self.server.peaks_mb()
        counts = self.server.control.take_counts()
        outputs = answer["translatedText"]
        row = Row(
            self.name,
            seconds,
            counts["target_tokens"],
            counts["source_tokens"],
            counts["segments"],
            counts["calls"],
            sum(peaks),
        )
        return outputs if isinstance(outputs, list) else [outputs], row, peaks


def measure_servers(
    sides: list[ServerSide], items: list[Input], repeat: int
) -> tuple[
    dict[str, dict[str, Row]],
    dict[str, dict[str, Fidelity]],
    dict[str, dict[str, int]],
    dict[str, list[float]],
]:
    """As measure(), over HTTP: per input, an echo request per side (fidelity), a warm-up,
    then ``repeat`` timed requests on each side in turn; the best time counts, the peak memory
    is the highest of the timed requests. Also each process's peak in that request."""
    rows: dict[str, dict[str, Row]] = {}
    fidelities: dict[str, dict[str, Fidelity]] = {}
    echo_segments: dict[str, dict[str, int]] = {}
    process_peaks: dict[str, list[float]] = {side.name: [] for side in sides}
    for item in items:
        fidelities[item.name], echo_segments[item.name] = {}, {}
        for side in sides:
            outputs, echoed, _peaks = side.translate(item, "echo")
            fidelities[item.name][side.name] = fidelity(item.kind, item.texts, outputs)
            echo_segments[item.name][side.name] = echoed.segments
            side.translate(item, "fixed")  # warm-up
        best: dict[str, Row] = {}
        for _ in range(repeat):
            for side in sides:
                _outputs, row, peaks = side.translate(item, "fixed")
                if sum(peaks) > sum(process_peaks[side.name]):
                    process_peaks[side.name] = peaks
                if side.name not in best or row.seconds < best[side.name].seconds:
                    row.peak_mb = max(
                        row.peak_mb, best[side.name].peak_mb if side.name in best else 0
                    )
                    best[side.name] = row
                else:
                    best[side.name].peak_mb = max(best[side.name].peak_mb, row.peak_mb)
        rows[item.name] = best
    return rows, fidelities, echo_segments, process_peaks


def run_servers(
    args: Any,
    layouts: list[tuple[int, int]],
    items: list[Input],
    workdir: Path,
    lt_python: Path,
    packages: list[Path],
) -> dict[str, Any]:
    """Every layout with both servers started afresh: LibreTranslate and newsdesk's gunicorn."""
    from bench.peer.servers import (
        LIBRETRANSLATE_PACKAGES,
        argos_environment,
        forget_translations,
        start_libretranslate,
        start_newsdesk,
    )

    results = {}
    for inter, intra in layouts:
        engine_env = {
            "NEWSDESK_MT_COMPUTE_TYPE": args.compute_type,
            "NEWSDESK_MT_INTER_THREADS": str(inter),
            "NEWSDESK_MT_INTRA_THREADS": str(intra),
            "NEWSDESK_MT_BEAM_SIZE": str(args.beam),
            "NEWSDESK_MT_RESTRICT_VOCABULARY": "0" if args.whole_vocabulary else "1",
        }
        if args.max_batch_tokens:
            engine_env["NEWSDESK_MT_MAX_BATCH_TOKENS"] = str(args.max_batch_tokens)
        site = workdir / f"server-site-{inter}x{intra}"
        argos_env = argos_environment(
            workdir / f"server-argos-{inter}x{intra}",
            compute_type=args.compute_type,
            beam=args.beam,
            inter=inter,
            intra=intra,
        )
        newsdesk_server, key = start_newsdesk(
            site, workdir / "models", workdir, engine_env, args.web_workers
        )
        try:
            lt_server = start_libretranslate(lt_python, packages, workdir, argos_env)
        except BaseException:
            newsdesk_server.close()
            raise
        try:
            # LibreTranslate keeps the paragraphs of its last translation (Argos's
            # CachedTranslation): a short other text before every request empties that, as
            # newsdesk's translation memory is emptied before every request.
            flush = Input("flush", "text", ["Guten Morgen."])
            lt_side = ServerSide(
                "argos",
                lt_server,
                "/translate",
                key,
                partial(lt_server.post, "/translate", _request_body(flush, key)),
            )
            nd_side = ServerSide(
                "newsdesk",
                newsdesk_server,
                "/mt/translate",
                key,
                partial(forget_translations, site),
            )
            argos_model = Path(argos_env["ARGOS_PACKAGES_DIR"]) / "translate-de_en-bench" / "model"
            same = sha256(argos_model / "model.bin") == sha256(
                workdir / "models" / "de-en" / "model.bin"
            )
            label = f"server mode, inter {inter} x intra {intra}"
            measured = measure_servers([nd_side, lt_side], items, args.repeat)
            resident = {
                "newsdesk": newsdesk_server.resident_mb(),
                "argos": lt_server.resident_mb(),
            }
        finally:
            newsdesk_server.close()
            lt_server.close()
        print(
            f"\n{label}: newsdesk behind gunicorn (deploy/gunicorn.conf.py, production profile, "
            f"{args.web_workers} worker(s); engine inter {inter}, intra {intra}, beam "
            f"{args.beam}, {args.compute_type}, vocabulary map "
            f"{'off' if args.whole_vocabulary else 'on'}, batch budget "
            f"{args.max_batch_tokens or 'the default'}; POST /mt/translate with an API key); "
            f"{LIBRETRANSLATE_PACKAGES[0]} (waitress, Argos {argos_env['ARGOS_CHUNK_TYPE']} "
            f"sentencizer, inter {inter}, intra {intra}, beam {args.beam}, {args.compute_type}; "
            f"POST /translate); model.bin identical on both sides: {same}"
        )
        if not same:
            raise SystemExit("the two servers do not run the same model file")
        rows, fidelities, echo_segments, process_peaks = measured
        ratios = report(items, rows, fidelities, echo_segments, label=label)
        for name, peaks in process_peaks.items():
            print(
                f"  {name} process tree: peak MB per process in its highest request (server "
                "first) "
                + ", ".join(f"{mb:.0f}" for mb in peaks)
                + f" = {sum(peaks):.0f}; resident after the run "
                + ", ".join(f"{mb:.0f}" for mb in resident[name])
            )
        results[label] = ((rows, fidelities, echo_segments), ratios)
    return results


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def report(
    items: list[Input],
    rows: dict[str, dict[str, Row]],
    fidelities: dict[str, dict[str, Fidelity]],
    echo_segments: dict[str, dict[str, int]],
    label: str,
) -> dict[str, tuple[float, float]]:
    print(f"\n== {label}")
    print(
        f"{'input':<22} {'side':<9} {'seconds':>8} {'tgt tok':>8} {'tok/s':>8} "
        f"{'segments':>9} {'calls':>6} {'peak MB':>8}"
    )
    ratios = {}
    for item in items:
        for name in ("newsdesk", "argos"):
            row = rows[item.name][name]
            print(
                f"{item.name:<22} {name:<9} {row.seconds:8.3f} {row.target_tokens:8d} "
                f"{row.tok_s:8.1f} {row.segments:9d} {row.calls:6d} {row.peak_mb:8.0f}"
            )
        ours, theirs = rows[item.name]["newsdesk"], rows[item.name]["argos"]
        speed = theirs.seconds / ours.seconds
        memory = ours.peak_mb / theirs.peak_mb
        ratios[item.name] = (speed, memory)
        print(
            f"{'':<22} ratio     newsdesk {speed:.2f}x faster (time), "
            f"{ours.tok_s / theirs.tok_s:.2f}x the tokens/s, target tokens "
            f"{ours.target_tokens}/{theirs.target_tokens} = "
            f"{ours.target_tokens / max(1, theirs.target_tokens):.2f}, peak memory {memory:.2f}"
        )
    print("\nfidelity (every segment echoed by a perfect engine):")
    for item in items:
        for name in ("newsdesk", "argos"):
            f = fidelities[item.name][name]
            tags = (
                f"tags kept {_percent(f.tags_kept, f.tags)}, byte for byte "
                f"{_percent(f.tags_verbatim, f.tags)}, invented {f.tags_invented}; "
                if item.kind == "html"
                else ""
            )
            print(
                f"  {item.name:<22} {name:<9} {tags}escapes kept "
                f"{_percent(f.escapes_kept, f.escapes)}; texts back unchanged "
                f"{_percent(f.texts_identical, f.texts)}; segments sent to the engine "
                f"{echo_segments[item.name][name]}"
            )
    return ratios


def main() -> None:
    from bench.mt_speed import GERMEVAL

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, one timed run")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per input and side")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument(
        "--layouts",
        default="1x2,2x1",
        help="thread layouts INTERxINTRA, comma-separated, each run on both sides "
        "(default: %(default)s; --quick: 1x2)",
    )
    parser.add_argument(
        "--whole-vocabulary",
        action="store_true",
        help="newsdesk scores the whole vocabulary too (no vocabulary map), as Argos does: "
        "shows how much of the lead the map makes",
    )
    parser.add_argument(
        "--max-batch-tokens",
        type=int,
        default=0,
        help="newsdesk's CTranslate2 batch budget in tokens (NEWSDESK_MT_MAX_BATCH_TOKENS; "
        "default: the engine's own)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the timed runs, one more run per input and side under cProfile, and "
        "its top functions",
    )
    parser.add_argument(
        "--server",
        action="store_true",
        help="the peer is a LibreTranslate 1.9.6 server and newsdesk its production server "
        "(gunicorn), both on 127.0.0.1 and asked over HTTP by the same client",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=1,
        help="--server: newsdesk's gunicorn workers (NEWSDESK_WEB_WORKERS; production's "
        "default is 2, each with a model of its own; LibreTranslate is one process) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--server-venv",
        default=str(DEFAULT_SERVER_VENV),
        help="--server: LibreTranslate's virtualenv (default: %(default)s)",
    )
    parser.add_argument("--venv", default=str(DEFAULT_VENV), help="the peer's virtualenv")
    parser.add_argument("--corpus", default=str(GERMEVAL), help="as in bench/mt_speed.py")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
        if args.layouts == parser.get_default("layouts"):
            args.layouts = "1x2"
    try:
        layouts = [
            (int(inter), int(intra))
            for inter, intra in (spec.split("x") for spec in args.layouts.split(","))
        ]
    except ValueError:
        parser.error("--layouts takes INTERxINTRA,... e.g. 1x2,2x1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.server and args.profile:
        parser.error("--profile profiles the in-process sides; it does not go with --server")
    if args.web_workers < 1:
        parser.error("--web-workers must be at least 1")

    import ctranslate2

    load_before = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} at the start"
    )
    if args.server:
        from bench.peer.servers import ensure_libretranslate_venv

        peer_python = ensure_libretranslate_venv(Path(args.server_venv), ctranslate2.__version__)
    else:
        peer_python = ensure_peer_venv(Path(args.venv), ctranslate2.__version__)
    items = inputs()
    with tempfile.TemporaryDirectory(prefix="mt-peer-") as tmp:
        workdir = Path(tmp)
        model = prepare_model(workdir, args.quick, Path(args.corpus) if args.corpus else None)
        package = pack_argos_model(
            workdir / "models" / "de-en", workdir / "de_en.argosmodel", peer_python, "bench"
        )
        print(
            f"model: {'tiny test model' if args.quick else 'random weights, opus-mt-de-en shape'}"
            f", built and installed by newsdesk in {model['seconds']:.1f} s; "
            + (
                f"sentencepiece trained on {model['corpus']}; "
                if model["corpus"]
                else "toy sentencepiece vocabulary; "
            )
            + f"packed as {package.name} for Argos"
        )
        print(
            f"inputs: {', '.join(f'{i.name} ({i.words} words)' for i in items)}; beam "
            f"{args.beam}, {args.compute_type}, CTranslate2 {ctranslate2.__version__} on both "
            f"sides; each segment decoded to its own source length"
        )
        if args.server:
            # LibreTranslate downloads at start unless two packages are installed: the same
            # model as en-de too (never asked for, never loaded).
            reverse = pack_argos_model(
                workdir / "models" / "de-en",
                workdir / "en_de.argosmodel",
                peer_python,
                "bench",
                source="en",
                target="de",
            )
            results = run_servers(args, layouts, items, workdir, peer_python, [package, reverse])
        else:
            results = {}
        for layout in [] if args.server else layouts:  # the in-process sides
            newsdesk, peer, newsdesk_info, peer_info = start_sides(
                workdir, peer_python, package, layout, args
            )
            try:
                argos_model = Path(peer_info["package_dir"]) / "translate-de_en-bench" / "model"
                same = sha256(argos_model / "model.bin") == sha256(
                    workdir / "models" / "de-en" / "model.bin"
                )
                label = f"inter {layout[0]} x intra {layout[1]}"
                print(
                    f"\n{label}: newsdesk {newsdesk_info['model']} (inter "
                    f"{newsdesk_info['inter_threads']}, intra {newsdesk_info['intra_threads']}, "
                    f"beam {newsdesk_info['beam_size']}, {newsdesk_info['compute_type']}, "
                    f"batches of up to {newsdesk_info['max_batch_tokens']} tokens, output "
                    f"restricted to the target vocabulary: {newsdesk_info['vocabulary_map']}; "
                    f"{newsdesk_info['loaded_mb']:.0f} MB resident after loading); Argos "
                    f"{peer_info['sentencizer']} (inter {peer_info['inter_threads']}, intra "
                    f"{peer_info['intra_threads']}, beam {peer_info['beam_size']}, "
                    f"{peer_info['compute_type']}, batches of up to {peer_info['batch_size']} "
                    f"tokens; {peer_info['loaded_mb']:.0f} MB resident after loading); "
                    f"model.bin identical on both sides: {same}"
                )
                if not same:
                    raise SystemExit("the two sides do not run the same model file")
                measured = measure(newsdesk, peer, items, args.repeat)
                if args.profile:
                    profile(newsdesk, peer, items)
            finally:
                newsdesk.close()
                peer.close()
            results[label] = (measured, report(items, *measured, label=label))
    load_after = os.getloadavg()
    print(f"\nload average {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} at the end")
    goals(items, results)


def goals(items: list[Input], results: dict[str, Any]) -> None:
    lines = []
    for name in ("article, HTML", "100 comments"):
        label, (_measured, ratios) = max(results.items(), key=lambda kv: kv[1][1][name][0])
        best_speed = max(r[1][name][0] for r in results.values())
        worst_speed = min(r[1][name][0] for r in results.values())
        speed, memory = ratios[name]
        lines.append(
            f"{name}: newsdesk {worst_speed:.2f}x-{best_speed:.2f}x the peer's speed "
            f"(>= 1.5x: {'met' if worst_speed >= 1.5 else 'NOT met'}), peak memory "
            f"{memory:.2f} of the peer's ({label}; no more: {'met' if memory <= 1 else 'NOT met'})"
        )
    html_item = next(i for i in items if i.kind == "html")
    for label, ((_rows, fidelities, _segments), _ratios) in results.items():
        f = fidelities[html_item.name]["newsdesk"]
        ok = f.tags_verbatim == f.tags and f.escapes_kept == f.escapes and not f.tags_invented
        lines.append(f"{label}: newsdesk keeps every tag and escape: {'met' if ok else 'NOT met'}")
        break
    print("\ngoals:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    main()
