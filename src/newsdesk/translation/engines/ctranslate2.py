"""The default engine: OPUS-MT / Marian and Argos models run by CTranslate2 (CPU int8 or GPU).

Models are the ones ``newsdesk models install`` put under the model directory, one per pair.
Each is loaded on first use and stays loaded, shared by every request of the process. A pair
without its own model is translated through English when both halves are installed.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from newsdesk.translation.engines import (
    CutOutput,
    EngineError,
    TranslationEngine,
    UnsupportedLanguagePair,
)
from newsdesk.translation.engines.device import choose_device
from newsdesk.translation.engines.heap import release_free_memory
from newsdesk.translation.modelstore import (
    VOCABULARY_MAP,
    InstalledModel,
    installed_models,
    record_vocabulary_map,
    store_signature,
    write_vocabulary_map,
)

logger = logging.getLogger(__name__)
PIVOT = "en"
MAX_AUTO_TRANSLATORS = 4
# CTranslate2 reads at most this many source pieces (its default truncation, made explicit).
MAX_INPUT_PIECES = 1024
# The automatic batch budget (NEWSDESK_MT_MAX_BATCH_TOKENS=0). On a CPU, source tokens per
# batch and per thread of its translator: each token in a batch holds about 0.3 MB of decoder
# state at beam 4 (opus-mt-de-en's size: 6 decoder layers of 512, float32 attention caches
# for four hypotheses). At 64 a worker's peak stays at the peer's (Argos/LibreTranslate)
# while it translates 1.7-4.2x faster; 2048 was up to 1.5x faster again for 200-350 MB more
# (bench/mt_peer.py, docs/benchmarks.md, issue 15). A GPU is fast with large batches and has
# memory of its own.
AUTO_CPU_BATCH_TOKENS_PER_THREAD = 64
AUTO_GPU_BATCH_TOKENS = 2048


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def thread_layout(device: str, inter_threads: int, intra_threads: int) -> tuple[int, int]:
    """(translators, threads each). 0 means automatic: on a CPU, one translator per core
    (up to four) with one thread each, which on 2 cores finished a 600-word article at beam 4
    1.3-1.6 s sooner than one translator on both cores (docs/benchmarks.md); a GPU keeps one
    translator and CTranslate2's own thread count."""
    if device != "cpu":
        return inter_threads or 1, intra_threads
    cores = available_cores()
    if inter_threads == 0:
        inter_threads = max(1, min(MAX_AUTO_TRANSLATORS, cores // max(intra_threads, 1)))
    if intra_threads == 0:
        intra_threads = max(1, cores // inter_threads)
    return inter_threads, intra_threads


def automatic_batch_tokens(device: str, intra_threads: int) -> int:
    """The batch budget in source tokens when none is configured: on a CPU
    AUTO_CPU_BATCH_TOKENS_PER_THREAD for each thread of a translator (so two translators of
    one thread each hold 2 x 64 tokens at once), on a GPU AUTO_GPU_BATCH_TOKENS."""
    if device != "cpu":
        return AUTO_GPU_BATCH_TOKENS
    return AUTO_CPU_BATCH_TOKENS_PER_THREAD * max(1, intra_threads)


class _Loaded:
    def __init__(
        self,
        model: InstalledModel,
        translator: Any,
        source_spm: Any,
        target_spm: Any,
        use_vmap: bool = False,
    ) -> None:
        self.model = model
        self.translator = translator
        self.source_spm = source_spm
        self.target_spm = target_spm
        self.use_vmap = use_vmap


class CTranslate2Engine(TranslationEngine):
    name = "ctranslate2"

    def __init__(
        self,
        model_dir: str,
        device: str = "cpu",
        compute_type: str = "",
        inter_threads: int = 0,
        intra_threads: int = 0,
        beam_size: int = 4,
        max_batch_tokens: int = 0,
        max_decoding_length: int = 512,
        pivot: str = PIVOT,
        restrict_vocabulary: bool = True,
        max_segment_pieces: int = 256,
    ) -> None:
        self.model_dir = Path(model_dir)
        # "cpu", "cuda" or "auto"; compute_type "" is the device's default (int8 on a CPU,
        # int8_float16 on CUDA). Checked here, so that a worker told to use a GPU it does not
        # have stops at once with a message naming NEWSDESK_MT_DEVICE (ImproperlyConfigured).
        choice = choose_device(device, compute_type)
        self.device = choice.device
        self.compute_type = choice.compute_type
        self.device_reason = choice.reason
        self.inter_threads, self.intra_threads = thread_layout(
            self.device, inter_threads, intra_threads
        )
        self.beam_size = beam_size
        # Source tokens per batch, 0 = automatic (automatic_batch_tokens). Each batch's decoder
        # state is what the process's memory grows by while it translates.
        if max_batch_tokens < 0:
            raise ValueError(
                f"max_batch_tokens must be 0 (automatic) or more, not {max_batch_tokens}"
            )
        self.max_batch_tokens = max_batch_tokens or automatic_batch_tokens(
            self.device, self.intra_threads
        )
        self.max_decoding_length = max_decoding_length
        self.pivot = pivot
        # Score only the pieces the model was trained to write (the target sentencepiece
        # model's), not the whole shared vocabulary: see modelstore.target_candidates.
        self.restrict_vocabulary = restrict_vocabulary
        # The longest segment (in source pieces) translated in one go: the pipeline cuts
        # longer ones at clause boundaries. At twice its length the output still fits
        # max_decoding_length, and the input never reaches CTranslate2's truncation.
        self.max_segment_pieces = max_segment_pieces
        self._loaded: dict[str, _Loaded] = {}
        self._models_cache: tuple[Any, dict[str, InstalledModel]] | None = None
        self._lock = threading.Lock()
        self.loads = 0  # how many models this engine has loaded (they stay loaded)

    # -- which pairs ------------------------------------------------------------------

    def _models(self) -> dict[str, InstalledModel]:
        """The installed models by pair, read again only when the store changed
        (store_signature): every translation and every comment section's "Show translation"
        asks for them."""
        signature = store_signature(self.model_dir)
        cached = self._models_cache
        if cached is not None and cached[0] == signature:
            return cached[1]
        models = {model.pair: model for model in installed_models(self.model_dir)}
        self._models_cache = (signature, models)
        return models

    def _route(self, source: str, target: str) -> list[str] | None:
        models = self._models()
        if f"{source}-{target}" in models:
            return [f"{source}-{target}"]
        first, second = f"{source}-{self.pivot}", f"{self.pivot}-{target}"
        if source != self.pivot and target != self.pivot and first in models and second in models:
            return [first, second]
        return None

    def language_pairs(self) -> set[tuple[str, str]]:
        direct = {(m.source, m.target) for m in self._models().values()}
        pairs = set(direct)
        for source, middle in direct:
            for middle_again, target in direct:
                if middle == self.pivot == middle_again and source != target:
                    pairs.add((source, target))
        return pairs

    def can_translate(self, source: str, target: str) -> bool:
        return self._route(source, target) is not None

    def model_version(self, source: str, target: str) -> str:
        route = self._route(source, target)
        if route is None:
            raise UnsupportedLanguagePair(source, target, self.name)
        models = self._models()
        return "ctranslate2:" + "+".join(models[pair].label for pair in route)

    def check_pair(self, source: str, target: str) -> None:
        if self._route(source, target) is None:
            raise UnsupportedLanguagePair(
                source,
                target,
                self.name,
                f"no model is installed for {source}-{target} (nor through {self.pivot}): "
                f"run newsdesk models install {source}-{target}",
            )

    # -- running ----------------------------------------------------------------------

    def _load(self, pair: str) -> _Loaded:
        model = self._models().get(pair)
        if model is None:
            raise EngineError(f"no model installed for {pair}")
        with self._lock:
            loaded = self._loaded.get(pair)
            # A model installed anew (another version) replaces the loaded one, so that the
            # provenance recorded always names the model that translated.
            if loaded is not None and loaded.model.label == model.label:
                return loaded
            import ctranslate2
            import sentencepiece as spm

            use_vmap = self.restrict_vocabulary and self._vocabulary_map(model)
            try:
                translator = ctranslate2.Translator(
                    str(model.path),
                    device=self.device,
                    compute_type=self.compute_type,
                    inter_threads=self.inter_threads,
                    intra_threads=self.intra_threads,
                )
                source_spm = spm.SentencePieceProcessor(model_file=str(model.path / "source.spm"))
                target_spm = spm.SentencePieceProcessor(model_file=str(model.path / "target.spm"))
            except (RuntimeError, OSError, ValueError) as exc:
                raise EngineError(f"the model for {pair} cannot be loaded: {exc}") from None
            loaded = _Loaded(model, translator, source_spm, target_spm, use_vmap)
            self._loaded[pair] = loaded
            self.loads += 1
            return loaded

    @staticmethod
    def _vocabulary_map(model: InstalledModel) -> bool:
        """Whether the model has its vocabulary map; models installed before newsdesk wrote
        one get it now (CTranslate2 reads it when the model loads), where the directory is
        writable."""
        if (model.path / VOCABULARY_MAP).exists():
            return True
        try:
            written = write_vocabulary_map(model.path)
            if written:
                record_vocabulary_map(model, written)
        except (OSError, ValueError) as exc:
            logger.warning(
                "%s: cannot write %s (%s); the model scores its whole vocabulary, which is "
                "slower. Reinstall it to fix this.",
                model.label,
                VOCABULARY_MAP,
                exc,
            )
            return False
        if written:
            logger.info(
                "%s: output restricted to the %d of %d tokens of its target language",
                model.label,
                *written,
            )
        return written is not None

    def batch_tokens(self, lengths: list[int]) -> int:
        """The token budget of one batch: at most max_batch_tokens, and with several
        translators small enough that one document gives each of them a share (CTranslate2
        sorts the segments by length and hands the batches to its translators in parallel)."""
        if self.inter_threads <= 1 or not lengths:
            return self.max_batch_tokens
        share = -(-sum(lengths) // self.inter_threads)
        return max(max(lengths), min(self.max_batch_tokens, share))

    def segment_limit(self, source: str, target: str) -> int | None:
        return self.max_segment_pieces

    def measure(self, segments: list[str], source: str, target: str) -> list[int]:
        """Source pieces per segment, as the first model of the route cuts them."""
        loaded = self._load(self._route_or_raise(source, target)[0])
        return [len(pieces) for pieces in loaded.source_spm.encode(segments, out_type=int)]

    def _translate_pair(self, segments: list[str], pair: str) -> list[str]:
        return [best for best, *_others in self._hypotheses(segments, pair, 1)]

    def _hypotheses(self, segments: list[str], pair: str, count: int) -> list[list[str]]:
        """The ``count`` best hypotheses of every segment (a wider beam when more are asked
        for than the beam holds). A hypothesis that ran into the decoding limit (for the best
        one alone: its own segment's, twice its source pieces plus ten, whatever else shares
        the batch, so editions translated together give the text each gets alone), or whose
        source was longer than the model reads, is a CutOutput."""
        loaded = self._load(pair)
        batch = [loaded.source_spm.encode(text, out_type=str) for text in segments]
        longest = max((len(tokens) for tokens in batch), default=0)
        decoding_limit = min(self.max_decoding_length, 2 * longest + 10)
        try:
            results = loaded.translator.translate_batch(
                batch,
                beam_size=max(self.beam_size, count),
                num_hypotheses=count,
                max_batch_size=self.batch_tokens([len(tokens) for tokens in batch]),
                batch_type="tokens",
                max_input_length=MAX_INPUT_PIECES,
                max_decoding_length=decoding_limit,
                use_vmap=loaded.use_vmap,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed on {pair}: {exc}") from None
        finally:
            # The batches' decoder state is freed now; without this glibc would keep it.
            release_free_memory()
        hypotheses = []
        for tokens, result in zip(batch, results, strict=True):
            source_cut = len(tokens) > MAX_INPUT_PIECES
            # The best hypothesis keeps the limit its segment would have alone: a short
            # segment batched with a long one (editions translated together) must not write
            # on past its own. (Alternatives keep the batch's limit: cut at the segment's own,
            # hypotheses that differ only after it would come back as one.)
            own_limit = (
                min(self.max_decoding_length, 2 * len(tokens) + 10)
                if count == 1
                else decoding_limit
            )
            hypotheses.append(
                [
                    (CutOutput if source_cut or len(pieces) >= own_limit else str)(
                        loaded.target_spm.decode(pieces[:own_limit])
                    )
                    for pieces in result.hypotheses
                ]
            )
        return hypotheses

    def _route_or_raise(self, source: str, target: str) -> list[str]:
        route = self._route(source, target)
        if route is None:
            self.check_pair(source, target)
            raise UnsupportedLanguagePair(source, target, self.name)  # not reached
        return route

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        route = self._route_or_raise(source, target)
        if not segments:
            return []
        outputs = segments
        cut: set[int] = set()
        for pair in route:
            outputs = self._translate_pair(outputs, pair)
            cut.update(i for i, output in enumerate(outputs) if isinstance(output, CutOutput))
        return [CutOutput(o) if i in cut else o for i, o in enumerate(outputs)]

    def translate_alternatives(
        self, segments: list[str], source: str, target: str, count: int
    ) -> list[list[str]]:
        """The ``count + 1`` best hypotheses of the beam (the best of them is usually the main
        translation, which the pipeline drops; not always, since this call batches the
        segments differently); through a pivot, of the second model on the first one's best
        translation."""
        route = self._route_or_raise(source, target)
        if not segments or count < 1:
            return [[] for _segment in segments]
        outputs = segments
        for pair in route[:-1]:
            outputs = self._translate_pair(outputs, pair)
        return self._hypotheses(outputs, route[-1], count + 1)
