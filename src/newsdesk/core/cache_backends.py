"""The default cache without Redis: this process's memory, except what all processes share.

``newsdesk serve`` runs several processes. Page fragments and the like may live in each
process's memory, but a throttle must not: allauth counts failed logins and sign-ups in the
cache, and with one count per process an attacker would get as many tries as there are
processes. Entries under the prefixes in ``SHARED_PREFIXES`` therefore go to the database
cache (``CACHES["shared"]``), under a keyed hash of their key (allauth's keys name the
reader's address), written under the SQLite write lock; all others stay in local memory.
``newsdesk worker`` deletes expired shared entries. With ``CACHE_URL=redis://`` this class is
not used: Redis is shared anyway.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.crypto import salted_hmac

from newsdesk.core.writelock import write_lock

SHARED_PREFIXES = ("allauth:rl:",)  # allauth's rate limits (and the locks around them)
SHARED_ALIAS = "shared"


def _shared(key: Any) -> bool:
    return isinstance(key, str) and key.startswith(SHARED_PREFIXES)


def _hidden(key: str) -> str:
    """What the shared table holds for a key: a keyed hash, never the address in it."""
    return "h:" + salted_hmac("newsdesk.core.cache", key, algorithm="sha256").hexdigest()


def _store() -> BaseCache:
    return caches[SHARED_ALIAS]


class LocalCache(LocMemCache):
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        if _shared(key):
            with write_lock():
                return _store().add(_hidden(key), value, timeout, version)
        return super().add(key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        if _shared(key):
            return _store().get(_hidden(key), default, version)
        return super().get(key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        if _shared(key):
            with write_lock():
                _store().set(_hidden(key), value, timeout, version)
            return
        super().set(key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        if _shared(key):
            with write_lock():
                return _store().touch(_hidden(key), timeout, version)
        return super().touch(key, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        if _shared(key):
            with write_lock():
                return _store().incr(_hidden(key), delta, version)
        return super().incr(key, delta, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        if _shared(key):
            return _store().has_key(_hidden(key), version)
        return super().has_key(key, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        if _shared(key):
            with write_lock():
                return _store().delete(_hidden(key), version)
        return super().delete(key, version)
