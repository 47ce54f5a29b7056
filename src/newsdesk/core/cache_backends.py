"""The default cache without Redis: this process's memory, except what all processes share.

``newsdesk serve`` runs several processes. Page fragments and the like may live in each
process's memory, but a throttle must not: allauth counts failed logins and sign-ups in the
cache, and with one count per process an attacker would get as many tries as there are
processes. Entries under the prefixes in ``SHARED_PREFIXES`` therefore go to the database
cache (``CACHES["shared"]``), under a keyed hash of their key (allauth's keys name the
reader's address), written under the SQLite write lock; all others stay in local memory.
``newsdesk worker`` deletes expired shared entries. With ``CACHE_URL=redis://`` this class is
not used: Redis is shared anyway, through :class:`RedisCacheFallingThrough` (which serves
from the database while Redis is down).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

from newsdesk.core.writelock import write_lock

logger = logging.getLogger(__name__)

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


class RedisCacheFallingThrough(RedisCache):
    """Django's Redis cache (``CACHE_URL=redis://``) that keeps the site up while Redis is
    down: a read is a miss (the page is built from the database), a write or delete does
    nothing, ``add`` (a claim or a lock) fails; ``incr`` still raises. Django's own backend
    raises ``redis.ConnectionError`` into every request instead. ``/health`` still reports the
    cache as failing (its test value does not come back)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _FallThroughClient


_last_warning = 0.0


def _redis_down(operation: str, error: Exception) -> None:
    """Log that Redis failed, at most every 10 seconds per process (a down Redis would
    otherwise add a log line to every request)."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 10:
        _last_warning = now
        logger.warning("cache: Redis unavailable (%s: %s); serving without it", operation, error)


class _FallThroughClient(RedisCacheClient):
    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except RedisError as error:
            _redis_down("get", error)
            return default

    def get_many(self, keys: Any) -> Any:
        try:
            return super().get_many(keys)
        except RedisError as error:
            _redis_down("get_many", error)
            return {}

    def has_key(self, key: Any) -> Any:
        try:
            return super().has_key(key)
        except RedisError as error:
            _redis_down("has_key", error)
            return False

    def add(self, key: Any, value: Any, timeout: Any) -> Any:
        try:
            return super().add(key, value, timeout)
        except RedisError as error:
            _redis_down("add", error)
            return False

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except RedisError as error:
            _redis_down("set", error)

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except RedisError as error:
            _redis_down("set_many", error)

    def touch(self, key: Any, timeout: Any) -> Any:
        try:
            return super().touch(key, timeout)
        except RedisError as error:
            _redis_down("touch", error)
            return False

    def delete(self, key: Any) -> Any:
        try:
            return super().delete(key)
        except RedisError as error:
            _redis_down("delete", error)
            return False

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except RedisError as error:
            _redis_down("delete_many", error)

    def clear(self) -> Any:
        try:
            return super().clear()
        except RedisError as error:
            _redis_down("clear", error)
            return False
