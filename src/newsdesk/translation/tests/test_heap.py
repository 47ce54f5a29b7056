"""Giving freed C heap memory back: measured on the process's own resident memory."""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import pytest

from newsdesk.translation.engines import heap

pytestmark = pytest.mark.skipif(not heap.can_release(), reason="the C library has no malloc_trim")


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_freed_in_the_middle_of_the_heap_is_returned():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    # 96 MB in blocks below glibc's mmap threshold (so they come from the heap), each written
    # so that it is resident, with a block kept at the end: the heap cannot shrink from its
    # top, and glibc keeps the freed blocks below it.
    block = 96 * 1024
    blocks = [libc.malloc(block) for _ in range(1024)]
    assert all(blocks)
    for address in blocks:
        ctypes.memset(address, 1, block)
    keeper = libc.malloc(block)
    ctypes.memset(keeper, 1, block)
    try:
        for address in blocks:
            libc.free(address)
        before = resident_mb()
        started = time.perf_counter()
        assert heap.release_free_memory() is True
        seconds = time.perf_counter() - started
        after = resident_mb()
    finally:
        libc.free(keeper)
    assert before - after > 64, (before, after)
    assert seconds < 1.0
