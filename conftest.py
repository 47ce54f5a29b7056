"""Fixtures shared by every app's tests: one user per role, a clean cache, browser helpers."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLES = ("anonymous", "reader", "moderator", "editor", "admin")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from newsdesk.moderation.screening import forget_cached

    cache.clear()
    forget_cached()  # word lists and policies a rolled-back test left in this process


def make_user(django_user_model: Any, username: str, role: str | None = None, **extra: Any):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="correct horse battery",  # noqa: S106
        **extra,
    )
    if role in ("editor", "moderator", "admin"):
        user.is_staff = True
        if role == "admin":
            user.is_superuser = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def users(db: Any, django_user_model: Any) -> dict[str, Any]:
    """{role: user} for reader, other_reader, moderator, editor, admin."""
    return {
        "reader": make_user(django_user_model, "reader"),
        "other_reader": make_user(django_user_model, "other_reader"),
        "moderator": make_user(django_user_model, "moderator", "moderator"),
        "editor": make_user(django_user_model, "editor", "editor"),
        "admin": make_user(django_user_model, "admin", "admin"),
    }


@pytest.fixture
def client_for(users: dict[str, Any]):
    """client_for(role) -> a test client logged in as that role ('anonymous': not logged in)."""

    def build(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return build


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (skips only where no Chromium is installed).

    Module scope: Playwright's sync API keeps an event loop running while it is open, which
    would break later tests in the same process that call asyncio.run().
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Chromium at {executable}")
        pytest.skip(f"no Chromium at {executable}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def log_in(page: Any, live_server: Any):
    """log_in(username): sign in through the back office's login form in the browser page."""

    def sign_in(username: str) -> None:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "correct horse battery")
        page.locator("input[type=submit]").click()
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def page(browser: Any):
    context = browser.new_context(locale="de-AT", timezone_id="Europe/Vienna")
    page = context.new_page()
    yield page
    context.close()
