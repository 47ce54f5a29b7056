"""Registries through which higher apps plug into site-wide behaviour without import loops."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


# The reporting page (the notice-and-action channel of the EU's Digital Services Act): a
# higher app that runs it tells the lower ones where it is, per language; the community puts
# a "Report" link beside every comment and ends its disclaimer with it.
_report_pages: list[Callable[[str], str | None]] = []


def provides_report_page(func: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Decorator: func(language) -> the address of the reporting page for that language (a
    path of this site or an absolute http(s) URL), or None where it offers none. The first
    provider that answers wins; registering the same function again changes nothing."""
    if func not in _report_pages:
        _report_pages.append(func)
    return func


def withdraw_report_page(func: Callable[[str], str | None]) -> None:
    """Undo provides_report_page (an app switched off, a test's provider)."""
    if func in _report_pages:
        _report_pages.remove(func)


@contextmanager
def without_report_pages() -> Iterator[None]:
    """No reporting page is provided while inside (for a lower app's tests, which must not
    depend on what higher apps registered); the providers are back afterwards."""
    saved = list(_report_pages)
    _report_pages.clear()
    try:
        yield
    finally:
        _report_pages[:] = saved


def report_page_url(language: str) -> str | None:
    """The reporting page's address for the language, or None when no app provides one. A
    provider that fails is logged and passed over (a report link is never worth a 500)."""
    for func in _report_pages:
        try:
            url = func(language)
        except Exception:  # noqa: BLE001 - a broken provider must not take pages down
            logger.exception("report page provider %s failed", func.__qualname__)
            continue
        if url:
            return url
    return None
