"""NEWSDESK_ENV=production: secure cookies, HSTS, HTTPS redirect behind a proxy, the strict CSP,
and a refusal to start (naming the variable to set) with DEBUG on, a missing or weak secret key
or no ALLOWED_HOSTS. Each start is a process of its own with the real settings module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from newsdesk import env
from newsdesk.env import ConfigError

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"

# Settings as the production process sees them, and answers to a few requests through the whole
# middleware stack; prints one JSON line.
SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    from django.test import Client
    client = Client(raise_request_exception=False)
    out = {
        "settings": {
            name: getattr(settings, name)
            for name in (
                "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS",
            )
        },
        "responses": {},
    }
    for name, path, headers in [
        ("plain", "/robots.txt", {"HTTP_HOST": "news.example.org"}),
        ("proxied", "/robots.txt",
         {"HTTP_HOST": "news.example.org", "HTTP_X_FORWARDED_PROTO": "https"}),
        ("live", "/health/live", {"HTTP_HOST": "10.0.0.5:8000"}),
    ]:
        response = client.get(path, **headers)
        out["responses"][name] = {
            "status": response.status_code,
            "location": response.get("Location"),
            "hsts": response.get("Strict-Transport-Security"),
            "csp": response.get("Content-Security-Policy"),
        }
    print(json.dumps(out))
    """
)


def run_settings(overrides: dict[str, str | None], tmp_path) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DATABASE_URL")
        and not key.startswith("NEWSDESK_")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "NEWSDESK_DATA_DIR": str(tmp_path),
            "NEWSDESK_PLAIN_STATIC": "1",
            "NEWSDESK_ENV": "production",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "news.example.org",
        }
    )
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"DEBUG": "1"}, ["DEBUG is on: unset DEBUG or set DEBUG=0"]),
        ({"SECRET_KEY": None}, ["SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE"]),
        ({"SECRET_KEY": "short-key"}, ["SECRET_KEY is insecure"]),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, ["SECRET_KEY is insecure"]),
        ({"SECRET_KEY": "a" * 60}, ["SECRET_KEY is insecure"]),
        (
            {"SECRET_KEY": None, "NEWSDESK_INSECURE_DEV_KEY": "1"},
            ["SECRET_KEY is not set"],
        ),
        ({"ALLOWED_HOSTS": None}, ["ALLOWED_HOSTS is not set: set ALLOWED_HOSTS"]),
        ({"ALLOWED_HOSTS": " , "}, ["ALLOWED_HOSTS is not set"]),
        (
            {"DEBUG": "true", "SECRET_KEY": None, "ALLOWED_HOSTS": ""},
            ["DEBUG is on", "SECRET_KEY is not set", "ALLOWED_HOSTS is not set"],
        ),
    ],
)
def test_production_refuses_to_start(overrides, names, tmp_path):
    done = run_settings(overrides, tmp_path)
    assert done.returncode != 0
    assert "NEWSDESK_ENV=production will not start" in done.stderr
    for name in names:
        assert name in done.stderr


def test_production_refusal_through_the_newsdesk_command(tmp_path):
    """The `newsdesk` command does not generate a key in production; it prints the refusal
    without a traceback and exits 2."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        {"NEWSDESK_ENV": "production", "NEWSDESK_DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "x"}
    )
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "configuration error: NEWSDESK_ENV=production will not start" in done.stderr
    assert "SECRET_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_profile_secures_cookies_hsts_redirect_and_csp(tmp_path):
    done = run_settings({}, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    settings = out["settings"]
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["ALLOWED_HOSTS"] == ["news.example.org"]

    responses = out["responses"]
    # Plain HTTP is sent to HTTPS; through the TLS proxy the page is served with HSTS.
    assert responses["plain"]["status"] == 301
    assert responses["plain"]["location"] == "https://news.example.org/robots.txt"
    assert responses["proxied"]["status"] == 200
    assert responses["proxied"]["hsts"] == "max-age=31536000"
    csp = responses["proxied"]["csp"]
    assert "script-src 'self'" in csp
    assert "upgrade-insecure-requests" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # Probes from inside (plain HTTP, any Host) are neither redirected nor refused.
    assert responses["live"]["status"] == 200
    assert responses["live"]["location"] is None


def test_production_proxy_header_is_configurable(tmp_path):
    done = run_settings(
        {"NEWSDESK_PROXY_SSL_HEADER": "X-Forwarded-Ssl: on", "NEWSDESK_HSTS_SECONDS": "600"},
        tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["settings"]["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]
    assert out["settings"]["SECURE_HSTS_SECONDS"] == 600
    # X-Forwarded-Proto no longer counts: redirected.
    assert out["responses"]["proxied"]["status"] == 301


def test_env_header_and_choice(monkeypatch):
    monkeypatch.setenv("X_HEADER", "X-Forwarded-Proto: https")
    assert env.env_header("X_HEADER", "") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("X_HEADER", "")
    assert env.env_header("X_HEADER", "X-A: b") is None
    for bad in ("X-Forwarded-Proto", "X Forwarded: https", ": https", "X-A:"):
        monkeypatch.setenv("X_HEADER", bad)
        with pytest.raises(ConfigError, match="X_HEADER=.*Header-Name: value"):
            env.env_header("X_HEADER", "")
    monkeypatch.setenv("X_ENV", "Production")
    assert env.env_choice("X_ENV", "development", ("development", "production")) == "production"
    monkeypatch.setenv("X_ENV", "staging")
    with pytest.raises(ConfigError, match="X_ENV='staging': use one of development, production"):
        env.env_choice("X_ENV", "development", ("development", "production"))


def test_development_profile_is_unchanged(settings):
    """The test settings run the development profile: no HTTPS redirect, no HSTS."""
    assert settings.NEWSDESK_ENV == "development"
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0


def test_database_password_from_a_file(tmp_path):
    """DATABASE_PASSWORD_FILE: the password apart from DATABASE_URL (a mounted secret)."""
    secret = tmp_path / "postgres_password"
    secret.write_text("s3cr3t-from-file\n")
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "DATABASE_URL": "postgres://newsdesk@db.internal:5432/newsdesk",
            "DATABASE_PASSWORD_FILE": str(secret),
        }
    )
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; print(json.dumps([db['USER'], db['PASSWORD'], "
        "db['HOST']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == ["newsdesk", "s3cr3t-from-file", "db.internal"]
    environment["DATABASE_PASSWORD_FILE"] = str(tmp_path / "missing")
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "DATABASE_PASSWORD_FILE=" in done.stderr and "cannot be read" in done.stderr
