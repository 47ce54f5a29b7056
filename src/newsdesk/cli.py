"""The `newsdesk` command: thin wrapper over Django's management commands.

`newsdesk demo`, `newsdesk serve`, `newsdesk worker`, `newsdesk migrate`,
`newsdesk createsuperuser`, `newsdesk import ...` and every other management command.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def _ensure_secret_key() -> None:
    """Without SECRET_KEY, keep a generated one in the data directory (mode 0600)."""
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    if os.environ.get("NEWSDESK_ENV", "").strip().lower() == "production":
        return  # every process of a deployment needs the same key: settings ask for it
    data_dir = Path(os.environ.get("NEWSDESK_DATA_DIR", Path.cwd() / "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    os.environ["SECRET_KEY_FILE"] = str(key_file)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "newsdesk"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    _ensure_secret_key()
    from django.core.management import execute_from_command_line

    from newsdesk.env import ConfigError

    try:
        execute_from_command_line(argv)
    except ConfigError as exc:
        sys.stderr.write(f"newsdesk: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
