"""Periodic work that must run once per period across every worker process and machine.

Each worker wakes several times a period and tries to claim the current period of a job;
the first claim wins and runs the job, the others find it taken. The claim is an atomic
"add if absent" of a key naming the period (``name:number``, a new key each period) in the
cache every process shares: the database cache table (an INSERT under a unique key: only
one transaction can commit it, on SQLite and PostgreSQL alike) or, with ``CACHE_URL=redis://``,
Redis (``SET NX`` with an expiry). The keys expire after two periods; ``newsdesk worker``
deletes the expired rows of the database cache. Only with ``CACHE_URL=dummy://`` (tests)
does every claim succeed.
"""

from __future__ import annotations

import os
import socket
import time

from django.conf import settings
from django.core.cache import BaseCache, caches

from newsdesk.core.writelock import write_lock

SHARED_ALIAS = "shared"


def shared_cache() -> BaseCache:
    """The cache every process sees: the database cache beside a local-memory default,
    else the default cache (Redis)."""
    return caches[SHARED_ALIAS if SHARED_ALIAS in settings.CACHES else "default"]


def worker_name() -> str:
    """This process, as the claims record it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_period(name: str, period_seconds: float, *, now: float | None = None) -> int | None:
    """Claim the current period (``floor(now / period_seconds)``, Unix seconds) of job
    ``name`` for this process. Returns the period's number when this call is the first of all
    processes to claim it, else None. Raises ValueError for a period that is not positive."""
    if period_seconds <= 0:
        raise ValueError("period_seconds must be positive")
    moment = time.time() if now is None else now
    number = int(moment // period_seconds)
    key = f"newsdesk:periodic:{name}:{number}"
    timeout = max(1, int(2 * period_seconds) + 1)
    with write_lock():
        claimed = shared_cache().add(key, worker_name(), timeout)
    return number if claimed else None
