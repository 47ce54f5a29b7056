"""Random-weight Marian (OPUS-MT format) models for tests and benchmarks, built from scratch.

:func:`build_marian_release` writes what an OPUS-MT release zip holds (``decoder.yml``, the
``.npz`` weights, the vocabulary ``.yml``, ``source.spm``/``target.spm``, a README) with a
sentencepiece model trained on a few sentences (tests), or on a real corpus passed as
``corpus`` (the speed benchmark, so that text is cut into as many pieces as a real model's
vocabulary would); CTranslate2's OPUS-MT converter turns it into a model the engine runs
exactly like a real one. Weights are random: the output is junk unless ``favour`` pushes the
decoder towards chosen pieces.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

WEIGHTS_NAME = "opus.spm32k-spm32k.transformer-align.model1.npz.best-perplexity.npz"
VOCAB_NAME = "opus.spm32k-spm32k.vocab.yml"

SAMPLE_SENTENCES = [
    "Der Gemeinderat hat am Montag das Budget für das nächste Jahr beschlossen.",
    "Die Stadt investiert drei Millionen Euro in neue Schulen und Kindergärten.",
    "Der Bürgermeister sagte, die Straßenbahn werde bis 2027 verlängert.",
    "The city council approved the budget for next year on Monday.",
    "The mayor said the tram line would be extended by 2027.",
    "Heute regnet es in Wien, morgen scheint wieder die Sonne.",
    "Tomorrow the sun will shine again in Vienna.",
]


@dataclass(frozen=True)
class MarianShape:
    enc_depth: int = 2
    dec_depth: int = 2
    d_model: int = 32
    heads: int = 2
    ffn: int = 64
    vocab_size: int = 0  # 0: just the sentencepiece pieces; more: padded with extra tokens

    @classmethod
    def opus_mt_de_en(cls) -> MarianShape:
        """The architecture of Helsinki-NLP's opus-mt-de-en (vocabulary of 58,101)."""
        return cls(enc_depth=6, dec_depth=6, d_model=512, heads=8, ffn=2048, vocab_size=58101)


def _train_sentencepiece(
    sentences: list[str], prefix: Path, pieces: int, corpus: list[str] | None = None
) -> None:
    import sentencepiece as spm

    if corpus is None:
        # A handful of sentences is too little for a few hundred pieces: add pseudo-words made
        # of their syllables so the vocabulary reaches the size asked for (deterministically).
        words = sorted({w.strip(".,!?") for s in sentences for w in s.split() if len(w) > 3})
        extra = [f"{a[:2]}{b[-3:]}" for a in words for b in words[::3] if a != b]
        # The real sentences repeat so that their words become whole pieces ("▁Stadt").
        corpus = list(sentences) * 20 + [
            " ".join(extra[i : i + 8]) for i in range(0, len(extra), 8)
        ]
    # hard_vocab_limit=False: a corpus too small for ``pieces`` gives as many as it can
    # (the caller reads the size reached from the model).
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_prefix=str(prefix),
        vocab_size=pieces,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        unk_id=1,
        eos_id=0,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
        num_threads=1,
    )


def _quote(token: str) -> str:
    """A vocabulary key as Marian writes it (always double-quoted: safe for every piece)."""
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _marian_config(shape: MarianShape, vocab_size: int) -> str:
    return "\n".join(
        [
            "type: transformer",
            f"enc-depth: {shape.enc_depth}",
            f"dec-depth: {shape.dec_depth}",
            f"dim-emb: {shape.d_model}",
            f"dim-vocabs: [{vocab_size}, {vocab_size}]",
            f"transformer-heads: {shape.heads}",
            f"transformer-dim-ffn: {shape.ffn}",
            "transformer-ffn-activation: swish",
            'transformer-preprocess: ""',
            "transformer-postprocess: dan",
            "transformer-postprocess-emb: d",
            'transformer-postprocess-top: ""',
            "transformer-decoder-autoreg: self-attention",
            "transformer-no-projection: false",
            "transformer-guided-alignment-layer: last",
            "tied-embeddings-all: true",
            "",
        ]
    )


def build_marian_release(
    out_dir: Path,
    *,
    shape: MarianShape | None = None,
    sentences: list[str] | None = None,
    corpus: list[str] | None = None,
    pieces: int = 300,
    seed: int = 0,
    favour: dict[str, float] | None = None,
    source_language: str = "de",
    target_language: str = "en",
    target_sentences: list[str] | None = None,
) -> Path:
    """Write a random-weight OPUS-MT-style release into out_dir and return it.

    The sentencepiece model (``source.spm``, copied to ``target.spm``) is trained on
    ``corpus`` as it is when one is given (at most ``pieces`` pieces, fewer if the corpus
    cannot supply them), else on ``sentences`` padded out with pseudo-words. With
    ``target_sentences``, ``target.spm`` is a model of its own trained on them, and the
    vocabulary is the union of both models' pieces, as in OPUS-MT releases. The vocabulary
    is then padded with unused tokens up to ``shape.vocab_size``.

    ``favour`` raises the output bias of the given sentencepiece pieces (e.g. {"▁Vienna": 30})
    so that the random model emits them and a test can predict its output.
    """
    import numpy as np

    shape = shape or MarianShape()
    out_dir.mkdir(parents=True, exist_ok=True)
    _train_sentencepiece(sentences or SAMPLE_SENTENCES, out_dir / "spm", pieces, corpus)
    (out_dir / "spm.model").replace(out_dir / "source.spm")
    (out_dir / "spm.vocab").unlink()
    if target_sentences:
        _train_sentencepiece(target_sentences, out_dir / "target", pieces)
        (out_dir / "target.model").replace(out_dir / "target.spm")
        (out_dir / "target.vocab").unlink()
    else:
        (out_dir / "target.spm").write_bytes((out_dir / "source.spm").read_bytes())

    import sentencepiece as spm

    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for name in ("source.spm", "target.spm"):
        processor = spm.SentencePieceProcessor(model_file=str(out_dir / name))
        for index in range(processor.get_piece_size()):
            piece = processor.id_to_piece(index)
            if not (processor.is_control(index) or processor.is_unknown(index)) and (
                piece not in seen
            ):
                tokens.append(piece)
                seen.add(piece)
    while len(tokens) < shape.vocab_size:
        tokens.append(f"▁pad{len(tokens)}")
    vocab_size = len(tokens)
    (out_dir / VOCAB_NAME).write_text(
        "".join(f"{_quote(token)}: {index}\n" for index, token in enumerate(tokens)),
        encoding="utf-8",
    )

    rng = np.random.default_rng(seed)
    d, f = shape.d_model, shape.ffn

    def matrix(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols), dtype=np.float32) / np.sqrt(rows)).astype(
            np.float32
        )

    def vector(size: int, value: float = 0.0) -> np.ndarray:
        return np.full((1, size), value, dtype=np.float32)

    weights: dict[str, np.ndarray] = {"Wemb": matrix(vocab_size, d)}

    def attention(prefix: str) -> None:
        for name in ("q", "k", "v", "o"):
            weights[f"{prefix}_W{name}"] = matrix(d, d)
            weights[f"{prefix}_b{name}"] = vector(d)
        weights[f"{prefix}_Wo_ln_scale"] = vector(d, 1.0)
        weights[f"{prefix}_Wo_ln_bias"] = vector(d)

    def feed_forward(prefix: str) -> None:
        weights[f"{prefix}_ffn_W1"] = matrix(d, f)
        weights[f"{prefix}_ffn_b1"] = vector(f)
        weights[f"{prefix}_ffn_W2"] = matrix(f, d)
        weights[f"{prefix}_ffn_b2"] = vector(d)
        weights[f"{prefix}_ffn_ffn_ln_scale"] = vector(d, 1.0)
        weights[f"{prefix}_ffn_ffn_ln_bias"] = vector(d)

    for layer in range(1, shape.enc_depth + 1):
        attention(f"encoder_l{layer}_self")
        feed_forward(f"encoder_l{layer}")
    for layer in range(1, shape.dec_depth + 1):
        attention(f"decoder_l{layer}_self")
        attention(f"decoder_l{layer}_context")
        feed_forward(f"decoder_l{layer}")
    bias = vector(vocab_size)
    for piece, boost in (favour or {}).items():
        if piece not in tokens:
            raise ValueError(f"{piece!r} is not a piece of this vocabulary")
        bias[0, tokens.index(piece)] += boost
    weights["decoder_ff_logit_out_b"] = bias
    config = _marian_config(shape, vocab_size).encode("utf-8") + b"\0"
    weights["special:model.yml"] = np.frombuffer(config, dtype=np.int8).copy()
    buffer = io.BytesIO()
    np.savez(buffer, **weights)  # type: ignore[arg-type]
    (out_dir / WEIGHTS_NAME).write_bytes(buffer.getvalue())

    (out_dir / "decoder.yml").write_text(
        f"models:\n  - {WEIGHTS_NAME}\nvocabs:\n  - {VOCAB_NAME}\n  - {VOCAB_NAME}\n"
        "beam-size: 4\nnormalize: 1\nword-penalty: 0\nmini-batch: 16\nmaxi-batch: 100\n"
        "maxi-batch-sort: src\nrelative-paths: true\n",
        encoding="utf-8",
    )
    (out_dir / "README.md").write_text(
        f"# random-{source_language}-{target_language}\n\n"
        f"* source language(s): {source_language}\n* target language(s): {target_language}\n"
        "* model: transformer-align (random weights, built for tests and benchmarks)\n",
        encoding="utf-8",
    )
    return out_dir
