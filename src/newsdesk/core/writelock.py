"""One writer at a time on SQLite, queued instead of sleeping in SQLite's busy handler.

SQLite lets one writer in at a time and makes the others sleep and retry with growing pauses
(1, 2, 5, 10 ms ...). Writes on hot paths (comments, rate-limit counters) queue instead: on a
lock between this process's threads, then on an advisory file lock beside the database
between the server's processes, which the kernel hands to the next waiter the moment it is
released. On other databases ``write_lock`` does nothing.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_sqlite_writes = threading.RLock()
_held = threading.local()  # how deep this thread is inside write_lock
_lock_files: dict[tuple[int, str], int] = {}


def _sqlite_lock_file() -> int | None:
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        not name
        or name == ":memory:"
        or name.startswith("file:")
        or not os.path.isdir(os.path.dirname(os.path.abspath(name)))
    ):
        return None  # an in-memory database has one process
    key = (os.getpid(), name)  # a descriptor inherited through fork would share the lock
    if key not in _lock_files:
        _lock_files[key] = os.open(f"{name}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


@contextmanager
def write_lock() -> Iterator[None]:
    """Hold the database's write lock (SQLite only); a thread may take it again inside."""
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_writes:
        depth = getattr(_held, "depth", 0)
        descriptor = _sqlite_lock_file() if depth == 0 else None
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
