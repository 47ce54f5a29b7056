"""Settings from the environment: typed readers that fail loudly, and the settings module."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from newsdesk import env
from newsdesk.env import ConfigError


def test_env_bool(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env.env_bool("X_FLAG", not expected) is expected
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG='maybe' is not a boolean"):
        env.env_bool("X_FLAG", False)
    monkeypatch.delenv("X_FLAG")
    assert env.env_bool("X_FLAG", True) is True


def test_env_int(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env.env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ConfigError, match="not a whole number"):
        env.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-3")
    with pytest.raises(ConfigError, match="below the minimum of 0"):
        env.env_int("X_NUM", 1, minimum=0)


def test_env_secret_reads_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert env.env_secret("X_KEY") == "s3cret"
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="cannot be read"):
        env.env_secret("X_KEY")
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "empty"))
    with pytest.raises(ConfigError, match="is empty"):
        env.env_secret("X_KEY")


def test_env_timezone_and_languages(monkeypatch):
    monkeypatch.setenv("X_TZ", "Europe/Atlantis")
    with pytest.raises(ConfigError, match="not a known IANA time zone"):
        env.env_timezone("X_TZ", "UTC")
    known = {"de": "Deutsch", "en": "English"}
    monkeypatch.setenv("X_LANGS", "de, en")
    assert env.env_languages("X_LANGS", ["de"], known) == ["de", "en"]
    monkeypatch.setenv("X_LANGS", "de,xx")
    with pytest.raises(ConfigError, match="unknown language"):
        env.env_languages("X_LANGS", ["de"], known)
    monkeypatch.setenv("X_LANGS", "de,de")
    with pytest.raises(ConfigError, match="twice"):
        env.env_languages("X_LANGS", ["de"], known)


def _load_settings(extra: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(extra)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsdesk.settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "SECRET_KEY (or SECRET_KEY_FILE) must be set"),
        ({"SECRET_KEY": "x", "CACHE_URL": "memcached://x"}, "CACHE_URL='memcached://x'"),
        ({"SECRET_KEY": "x", "TASK_BACKEND": "celery"}, "NEWSDESK_TASKS_BACKEND='celery'"),
        ({"SECRET_KEY": "x", "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE='fr' must be one of"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL='nosuchdb://x'"),
    ],
)
def test_bad_settings_stop_start_up_with_a_message(extra, message):
    result = _load_settings(extra)
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_are_embedded_sqlite_vienna_german():
    result = _load_settings({"SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Europe/Vienna", "de"]
    result = _load_settings({"SECRET_KEY": "x", "DATABASE_URL": "postgres://u@127.0.0.1:5432/n"})
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_cli_reports_configuration_errors_without_traceback(tmp_path):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    environment.update({"NEWSDESK_DATA_DIR": str(tmp_path), "TIME_ZONE": "Mars/Olympus"})
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "newsdesk: configuration error: TIME_ZONE='Mars/Olympus'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_redis_cache_url_gives_a_working_shared_cache():
    """CACHE_URL=redis://… (for several server processes) against the local Redis."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsdesk.settings'; "
            "django.setup(); from django.core.cache import cache; "
            "cache.set('newsdesk-test', 'ok', 5); print(cache.get('newsdesk-test'))",
        ],
        env={**os.environ, "SECRET_KEY": "x", "CACHE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    # The value lives in Redis itself, not in the process's memory.
    assert redis.Redis.from_url(url).keys("*newsdesk-test*")


def test_new_names_win_and_former_names_are_still_read(monkeypatch):
    from newsdesk.env import env_int, env_str

    monkeypatch.setenv("COMMUNITY_MAX_DEPTH", "5")
    assert env_int("NEWSDESK_COMMUNITY_MAX_DEPTH", 3) == 5
    monkeypatch.setenv("NEWSDESK_COMMUNITY_MAX_DEPTH", "7")
    assert env_int("NEWSDESK_COMMUNITY_MAX_DEPTH", 3) == 7
    monkeypatch.setenv("COMMUNITY_TRUSTED_PROXIES", "1")
    assert env_int("NEWSDESK_TRUSTED_PROXIES", 0) == 1
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert env_int("NEWSDESK_TRUSTED_PROXIES", 0) == 2
    monkeypatch.setenv("SITE_NAME", "Der Standard")
    assert env_str("NEWSDESK_SITE_NAME", "newsdesk") == "Der Standard"


def test_a_bad_value_under_a_former_name_is_reported_under_that_name(monkeypatch):
    from newsdesk.env import ConfigError, env_int

    monkeypatch.setenv("COMMUNITY_MAX_DEPTH", "deep")
    with pytest.raises(ConfigError, match="COMMUNITY_MAX_DEPTH='deep' is not a whole number"):
        env_int("NEWSDESK_COMMUNITY_MAX_DEPTH", 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("database", "django_tasks_db.DatabaseBackend"),
        ("my.package.Backend", "my.package.Backend"),
    ],
)
def test_a_plugin_is_a_short_name_or_a_dotted_path(monkeypatch, value, expected):
    from newsdesk.env import env_class

    monkeypatch.setenv("NEWSDESK_TASK_BACKEND", value)
    names = {"database": "django_tasks_db.DatabaseBackend"}
    assert env_class("NEWSDESK_TASK_BACKEND", "database", names) == expected


@pytest.mark.parametrize("value", ["redis", "my..Backend", "my.package.Back-end", ""])
def test_anything_else_is_refused_with_the_short_names(monkeypatch, value):
    from newsdesk.env import ConfigError, env_class

    monkeypatch.setenv("TASK_BACKEND", value)
    with pytest.raises(ConfigError, match="use database or a dotted path"):
        env_class("NEWSDESK_TASK_BACKEND", "database", {"database": "x.Y"})
