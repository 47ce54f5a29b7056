"""Translation quality: BLEU and chrF (sacrebleu) of an installed model on a test set.

Run:  .venv/bin/python bench/mt_quality.py --pair de-en --source newstest2019.de \
          --reference newstest2019.en [--model-dir var/models] [--beam 4] [--limit N] [--pipeline]

The test set is two plain-text files with one sentence per line (source and reference, same
line count), e.g. WMT newstest2019 de-en, which `sacrebleu -t wmt19 -l de-en --echo src`
and `--echo ref` print on a machine with network access. The model is the one
`newsdesk models install de-en` put under the model directory (NEWSDESK_MODEL_DIR, default
var/models). With --pipeline every sentence goes through newsdesk's document pipeline
(segmentation, placeholders, checks) instead of straight to the engine, so the figure covers
what readers get. Needs the bench extra (sacrebleu).

Published reference for opus-mt-de-en (its model card): newstest2019 BLEU 40.1, chrF 0.642;
newstest2018 BLEU 43.7; newstest2014 BLEU 34.0. CTranslate2 int8 should land within a few
tenths of a BLEU point of these.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def evaluate(
    engine: Any,
    sources: list[str],
    references: list[str],
    source: str,
    target: str,
    *,
    batch: int = 64,
    pipeline: bool = False,
) -> dict[str, Any]:
    """Translate sources with engine and score against references (BLEU, chrF)."""
    import sacrebleu

    if len(sources) != len(references):
        raise SystemExit(
            f"the source has {len(sources)} lines, the reference "
            f"{len(references)}: they must match line by line"
        )
    started = time.perf_counter()
    hypotheses: list[str] = []
    for start in range(0, len(sources), batch):
        chunk = sources[start : start + batch]
        if pipeline:
            from newsdesk.translation.pipeline import SourceField, translate_document

            result = translate_document(
                [SourceField(str(i), text) for i, text in enumerate(chunk)],
                source,
                target,
                engine=engine,
                glossary=[],
                use_memory=False,
                detect_language=False,
            )
            hypotheses.extend(field.text for field in result.fields)
        else:
            hypotheses.extend(engine.translate(chunk, source, target))
    seconds = time.perf_counter() - started
    bleu = sacrebleu.corpus_bleu(hypotheses, [references])
    chrf = sacrebleu.corpus_chrf(hypotheses, [references])
    return {
        "sentences": len(sources),
        "seconds": seconds,
        "bleu": bleu.score,
        "chrf": chrf.score / 100,
        "bleu_signature": str(bleu.format(signature=True)),
        "hypotheses": hypotheses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pair", required=True, help="e.g. de-en")
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--reference", type=Path, required=True)
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=Path(os.environ.get("NEWSDESK_MODEL_DIR", ROOT / "var" / "models")),
    )
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0, help="intra threads (0: all cores)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument(
        "--pipeline",
        action="store_true",
        help="through newsdesk's document pipeline (needs Django settings)",
    )
    parser.add_argument("--output", type=Path, help="write the translations to this file")
    args = parser.parse_args()

    source, target = args.pair.split("-", 1)
    sources, references = read_lines(args.source), read_lines(args.reference)
    if args.limit:
        sources, references = sources[: args.limit], references[: args.limit]
    if args.pipeline:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings_test")
        import django

        django.setup()
    from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine

    engine = CTranslate2Engine(str(args.model_dir), beam_size=args.beam, intra_threads=args.threads)
    if not engine.can_translate(source, target):
        raise SystemExit(
            f"no model for {args.pair} in {args.model_dir}; "
            f"install one with: newsdesk models install {args.pair}"
        )
    result = evaluate(engine, sources, references, source, target, pipeline=args.pipeline)
    if args.output:
        args.output.write_text("\n".join(result["hypotheses"]) + "\n", encoding="utf-8")
    print(
        f"model: {engine.model_version(source, target)}  beam {args.beam}"
        f"{'  through the pipeline' if args.pipeline else ''}"
    )
    print(f"{result['sentences']} sentences in {result['seconds']:.1f} s")
    print(f"BLEU {result['bleu']:.1f}  chrF {result['chrf']:.3f}")
    print(f"sacrebleu: {result['bleu_signature']}")
    print("published for opus-mt-de-en: newstest2019 BLEU 40.1, chrF 0.642")


if __name__ == "__main__":
    main()
