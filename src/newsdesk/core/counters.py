"""Rate-limit counters shared by every server process, kept in the database.

The cache is per process unless it is Redis (``CACHE_URL``), and newsdesk serves with several
processes by default: counted in local memory, a limit of 20 a minute would let 20 through
each process. ``count`` adds one event in one SQL statement (an upsert that returns the new
count, atomic on SQLite and PostgreSQL alike), so the limit holds across processes without
Redis. Windows are fixed (they restart on the minute, the hour...).

Keys often name a reader's address; only a keyed hash of them is stored (nobody can read an
address back out of the table), and a window's rows are deleted once it has passed.
"""

from __future__ import annotations

import time

from django.db import connection
from django.utils.crypto import salted_hmac

from newsdesk.core.models import RateCounter
from newsdesk.core.writelock import write_lock

_now = time.time  # the clock (a test may stop it)


def stored_key(key: str) -> str:
    """What the table holds for ``key``: a keyed hash (SECRET_KEY), never the key itself."""
    return salted_hmac("newsdesk.core.counters", key, algorithm="sha256").hexdigest()


def count(key: str, window_seconds: int, *, now: float | None = None) -> int:
    """Count one event for ``key`` in the current fixed window of ``window_seconds`` and
    return how many it has had in that window, this one included."""
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    moment = _now() if now is None else now
    window = int(moment // window_seconds)
    expires = (window + 1) * window_seconds  # the end of this window
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_, window_, count_, expires_ = (quote(c) for c in ("key", "window", "count", "expires"))
    with write_lock(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {window_}, {count_}, {expires_}) "  # noqa: S608
            f"VALUES (%s, %s, 1, %s) ON CONFLICT ({key_}, {window_}) "
            f"DO UPDATE SET {count_} = {table}.{count_} + 1 RETURNING {count_}",
            [stored_key(key), window, expires],
        )
        (total,) = cursor.fetchone()
        if total == 1:  # a new window began for this key: clear away the ones that ended
            cursor.execute(
                f"DELETE FROM {table} WHERE {expires_} <= %s",  # noqa: S608
                [int(moment)],
            )
    return int(total)
