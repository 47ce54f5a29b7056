"""Rate-limit counters shared by every server process, kept in the database.

The cache is per process unless it is Redis (``CACHE_URL``), and newsdesk serves with several
processes by default: counted in local memory, a limit of 20 a minute would let 20 through
each process. ``count`` adds one event in one SQL statement (an upsert that returns the new
count, atomic on SQLite and PostgreSQL alike), so the limit holds across processes without
Redis. Old windows are deleted now and then on the way.
"""

from __future__ import annotations

import random
import time

from django.db import connection

from newsdesk.core.models import RateCounter

PURGE_CHANCE = 0.01  # one call in a hundred deletes expired windows


def count(key: str, window_seconds: int, *, now: float | None = None) -> int:
    """Count one event for ``key`` in the current fixed window of ``window_seconds`` and
    return how many it has had in that window, this one included."""
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    moment = time.time() if now is None else now
    window = int(moment // window_seconds)
    expires = (window + 2) * window_seconds
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_, window_, count_, expires_ = (quote(c) for c in ("key", "window", "count", "expires"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {window_}, {count_}, {expires_}) "  # noqa: S608
            f"VALUES (%s, %s, 1, %s) ON CONFLICT ({key_}, {window_}) "
            f"DO UPDATE SET {count_} = {table}.{count_} + 1 RETURNING {count_}",
            [key[:200], window, expires],
        )
        (total,) = cursor.fetchone()
        if random.random() < PURGE_CHANCE:  # noqa: S311  (not security: housekeeping)
            cursor.execute(
                f"DELETE FROM {table} WHERE {expires_} < %s",  # noqa: S608
                [int(moment)],
            )
    return int(total)
