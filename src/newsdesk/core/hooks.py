"""Registries through which higher apps plug into site-wide behaviour without import loops."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_worker_startup: list[Callable[[], None]] = []


def on_worker_startup(func: Callable[[], None]) -> Callable[[], None]:
    """Decorator: run func each time a worker starts (e.g. to catch up on overdue work)."""
    _worker_startup.append(func)
    return func


def run_worker_startup_hooks() -> None:
    for func in _worker_startup:
        logger.info("worker start-up: %s", func.__qualname__)
        func()


_worker_sweep: list[Callable[[], None]] = []


def on_worker_sweep(func: Callable[[], None]) -> Callable[[], None]:
    """Decorator: run func in a running worker's periodic sweep (about once a minute, with the
    re-queueing of tasks a killed worker left running), e.g. to take over work whose claim
    has expired since the worker started."""
    _worker_sweep.append(func)
    return func


def run_worker_sweep_hooks() -> None:
    """Run every sweep hook; one that fails is logged and does not keep the others from running."""
    for func in _worker_sweep:
        try:
            func()
        except Exception:  # noqa: BLE001 - one app's sweep must not stop the worker's others
            logger.exception("worker sweep %s failed", func.__qualname__)


_demo_content: list[Callable[[], None]] = []


def provides_demo_content(func: Callable[[], None]) -> Callable[[], None]:
    """Decorator: func fills the demo site with this app's content (must be idempotent)."""
    _demo_content.append(func)
    return func


def load_demo_content() -> None:
    for func in _demo_content:
        func()


# Template slots: a lower app's template leaves a named place ({% slot "name" %}) that higher
# apps fill (e.g. newsroom's article page leaves "article_comments" for the community app).
_slots: dict[str, list[Callable[..., str]]] = {}


def fills_slot(name: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Decorator: func(context) -> HTML (safe string) is rendered where the slot is."""

    def register(func: Callable[..., str]) -> Callable[..., str]:
        _slots.setdefault(name, []).append(func)
        return func

    return register


def slot_fillers(name: str) -> list[Callable[..., str]]:
    return list(_slots.get(name, []))
