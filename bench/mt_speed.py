"""Translation speed: CTranslate2 int8 against transformers' MarianMT fp32, same machine, one run.

Run:  .venv/bin/python bench/mt_speed.py [--quick]      (needs the bench extra: .[bench])
      .venv/bin/python bench/mt_speed.py --pipeline-only  (the article only: no PyTorch needed)

It builds a random-weight model with the architecture of opus-mt-de-en (6+6 layers, d_model
512, 8 heads, FFN 2048, vocabulary 58,101) in the OPUS-MT release format and installs it with
newsdesk's own installer (CTranslate2's OPUS-MT converter, int8). Its sentencepiece
vocabulary is trained at run time on real German text (the GermEval 2018 tweets from
``--corpus``, default ../shared/data/germeval2018/, and the German messages of Django's
catalogues; nothing of it is stored in the repository), so that German is cut into about as
many pieces per word as by a real OPUS-MT vocabulary; without the corpus it falls back to a
toy vocabulary and says that the article's time is then inflated. transformers gets a
MarianMTModel of the same configuration with random weights (fp32, PyTorch). Both translate
the same fixed batch of tokenised German sentences with a fixed output length (minimum =
maximum), so the tokens per second compare equal work. Each measurement runs in a fresh
process so that its peak resident memory (VmHWM) is its own.

newsdesk runs OPUS-MT models with their output restricted to the target language's pieces
(CTranslate2's vocabulary map, written by the installer: modelstore.target_candidates). At
beam 4 the bench also compares the two with that restriction on both sides (a map of 32,000
tokens, the size of a real OPUS-MT target vocabulary, for CTranslate2; a decoder vocabulary
of the same size for transformers), so that both do the same work again.

Then the pipeline: a 600-word article with links and emphasis goes through
``translate_document`` twice: with an engine that answers instantly (what is left is the
pipeline's own time: segmenting, placeholders, memory look-ups and writes, all checks
including language detection) and with the full-size CTranslate2 model at beam 4 (end to
end). The article's sentences are all different (the pipeline translates a repeated one
only once). Random weights never stop early, so the bench engine decodes each group of
similar-length segments to its own longest source length, as a real model roughly would.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SENTENCES = [
    "Der Gemeinderat hat am Montag das Budget für das nächste Jahr mit knapper Mehrheit "
    "beschlossen.",
    "Die Stadt investiert drei Millionen Euro in neue Schulen, Kindergärten und Radwege.",
    "Bürgermeisterin Anna Berger sagte, die Straßenbahnlinie werde bis 2027 verlängert.",
    "Die Opposition kritisierte, dass die Mieten in den Außenbezirken weiter steigen.",
    "Am Donnerstag soll im Rathaus eine öffentliche Sitzung zum Verkehrskonzept stattfinden.",
    "Nach heftigen Regenfällen wurden mehrere Keller im Norden der Stadt überflutet.",
    "Die Feuerwehr war mit mehr als 120 Einsatzkräften die ganze Nacht im Einsatz.",
    "Wie die Polizei mitteilte, wurde bei dem Unfall auf der Westautobahn niemand verletzt.",
]


# The 600-word article: sentences written for this benchmark, each used once (a real article
# does not repeat itself, and the pipeline would translate a repeated sentence only once).
ARTICLE_SENTENCES = [
    *SENTENCES,
    "Für die Sanierung der Hauptbibliothek sind im kommenden Jahr weitere 800.000 Euro vorgesehen.",
    "Der Finanzstadtrat rechnet mit höheren Einnahmen aus der Kommunalsteuer als im "
    "laufenden Jahr.",
    "Gleichzeitig steigen die Ausgaben für Personal, Energie und die Betreuung älterer "
    "Menschen deutlich.",
    "Die Grünen forderten, mehr Geld in den Ausbau der Fernwärme und in Photovoltaik zu stecken.",
    "Ein entsprechender Antrag fand in der Abstimmung am späten Abend jedoch keine Mehrheit.",
    "Die Elternvereine begrüßten, dass zwei Volksschulen endlich neue Turnsäle bekommen sollen.",
    "Seit Jahren müssen die Kinder dort für den Sportunterricht in eine Halle am Stadtrand fahren.",
    "Der Baubeginn ist für den Sommer geplant, die Arbeiten sollen rund zwei Jahre dauern.",
    "Kritik kam von den Wirtschaftstreibenden in der Innenstadt, die weniger Parkplätze "
    "befürchten.",
    "Die Wirtschaftskammer verlangt ein Gesamtkonzept, bevor einzelne Straßen umgebaut werden.",
    "Die Verkehrsplaner der Stadt verweisen dagegen auf die steigende Zahl der Radfahrer.",
    "An manchen Kreuzungen wurden im Frühjahr mehr als 3.000 Räder pro Tag gezählt.",
    "Auch die Verlängerung der Straßenbahn soll vor allem Pendlern aus dem Umland helfen.",
    "Die neue Strecke führt über vier Kilometer bis zum Bahnhof im Süden der Stadt.",
    "Das Land übernimmt etwa die Hälfte der Kosten, der Bund steuert Fördermittel bei.",
    "Anrainer hatten sich in einer Petition gegen den Lärm während der Bauzeit gewehrt.",
    "Die Stadt hat nun zugesagt, in der Nacht und an Sonntagen nicht zu bauen.",
    "Für die Mieter in den Außenbezirken gibt es im Budget dagegen kaum Neues.",
    "Ein Fonds für leistbares Wohnen wird nur geringfügig aufgestockt.",
    "Der Mieterverein sprach von einer verpassten Chance und kündigte Proteste an.",
    "Die Bürgermeisterin erwiderte, der Spielraum der Gemeinde sei nach den Krisenjahren begrenzt.",
    "Die Schulden der Stadt sollen bis zum Ende der Periode trotzdem leicht sinken.",
    "Der Rechnungshof hatte zuletzt die hohen Zinszahlungen der Gemeinde bemängelt.",
    "Auch bei den Überschwemmungen im Norden will die Stadt vorsorgen.",
    "Ein neues Rückhaltebecken am Mühlbach soll Starkregen künftig besser auffangen.",
    "Die Planung dafür beginnt im Herbst, gebaut wird frühestens in drei Jahren.",
    "Betroffene Hausbesitzer können schon jetzt Zuschüsse für Pumpen und Schutztüren beantragen.",
    "Die Feuerwehr erhält außerdem zwei neue Fahrzeuge und ein größeres Lager für Sandsäcke.",
    "Der Kommandant bedankte sich bei den vielen Freiwilligen, die in der Nacht geholfen hatten.",
    "Zur Sitzung am Donnerstag sind alle Bürgerinnen und Bürger ausdrücklich eingeladen.",
    "Fragen zum Verkehrskonzept können vorab auch über die Internetseite der Stadt "
    "gestellt werden.",
    "Die Ergebnisse der Bürgerbeteiligung sollen im März im Gemeinderat vorgestellt werden.",
    "Erst danach entscheidet die Politik, welche Straßen zuerst umgebaut werden.",
    "Die Opposition kündigte an, das Budget im Kontrollausschuss genau prüfen zu lassen.",
    "Ein Sprecher der Bürgermeisterin sagte, man sehe dieser Prüfung gelassen entgegen.",
    "Das Budget tritt mit dem ersten Jänner in Kraft, sofern das Land keine Einwände hat.",
    "Bis dahin gilt ein Provisorium, das nur die laufenden Ausgaben deckt.",
    "Die nächste Sitzung des Gemeinderats findet am 18. Dezember statt.",
    "Dann stehen unter anderem die neuen Tarife für Müllabfuhr und Wasser auf der Tagesordnung.",
    "Eine Erhöhung um etwa vier Prozent gilt unter den Fraktionen als wahrscheinlich.",
]


def _peak_mb() -> float:
    """This process's peak resident memory. ru_maxrss would not do: Linux carries the peak of
    the forking parent over into the child after exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- workers (each in its own process) --------------------------------------------------


def worker_ct2(args: argparse.Namespace) -> dict[str, Any]:
    import ctranslate2

    batch = json.loads(Path(args.workdir, "batch.json").read_text())
    translator = ctranslate2.Translator(
        str(Path(args.workdir, "models", "de-en")),
        device="cpu",
        compute_type=args.compute_type,
        inter_threads=args.inter,
        intra_threads=args.intra,
    )
    options = {
        "beam_size": args.beam,
        "min_decoding_length": args.length,
        "max_decoding_length": args.length,
        "max_batch_size": args.batch,
        "batch_type": args.batch_type,
        "use_vmap": bool(args.restricted),
    }
    translator.translate_batch(batch[:2], **options)  # warm-up
    best = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        results = translator.translate_batch(batch, **options)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    tokens = sum(len(r.hypotheses[0]) for r in results)
    return {"tokens": tokens, "seconds": best, "peak_mb": _peak_mb()}


def worker_hf(args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.set_num_threads(args.intra)
    torch.manual_seed(0)
    vocab = json.loads(Path(args.workdir, "vocab.json").read_text())
    batch = json.loads(Path(args.workdir, "batch.json").read_text())
    # Marian's pad token sits after the vocabulary in transformers' models. With --restricted
    # N the decoder's vocabulary (and so its output layer) has N tokens, as CTranslate2's with
    # the vocabulary map: same work; pad is then N (no token of the batch has that id).
    decoder_vocab = args.restricted or len(vocab)
    pad = decoder_vocab
    config = MarianConfig(
        vocab_size=len(vocab) + 1,
        decoder_vocab_size=decoder_vocab + 1,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        activation_function="swish",
        max_position_embeddings=512,
        scale_embedding=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        share_encoder_decoder_embeddings=not args.restricted,
    )
    model = MarianMTModel(config).eval()
    index = {token: i for i, token in enumerate(vocab)}
    ids = [[index.get(t, 1) for t in sentence] + [0] for sentence in batch]

    def run(sentences: list[list[int]]) -> int:
        produced = 0
        for start in range(0, len(sentences), args.batch):
            chunk = sentences[start : start + args.batch]
            width = max(len(s) for s in chunk)
            input_ids = torch.tensor([s + [pad] * (width - len(s)) for s in chunk])
            mask = (input_ids != pad).long()
            with torch.inference_mode():
                out = model.generate(
                    input_ids=input_ids,
                    attention_mask=mask,
                    num_beams=args.beam,
                    do_sample=False,
                    min_new_tokens=args.length,
                    max_new_tokens=args.length,
                )
            produced += int((out[:, 1:] != pad).sum())
        return produced

    run(ids[:2])  # warm-up
    best = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        tokens = run(ids)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"tokens": tokens, "seconds": best, "peak_mb": _peak_mb()}


def _article() -> list[Any]:
    """About 600 words (no sentence twice) in headline, lead and paragraphs with bold words
    and links."""
    from newsdesk.translation.pipeline import SourceField

    paragraphs = []
    for n in range(0, len(ARTICLE_SENTENCES) - 2, 3):
        first, second, third = ARTICLE_SENTENCES[n : n + 3]
        head, rest = first.split(" ", 1)
        first = f"<strong>{head}</strong> {rest}"
        *body, last = second.rstrip(".").split(" ")
        second = " ".join(body) + f' <a href="https://example.org/a?id={n}&amp;s=1">{last}</a>.'
        paragraphs.append(f"<p>{first} {second} {third}</p>")
    return [
        SourceField("headline", "Gemeinderat beschließt Budget für 2027"),
        SourceField("lead", "Drei Millionen Euro für Schulen, Radwege und die Straßenbahn."),
        SourceField("body", "\n".join(paragraphs), True),
    ]


def worker_pipeline(args: argparse.Namespace) -> dict[str, Any]:
    # A database of its own per setting: the memory must not already know the article.
    os.environ["NEWSDESK_DATA_DIR"] = str(Path(args.workdir, f"site-{args.inter}x{args.intra}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings_test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from newsdesk.translation.checks import detect
    from newsdesk.translation.engines import TranslationEngine
    from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
    from newsdesk.translation.pipeline import translate_document
    from newsdesk.translation.segmentation import split_field

    class Instant(TranslationEngine):
        name = "instant"

        def language_pairs(self) -> set[tuple[str, str]]:
            return {("de", "en")}

        def translate(self, segments: list[str], source: str, target: str) -> list[str]:
            return list(segments)

    class Bucketed(CTranslate2Engine):
        """Decodes groups of similar-length segments to their own longest source length.
        With inter_threads > 1 the groups are handed to CTranslate2 together (asynchronous
        calls), so that its parallel translators each take one, as they take the token
        batches of one large call in the real engine."""

        def _translate_pair(self, segments: list[str], pair: str) -> list[str]:
            loaded = self._load(pair)
            tokens = [loaded.source_spm.encode(s, out_type=str) for s in segments]
            order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
            groups: list[list[int]] = []
            start = 0
            while start < len(order):
                group = [order[start]]
                while (
                    start + len(group) < len(order)
                    and len(tokens[order[start + len(group)]]) <= len(tokens[group[0]]) + 4
                ):
                    group.append(order[start + len(group)])
                groups.append(group)
                start += len(group)
            pending = []
            for group in reversed(groups):  # the longest first
                length = max(len(tokens[i]) for i in group)
                results = loaded.translator.translate_batch(
                    [tokens[i] for i in group],
                    beam_size=self.beam_size,
                    min_decoding_length=length,
                    max_decoding_length=length,
                    asynchronous=self.inter_threads > 1,
                    use_vmap=loaded.use_vmap,
                )
                pending += zip(group, results, strict=True)
            outputs: list[str] = [""] * len(tokens)
            for i, result in pending:
                done = result.result() if self.inter_threads > 1 else result
                outputs[i] = loaded.target_spm.decode(done.hypotheses[0])
            return outputs

    article = _article()
    words = sum(len(f.text.split()) for f in article)
    detect("Ein Satz, der den Sprachdetektor vorab lädt, damit er nicht mitgemessen wird.")
    instant = Instant()
    translate_document(article[:1], "de", "en", engine=instant)  # warm-up (ORM, regexes)
    started = time.perf_counter()
    result = translate_document(article, "de", "en", engine=instant)
    pipeline_seconds = time.perf_counter() - started
    segments = [s.text for f in article for s in split_field(f.text, f.is_html).segments]
    engine = Bucketed(
        str(Path(args.workdir, "models")),
        beam_size=4,
        inter_threads=args.inter,
        intra_threads=args.intra,
    )
    # Loads the model (once per process) and warms CTranslate2 up: its first pass over new
    # shapes is much slower than the following ones.
    engine.translate(segments, "de", "en")
    spm = engine._load("de-en").source_spm
    source_tokens = sum(len(spm.encode(segment, out_type=str)) for segment in segments)
    plain = [re.sub(r"<\s*/?\s*x\d+\s*/?\s*>", "", segment) for segment in segments]
    started = time.perf_counter()
    engine.translate(segments, "de", "en")
    engine_seconds = time.perf_counter() - started
    started = time.perf_counter()
    end_to_end = translate_document(article, "de", "en", engine=engine)
    e2e_seconds = time.perf_counter() - started
    # What the markup placeholders cost: the engine alone on the same sentences without them
    # (warmed up on them first, as above).
    engine.translate(plain, "de", "en")
    started = time.perf_counter()
    engine.translate(plain, "de", "en")
    plain_engine_seconds = time.perf_counter() - started
    # What the output restriction saves: the same sentences, the whole vocabulary scored.
    whole = Bucketed(
        str(Path(args.workdir, "models")),
        beam_size=4,
        inter_threads=args.inter,
        intra_threads=args.intra,
        restrict_vocabulary=False,
    )
    whole.translate(segments, "de", "en")
    started = time.perf_counter()
    whole.translate(segments, "de", "en")
    whole_vocabulary_seconds = time.perf_counter() - started
    return {
        "restricted": engine._load("de-en").use_vmap,
        "whole_vocabulary_seconds": whole_vocabulary_seconds,
        "words": words,
        "segments": len(segments),
        "source_tokens": source_tokens,
        "segment_words": sum(len(segment.split()) for segment in segments),
        "plain_pieces_per_word": pieces_per_word(spm, plain),
        # Per word-or-punctuation token, as published tokenizer "fertility" figures count.
        "plain_pieces_per_token": sum(len(spm.encode(text, out_type=str)) for text in plain)
        / sum(len(re.findall(r"\w+|[^\w\s]", text)) for text in plain),
        "flagged_segments": sum(1 for f in end_to_end.fields for s in f.segments if s.issues),
        "pipeline_seconds": pipeline_seconds,
        "engine_seconds": engine_seconds,
        "e2e_seconds": e2e_seconds,
        "e2e_engine_seconds": end_to_end.engine_seconds,
        "plain_tokens": sum(len(spm.encode(text, out_type=str)) for text in plain),
        "plain_engine_seconds": plain_engine_seconds,
        "instant_checks": sum(len(f.issues) for f in result.fields),
    }


# --- the driver ----------------------------------------------------------------------


def _run_worker(kind: str, workdir: Path, **options: Any) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", kind, "--workdir", str(workdir)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


GERMEVAL = ROOT.parent / "shared" / "data" / "germeval2018" / "germeval2018.training.txt"
OPUS_MT_PIECES = 32000  # OPUS-MT's "spm32k": 32k sentencepiece pieces per language


def _django_german() -> list[str]:
    """The German messages of Django's own catalogues (installed with newsdesk)."""
    import django

    messages = []
    for po in sorted(Path(django.__file__).parent.glob("**/locale/de/LC_MESSAGES/*.po")):
        parts: list[str] | None = None
        for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
            if line.startswith("msgstr"):
                parts = [line.split(" ", 1)[1]]
            elif line.startswith('"') and parts is not None:
                parts.append(line)
            else:
                if parts:
                    text = "".join(part[1:-1] for part in parts)
                    text = text.replace("\\n", " ").replace('\\"', '"').strip()
                    if text:
                        messages.append(text)
                parts = None
    return messages


def german_corpus(path: Path) -> tuple[list[str], str] | None:
    """Real German text to train the bench model's sentencepiece vocabulary on: the GermEval
    2018 tweets at ``path`` (text column; user names, links and line-break marks dropped) and
    the German messages of Django's catalogues. None when the tweets are not there."""
    if not path.is_file():
        return None
    tweets = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("\t", 1)[0].replace("|LBR|", " ")
        text = " ".join(w for w in text.split() if not w.startswith(("@", "http")))
        if text:
            tweets.append(text)
    messages = _django_german()
    words = sum(len(t.split()) for t in tweets) + sum(len(m.split()) for m in messages)
    note = (
        f"{len(tweets)} GermEval 2018 tweets (CC BY 4.0, Wiegand, Siegel, Ruppenhofer) and "
        f"{len(messages)} German messages of Django's catalogues, {words} words"
    )
    return tweets + messages, note


def pieces_per_word(processor: Any, texts: list[str]) -> float:
    words = sum(len(text.split()) for text in texts)
    return sum(len(processor.encode(text, out_type=str)) for text in texts) / max(1, words)


def prepare(workdir: Path, sentences: int, corpus_path: Path | None) -> dict[str, Any]:
    import sentencepiece as spm

    from newsdesk.translation.marian import MarianShape, build_marian_release
    from newsdesk.translation.modelstore import install_from_path

    corpus = german_corpus(corpus_path) if corpus_path else None
    started = time.perf_counter()
    release = build_marian_release(
        workdir / "release",
        shape=MarianShape.opus_mt_de_en(),
        sentences=SENTENCES,
        corpus=corpus[0] if corpus else None,
        pieces=OPUS_MT_PIECES if corpus else 2000,
    )
    built = time.perf_counter() - started
    started = time.perf_counter()
    install_from_path(
        release, workdir / "models", name="random-opus-mt-de-en-shape", version="bench"
    )
    converted = time.perf_counter() - started
    candidates = _real_sized_vocabulary_map(workdir / "models" / "de-en")
    processor = spm.SentencePieceProcessor(model_file=str(release / "source.spm"))
    batch = [
        processor.encode(SENTENCES[i % len(SENTENCES)], out_type=str) for i in range(sentences)
    ]
    (workdir / "batch.json").write_text(json.dumps(batch))
    vocab_lines = (release / "opus.spm32k-spm32k.vocab.yml").read_text(encoding="utf-8")
    vocab = [json.loads(line.rsplit(":", 1)[0]) for line in vocab_lines.splitlines()]
    (workdir / "vocab.json").write_text(json.dumps(vocab))
    return {
        "build_s": built,
        "install_s": converted,
        "vocab": len(vocab),
        "pieces": processor.get_piece_size(),
        "corpus": corpus[1] if corpus else None,
        "source_tokens": sum(len(s) for s in batch),
        "batch_pieces_per_word": pieces_per_word(processor, SENTENCES),
        "candidates": candidates,
    }


def _real_sized_vocabulary_map(model: Path) -> int:
    """The installer restricted the model's output to the pieces of its target.spm (see
    modelstore.target_candidates). This model's target.spm has fewer pieces than a real
    OPUS-MT one (32,000), so the map is filled up with unused vocabulary entries to that
    size: the output layer then costs what it costs with a real model. Returns its size."""
    from newsdesk.translation.modelstore import VOCABULARY_MAP

    mapped = model / VOCABULARY_MAP
    if not mapped.exists():
        raise SystemExit(f"the installer wrote no {VOCABULARY_MAP} for the bench model")
    candidates = mapped.read_text(encoding="utf-8").strip("\t\n").split(" ")
    taken = set(candidates)
    vocabulary = json.loads((model / "shared_vocabulary.json").read_text(encoding="utf-8"))
    spare = (t for t in vocabulary[2:] if t not in taken)  # not </s>, <unk>
    while len(candidates) < OPUS_MT_PIECES:
        candidates.append(next(spare))
    mapped.write_text("\t" + " ".join(candidates) + "\n", encoding="utf-8")
    return len(candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 sentences, 16 output tokens")
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--length", type=int, default=48, help="output tokens per sentence")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--corpus",
        default=str(GERMEVAL),
        help="German text (GermEval 2018 layout: text<TAB>...) to train the model's "
        "sentencepiece vocabulary on; '' for the toy vocabulary (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--pipeline-only",
        action="store_true",
        help="only the article through the pipeline (overhead, end to end); no transformers",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=32, help=argparse.SUPPRESS)
    parser.add_argument("--inter", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--batch-type", default="examples", help=argparse.SUPPRESS)
    parser.add_argument("--compute-type", default="int8", help=argparse.SUPPRESS)
    parser.add_argument("--intra", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--restricted", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker = {"ct2": worker_ct2, "hf": worker_hf, "pipeline": worker_pipeline}[args.worker]
        print(json.dumps(worker(args)))
        return
    if args.quick:
        args.sentences, args.length, args.repeat = 8, 16, 1
    n, length, threads = args.sentences, args.length, args.threads

    with tempfile.TemporaryDirectory(prefix="mt-speed-") as tmp:
        workdir = Path(tmp)
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; threads used: {threads}")
        info = prepare(workdir, n, Path(args.corpus) if args.corpus else None)
        print(
            f"model: random weights, opus-mt-de-en shape, vocabulary {info['vocab']}; "
            f"built in {info['build_s']:.1f} s, converted+installed (int8) in "
            f"{info['install_s']:.1f} s"
        )
        if info["corpus"]:
            print(
                f"sentencepiece: {info['pieces']} pieces (unigram, asked for "
                f"{OPUS_MT_PIECES}) trained on {info['corpus']}; vocabulary padded with "
                f"unused tokens to {info['vocab']}"
            )
        else:
            print(
                f"NOTE: no German corpus at {args.corpus or '(none given)'}: the toy "
                f"sentencepiece vocabulary ({info['pieces']} pieces trained on 8 sentences "
                "and pseudo-words) cuts German into far more pieces than a real OPUS-MT "
                "vocabulary, so the article's time below is inflated"
            )
        print(
            f"batch: {n} sentences, {info['source_tokens']} source tokens "
            f"({info['batch_pieces_per_word']:.2f} pieces per word), "
            f"{length} output tokens each\n"
        )
        summary = {}
        restricted = info["candidates"]
        if not args.pipeline_only:
            rows = []
            # Each side in the settings that suit it on this machine; the ratios take each side's
            # best. CTranslate2: one batch on both cores, or parallel translators with one core
            # each (int8_float32 is the same as int8 on CPU). transformers: torch on both cores,
            # the whole batch or halves (smaller batches only lost in earlier runs).
            ct2_settings = [
                (f"whole batch, intra {threads}", {"inter": 1, "intra": threads, "batch": n})
            ]
            if threads > 1:
                ct2_settings += [
                    (
                        f"inter {threads} x intra 1, {label}",
                        {"inter": threads, "intra": 1, "batch": max(1, n // parts)},
                    )
                    for label, parts in (("halves", 2), ("quarters", 4))
                ]
            settings = {
                "ctranslate2 int8": ct2_settings,
                "transformers fp32": [
                    ("whole batch", {"intra": threads, "batch": n}),
                    ("halves", {"intra": threads, "batch": max(1, n // 2)}),
                ],
            }
            # Whole vocabulary (58,101) at beams 1 and 4: the engines as such. Then beam 4 with the
            # output layer cut to the target language's 32,000 tokens on both sides, as newsdesk
            # runs its models (CTranslate2's vocabulary map; transformers gets a decoder
            # vocabulary of that size, the same work).
            restricted = info["candidates"]
            rounds = [(1, 0), (4, 0), (4, restricted)]
            for beam, cut in rounds:
                for engine, variants in settings.items():
                    kind = "ct2" if engine.startswith("ctranslate2") else "hf"
                    for label, options in variants:
                        result = _run_worker(
                            kind,
                            workdir,
                            beam=beam,
                            length=length,
                            repeat=args.repeat,
                            restricted=cut,
                            **options,
                        )
                        result.update(
                            engine=engine,
                            setting=label + (f", output {cut}" if cut else ""),
                            beam=beam,
                            cut=cut,
                            tok_s=result["tokens"] / result["seconds"],
                        )
                        rows.append(result)
                        print(
                            f"beam {beam}  {engine:<18} {label:<27} {result['tok_s']:8.1f} tok/s"
                            f"  {result['seconds']:7.2f} s  peak {result['peak_mb']:7.0f} MB"
                            f"  ({result['tokens']} tokens)",
                            flush=True,
                        )
            print()
            summary = {}
            for beam, cut in rounds:
                ct2 = max(
                    (
                        r
                        for r in rows
                        if (r["beam"], r["cut"]) == (beam, cut)
                        and r["engine"].startswith("ctranslate2")
                    ),
                    key=lambda r: r["tok_s"],
                )
                hf = max(
                    (
                        r
                        for r in rows
                        if (r["beam"], r["cut"]) == (beam, cut)
                        and r["engine"].startswith("transformers")
                    ),
                    key=lambda r: r["tok_s"],
                )
                speed = ct2["tok_s"] / hf["tok_s"]
                memory = ct2["peak_mb"] / hf["peak_mb"]
                summary[beam, cut] = (speed, memory)
                print(
                    f"beam {beam}: CTranslate2 best ({ct2['setting']}) {ct2['tok_s']:.1f} tok/s vs "
                    f"transformers best ({hf['setting']}) {hf['tok_s']:.1f} tok/s = {speed:.2f}x; "
                    f"peak memory {ct2['peak_mb']:.0f} MB vs {hf['peak_mb']:.0f} MB = "
                    f"{memory:.2f}"
                )
        # The article, with the engine on both cores and (with more than one thread) with
        # parallel translators of one core each; the goal takes the faster.
        runs = [("intra " + str(threads), _run_worker("pipeline", workdir, inter=1, intra=threads))]
        if threads > 1:
            runs.append(
                (
                    f"inter {threads} x intra 1",
                    _run_worker("pipeline", workdir, inter=threads, intra=1),
                )
            )
        label, pipeline = min(runs, key=lambda run: run[1]["e2e_seconds"])
        overhead = pipeline["pipeline_seconds"] / pipeline["engine_seconds"]
        print(
            f"\narticle: {pipeline['words']} words, {pipeline['segments']} segments, "
            f"{pipeline['source_tokens']} source tokens sent to the engine "
            f"({pipeline['source_tokens'] / pipeline['segment_words']:.2f} pieces per word "
            f"with markup placeholders, {pipeline['plain_pieces_per_word']:.2f} in the plain "
            f"text, {pipeline['plain_pieces_per_token']:.2f} per word-or-punctuation token; "
            f"{'corpus-trained' if info['corpus'] else 'toy'} vocabulary)"
        )
        print(
            f"pipeline's own time (instant engine, memory, all checks): "
            f"{pipeline['pipeline_seconds'] * 1000:.0f} ms = {overhead:.1%} of the engine's "
            f"{pipeline['engine_seconds']:.2f} s on the same segments (beam 4, {label})"
        )
        for run_label, run in runs:
            print(
                f"end to end through the pipeline, full-size model, beam 4, {run_label}: "
                f"{run['e2e_seconds']:.2f} s (engine {run['e2e_engine_seconds']:.2f} s; the "
                f"engine alone on the same sentences without markup placeholders, "
                f"{run['plain_tokens']} tokens: {run['plain_engine_seconds']:.2f} s; the engine "
                f"scoring the whole vocabulary instead of the target language's "
                f"{info['candidates']} tokens: {run['whole_vocabulary_seconds']:.2f} s)"
            )
            if not run["restricted"]:
                raise SystemExit("the bench engine did not use the vocabulary map")
        engine_goals = (
            [
                (
                    "beam 4 speed >= 3x",
                    summary[4, 0][0] >= 3,
                    f"{summary[4, 0][0]:.2f}x; {summary[4, restricted][0]:.2f}x with the output "
                    f"restricted on both sides",
                ),
                ("beam 1 speed >= 2.5x", summary[1, 0][0] >= 2.5, f"{summary[1, 0][0]:.2f}x"),
                ("beam 1 peak memory <= 1/3", summary[1, 0][1] <= 1 / 3, f"{summary[1, 0][1]:.2f}"),
            ]
            if summary
            else []
        )
        goals = [
            *engine_goals,
            ("pipeline overhead < 10%", overhead < 0.10, f"{overhead:.1%}"),
            (
                "600-word article < 5 s at beam 4",
                pipeline["e2e_seconds"] < 5,
                f"{pipeline['e2e_seconds']:.2f} s"
                + ("" if info["corpus"] else ", toy vocabulary: time inflated"),
            ),
        ]
        print(
            "\ngoals: "
            + "; ".join(
                f"{name}: {'met' if ok else 'NOT met'} ({figure})" for name, ok, figure in goals
            )
        )


if __name__ == "__main__":
    main()
