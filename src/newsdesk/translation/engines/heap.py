"""Giving the memory a translation freed back to the system.

CTranslate2 allocates each batch's decoder state (the beam's hypotheses with their self- and
cross-attention caches, in float32 even for an int8 model) through the C library's
``malloc`` and frees it when the batch is done. glibc keeps freed memory in the arena of the
thread that used it (one arena per translator thread) instead of returning it, so a worker's
resident memory stays at the high-water mark of its largest batch for as long as it lives,
and that retained memory adds to the next request's peak. ``malloc_trim(0)`` hands the free
pages of every arena back to the kernel.

Measured with ``bench/mt_peer.py``'s model (opus-mt-de-en's shape, beam 4, two translators,
issue 15, docs/benchmarks.md): between two requests the process held 248-337 MB without the
trim and 209-218 MB with it (190 MB after loading the model). The call takes about 20 ms
per 190 MB it returns (one ``madvise`` per free run of pages) and 0.05 ms when there is
nothing to return; ``translation/tests/test_heap.py`` measures what it gives back.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols, the C library's among them
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def can_release() -> bool:
    """Whether this process's C library can give freed memory back (glibc on Linux)."""
    return _malloc_trim() is not None


def release_free_memory() -> bool:
    """Return the free pages of the C heap (every thread's arena) to the system.

    Returns True when some memory was returned, False when there was none to return or the C
    library cannot (see ``can_release``). Thread-safe: glibc locks each arena while it trims.
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
