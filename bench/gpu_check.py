"""One-command check of GPU translation: ``python bench/gpu_check.py [--full] [--editions N]``.

Builds a random-weight OPUS-MT-style model (the tests' tiny one; ``--full``: the shape of
opus-mt-de-en), installs it with newsdesk's installer, and translates N editions' worth of
documents through the real pipeline (``translate_document``) on the CPU (int8) and on CUDA
(int8_float16, NEWSDESK_MT_DEVICE=cuda's default), each with batching across editions off
(one engine call per edition) and on (one shared call: newsdesk.editions.batching, as
NEWSDESK_MT_BATCH_EDITIONS does in the worker). It checks that:

- batching on gives exactly the text of batching off, on each device;
- GPU output equals CPU output within the tolerance: decoding is greedy (beam 1), but with
  random weights int8 (CPU) and int8_float16 (CUDA) may pick different pieces where two
  scores tie within float16 rounding, so 95 % of the fields must be identical (printed).
  (A model that favours one piece is not used: it decodes to the length limit, which
  CTranslate2 sets per call from the longest segment, so batching would change its text.)

It prints segments per second for each run and the GPU's speed-up, and exits 0 with "no CUDA
device" where CTranslate2 finds none (1 where a check fails). No database is needed: the
memory and glossary are off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings_test")

FULL_TOLERANCE = 0.95
SENTENCES = [
    "Der Gemeinderat hat am Montag das Budget für das kommende Jahr beschlossen.",
    "Die neue Schule im Norden der Stadt öffnet im September.",
    "Der Bürgermeister sagte, die Straße werde bis zum Sommer erneuert.",
    "Am Bahnhof fehlen seit Wochen zwei Aufzüge.",
    "Die Polizei sucht Zeugen eines Unfalls auf der Brücke.",
    "Das Museum zeigt ab Freitag Bilder aus drei Jahrhunderten.",
]


def documents(count: int) -> list[list[object]]:
    from newsdesk.translation.pipeline import SourceField

    docs = []
    for n in range(count):
        body = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(4))
        docs.append(
            [
                SourceField("headline", f"Meldung {n}: {SENTENCES[n % len(SENTENCES)]}"),
                SourceField("body", f"<p>{body} Es ist die {n}. Meldung.</p>", True),
            ]
        )
    return docs


def run(
    engine: object, docs: list[list[object]], batched: bool
) -> tuple[list[list[str]], float, int]:
    """(texts per document, seconds, segments sent)."""
    from newsdesk.editions import batching
    from newsdesk.translation.pipeline import translate_document

    options = {"glossary": [], "use_memory": False}
    started = time.perf_counter()
    answering = engine
    sent = 0
    if batched:
        wanted: list[str] = []
        for fields in docs:
            wanted += batching.segments_to_send(engine, fields, "de", "en", **options)
        answers = batching.translate_together(engine, wanted, "de", "en")
        sent = len(answers)
        answering = batching.AnsweringEngine(engine, answers)
    texts = []
    for fields in docs:
        result = translate_document(
            fields, "de", "en", engine=answering, detect_language=False, **options
        )
        if not batched:
            sent += result.sent_to_engine
        texts.append([f.text for f in result.fields])
    return texts, time.perf_counter() - started, sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the opus-mt-de-en shape")
    parser.add_argument("--editions", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
    from newsdesk.translation.engines.device import cuda_device_count
    from newsdesk.translation.marian import MarianShape, build_marian_release
    from newsdesk.translation.modelstore import install_from_path

    gpus = cuda_device_count()
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        shape = MarianShape.opus_mt_de_en() if args.full else None
        release = build_marian_release(Path(tmp) / "release", shape=shape, seed=1)
        install_from_path(release, Path(tmp) / "models", name="check-de-en", version="1")
        docs = documents(args.editions)
        common = {"model_dir": str(Path(tmp) / "models"), "beam_size": 1}
        figures: dict[str, float] = {}
        outputs: dict[str, list[list[str]]] = {}
        devices = ["cpu"] + (["cuda"] if gpus else [])
        for device in devices:
            engine = CTranslate2Engine(device=device, **common)
            run(engine, docs[:2], False)  # load and warm up
            for batched in (False, True):
                texts, seconds, sent = run(engine, docs, batched)
                label = f"{device} {engine.compute_type} batching {'on' if batched else 'off'}"
                figures[label] = sent / seconds
                outputs[label] = texts
                print(
                    f"{label:40s} {sent:6d} segments {seconds:8.2f} s {sent / seconds:9.1f} seg/s"
                )
            off, on = (outputs[k] for k in list(outputs)[-2:])
            if off != on:
                print(f"FAIL: {device}: batching changed the text")
                return 1
        if not gpus:
            print(
                "no CUDA device: CTranslate2 finds none here (get_cuda_device_count() is 0); "
                "the GPU path was not tried. Run this on a GPU machine."
            )
            return 0
        cpu, gpu = (
            outputs[next(k for k in outputs if k.startswith("cpu"))],
            outputs[next(k for k in outputs if k.startswith("cuda"))],
        )
        pairs = [
            (a, b)
            for doc_a, doc_b in zip(cpu, gpu, strict=True)
            for a, b in zip(doc_a, doc_b, strict=True)
        ]
        same = sum(a == b for a, b in pairs) / len(pairs)
        need = FULL_TOLERANCE
        print(f"GPU output equal to CPU output: {same:.1%} of fields (needed: {need:.0%})")
        best = {d: max(v for k, v in figures.items() if k.startswith(d)) for d in devices}
        print(f"speed-up (best GPU / best CPU, segments/s): {best['cuda'] / best['cpu']:.1f}x")
        return 0 if same >= need else 1


if __name__ == "__main__":
    sys.exit(main())
