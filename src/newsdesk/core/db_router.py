"""Reads from PostgreSQL read replicas (DATABASE_REPLICA_URLS), writes on the primary.

Only requests may read from a replica, and only those that cannot notice its lag: a GET or
HEAD outside the back office and the moderators' workspace from a client that has not written
in the last ``NEWSDESK_DB_PRIMARY_AFTER_WRITE_SECONDS`` (default 5). A request with any other
method writes: it reads and writes on the primary, and its answer sets the cookie
``nd_primary`` for that many seconds, so that the same client reads its own writes (the
comment it just posted, the settings it just saved) from the primary until the replicas have
caught up. Workers, commands and reads inside a transaction always use the primary. Each
request picks one replica (the first that answers is not checked: a replica that is down
fails its requests like a primary would). Hot-path reads written as prepared SQL on the
default connection (``core.prepared``: sessions, the signed-in user, the page cache's
content version) stay on the primary by design.
"""

from __future__ import annotations

import contextvars
import random
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PRIMARY_COOKIE = "nd_primary"
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Paths whose readers act on what they read (editors, moderators): always the primary.
PRIMARY_PATHS = re.compile(r"^/(?:admin/|(?:[a-z]{2}/)?moderation/|health|ready)")

_replica: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "NEWSDESK_DB_REPLICAS", []))


def reads_from_replica(request: HttpRequest) -> bool:
    """Whether this request may read from a replica (see the module's docstring)."""
    return (
        bool(replica_aliases())
        and request.method in READING_METHODS
        and PRIMARY_PATHS.match(request.path_info) is None
        and PRIMARY_COOKIE not in request.COOKIES
    )


class ReplicaRouter:
    """Django database router: a request's reads on its replica (see ReplicaMiddleware)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        alias = _replica.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Chooses the database a request reads from, and marks clients that wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        aliases = replica_aliases()
        alias = random.choice(aliases) if reads_from_replica(request) else None  # noqa: S311
        token = _replica.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _replica.reset(token)
        if aliases and request.method not in READING_METHODS:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.NEWSDESK_DB_PRIMARY_AFTER_WRITE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
