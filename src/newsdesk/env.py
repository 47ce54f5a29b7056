"""Typed readers for settings taken from the environment; each fails loudly on a bad value."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """A setting in the environment has a value newsdesk cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
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
    raw = os.environ.get(name)
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
    raw = os.environ.get(name)
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
    value = os.environ.get(name, default)
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
