"""Typed readers for settings taken from the environment; each fails loudly on a bad value.

Names follow one rule: Django's and the usual deployment names as they are (``DATABASE_URL``,
``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``, ``CACHE_URL``, ``TIME_ZONE``...), and
newsdesk's own as ``NEWSDESK_<APP>_<NAME>`` (``NEWSDESK_COMMUNITY_MAX_DEPTH``,
``NEWSDESK_MT_ENGINE``) or ``NEWSDESK_<NAME>`` for the site as a whole. Names used before the
rule are still read when the new one is not set (:data:`FORMER_NAMES`).
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """A setting in the environment has a value newsdesk cannot use."""


# New name -> the names it had before (still read, new name first).
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "NEWSDESK_SITE_URL": ("SITE_URL",),
    "NEWSDESK_SITE_NAME": ("SITE_NAME",),
    "NEWSDESK_TASKS_BACKEND": ("NEWSDESK_TASK_BACKEND", "TASK_BACKEND"),
    "NEWSDESK_TASK_BACKEND": ("TASK_BACKEND",),
    "NEWSDESK_TRUSTED_PROXIES": ("TRUSTED_PROXIES", "COMMUNITY_TRUSTED_PROXIES"),
    "NEWSDESK_BEHIND_TLS_PROXY": ("BEHIND_TLS_PROXY",),
    "NEWSDESK_SECURE_COOKIES": ("SECURE_COOKIES",),
    "NEWSDESK_WEB_WORKERS": ("WEB_WORKERS",),
    "NEWSDESK_WEB_THREADS": ("WEB_THREADS",),
    "NEWSDESK_WEB_ACCESS_LOG": ("WEB_ACCESS_LOG",),
    "NEWSDESK_MT_MODEL_DIR": ("NEWSDESK_MODEL_DIR",),
    "NEWSDESK_MT_MODEL_INDEX_URL": ("NEWSDESK_MODEL_INDEX_URL",),
    **{
        f"NEWSDESK_COMMUNITY_{name}": (f"COMMUNITY_{name}",)
        for name in (
            "ACCOUNT_BURST",
            "ALLOWED_ORIGINS",
            "COMMENT_MAX_LENGTH",
            "EDIT_WINDOW_SECONDS",
            "IP_PER_MINUTE",
            "MAX_DEPTH",
            "PAGE_SIZE",
            "SECONDS_BETWEEN_COMMENTS",
        )
    },
}


def _lookup(name: str) -> tuple[str, str | None]:
    """(the name that was set, its value): ``name``, else its first former name that is set."""
    if name in os.environ:
        return name, os.environ[name]
    for former in FORMER_NAMES.get(name, ()):
        if former in os.environ:
            return former, os.environ[former]
    return name, None


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    value = _lookup(name)[1]
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    name, raw = _lookup(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    name, raw = _lookup(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _lookup(name)[1]
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (for Docker/systemd secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}") from None
        if not value:
            raise ConfigError(f"{name}_FILE={file_name!r} is empty")
        return value
    return os.environ.get(name, default)


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r} is not a known IANA time zone") from None
    return value


def env_languages(name: str, default: list[str], known: dict[str, str]) -> list[str]:
    codes = env_list(name, default)
    if not codes:
        raise ConfigError(f"{name} must name at least one language")
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ConfigError(
            f"{name} names unknown language(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{name} lists a language twice: {','.join(codes)}")
    return codes


def env_class(name: str, default: str, short_names: dict[str, str]) -> str:
    """A plug-in's dotted path: one of ``short_names`` (short name -> dotted path), or a dotted
    path given in full. Raises ConfigError for anything else, listing the short names."""
    value = env_str(name, default).strip()
    if value in short_names:
        return short_names[value]
    if "." in value and all(part.isidentifier() for part in value.split(".")):
        return value
    raise ConfigError(f"{name}={value!r}: use {', '.join(short_names)} or a dotted path")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (compared in lower case); ConfigError naming them otherwise."""
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={value!r}: use one of {', '.join(choices)}")
    return value


def env_header(name: str, default: str) -> tuple[str, str] | None:
    """A request header and the value that marks a request as HTTPS, written
    ``Header-Name: value`` (e.g. ``X-Forwarded-Proto: https``), as Django's
    SECURE_PROXY_SSL_HEADER wants it: ``("HTTP_X_FORWARDED_PROTO", "https")``. Empty: None."""
    raw = env_str(name, default).strip()
    if not raw:
        return None
    header, sep, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not sep or not header or not value or not all(c.isalnum() or c == "-" for c in header):
        raise ConfigError(f"{name}={raw!r}: write it as 'Header-Name: value'")
    return "HTTP_" + header.upper().replace("-", "_"), value


# What makes a secret key unfit for production (the rules of Django's check security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def production_problems(
    *, debug: bool, secret_key: str | None, dev_key: str, allowed_hosts_raw: str | None
) -> list[str]:
    """What stops a production start (NEWSDESK_ENV=production), each naming the variable to
    set: DEBUG on, SECRET_KEY missing or weak, ALLOWED_HOSTS not set or empty. [] when none."""
    problems = []
    if debug:
        problems.append("DEBUG is on: unset DEBUG or set DEBUG=0")
    if not secret_key or secret_key == dev_key:
        problems.append(
            "SECRET_KEY is not set: set SECRET_KEY or SECRET_KEY_FILE "
            f"(a random value of at least {SECRET_KEY_MIN_LENGTH} characters)"
        )
    elif (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or secret_key.startswith("django-insecure")
    ):
        problems.append(
            "SECRET_KEY is insecure: set SECRET_KEY or SECRET_KEY_FILE to a random value of at "
            f"least {SECRET_KEY_MIN_LENGTH} characters (e.g. python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')"
        )
    hosts = [h.strip() for h in (allowed_hosts_raw or "").split(",") if h.strip()]
    if not hosts:
        problems.append(
            "ALLOWED_HOSTS is not set: set ALLOWED_HOSTS to the site's host names, "
            "comma-separated (e.g. news.example.org)"
        )
    return problems


def env_networks(name: str, default: list[str]) -> list[str]:
    """Comma-separated addresses or networks (``10.0.0.0/8``, ``127.0.0.1``, ``::1``), each
    checked and written the one way Python writes it; ConfigError naming the bad entry."""
    import ipaddress

    networks = []
    for item in env_list(name, default):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network") from None
    return networks
