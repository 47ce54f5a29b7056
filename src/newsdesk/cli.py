"""The `newsdesk` command: thin wrapper over Django's management commands.

`newsdesk demo`, `newsdesk serve`, `newsdesk worker`, `newsdesk migrate`,
`newsdesk createsuperuser`, `newsdesk import ...` and every other management command.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def _data_dir() -> Path:
    return Path(os.environ.get("NEWSDESK_DATA_DIR", Path.cwd() / "var"))


def _ensure_data_dir() -> None:
    """The data directory (the embedded database, the model store, media) exists before any
    command opens it, whether or not the secret key is generated there."""
    _data_dir().mkdir(parents=True, exist_ok=True)


def _ensure_secret_key() -> None:
    """Without SECRET_KEY, keep a generated one in the data directory (mode 0600)."""
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    if os.environ.get("NEWSDESK_ENV", "").strip().lower() == "production":
        return  # every process of a deployment needs the same key: settings ask for it
    key_file = _data_dir() / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    os.environ["SECRET_KEY_FILE"] = str(key_file)


# Commands that serve the site or work for it: they keep the site's language (what they
# write, such as an edition's error, is read in the back office); every other command talks
# to the operator in the operator's language.
SITE_COMMANDS = frozenset({"serve", "worker"})


def operator_language() -> str:
    """The language of the operator's locale (LC_ALL, LC_MESSAGES, LANG) if newsdesk or
    Django speaks it, else English."""
    from django.utils.translation import check_for_language

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].replace("_", "-").lower()
            primary = code.split("-")[0]
            if primary in ("c", "posix") or not check_for_language(primary):
                return "en"
            return primary
    return "en"


def _speak_the_operators_language(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] in SITE_COMMANDS:
        return
    import django
    from django.utils import translation

    django.setup()
    translation.activate(operator_language())


def _collect_static_for_serve(argv: list[str]) -> None:
    """`newsdesk serve` collects the static files first (about a second; nothing to do when
    they are current), so that a fresh installation does not answer every page with an error
    for want of `newsdesk collectstatic`. Where that cannot be done, it says what to run."""
    if len(argv) < 2 or argv[1] != "serve" or {"-h", "--help"} & set(argv):
        return
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    sys.stdout.write(f"Collecting static files into {settings.STATIC_ROOT} …\n")
    sys.stdout.flush()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except (OSError, ValueError) as exc:
        sys.stderr.write(
            f"newsdesk serve: cannot collect the static files into {settings.STATIC_ROOT} "
            f"({exc}).\nRun `newsdesk collectstatic` as a user who may write there (or set "
            "STATIC_ROOT to a writable folder), then start the server again.\n"
        )
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "newsdesk"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    _ensure_data_dir()
    _ensure_secret_key()
    from django.core.management import execute_from_command_line

    from newsdesk.env import ConfigError

    try:
        _collect_static_for_serve(argv)
        _speak_the_operators_language(argv)
        execute_from_command_line(argv)
    except ConfigError as exc:
        sys.stderr.write(f"newsdesk: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
