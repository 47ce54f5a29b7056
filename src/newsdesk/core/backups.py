"""Backup and restore of a site: the database, the translation model store and the uploads.

A backup is a directory::

    manifest.json       what is in it: versions, migration state, SHA-256 and size per file
    database.sqlite3    SQLite: an online, consistent copy (sqlite3's backup API), or
    database.dump       PostgreSQL: ``pg_dump --format=custom``
    models/...          the model store (NEWSDESK_MT_MODEL_DIR) as it was
    media/...           the uploads (MEDIA_ROOT) as they were

:func:`restore` checks every sum before it touches anything, refuses a target that holds data
unless forced, and says what it restored. ``newsdesk backup DIR`` / ``newsdesk restore DIR``
(core/management/commands) are the commands; docs/operations.md the operator's guide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
TREES = ("models", "media")
# SQLite pages copied per step of the online backup (other writers may go on in between).
SQLITE_PAGES_PER_STEP = 1024
CLIENT_TOOLS_HINT = (
    "install PostgreSQL's client tools in the version of the server or newer "
    "(Debian: apt-get install postgresql-client)"
)

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and what to do."""


@dataclass
class RestoreReport:
    """What :func:`restore` put back."""

    vendor: str
    tables: int
    migrations: int
    files: dict[str, int] = field(default_factory=dict)  # tree -> files restored
    missing_migrations: list[str] = field(default_factory=list)  # this version's, not in it


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tree_roots() -> dict[str, Path]:
    """{"models": the model store, "media": the uploads} as configured."""
    return {"models": Path(settings.NEWSDESK_MODEL_DIR), "media": Path(settings.MEDIA_ROOT)}


def _files_under(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _size(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return ""  # unreachable


def require_tool(name: str) -> str:
    """The path of PostgreSQL's ``name`` (pg_dump, pg_restore); BackupError when missing."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: {CLIENT_TOOLS_HINT}")
    return path


def _postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for a Django database (the password never on a command line)."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return environment


def _run_tool(command: list[str], settings_dict: dict[str, Any]) -> None:
    done = subprocess.run(
        command,
        env=_postgres_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    """{app label: [migration name, ...]} applied in the database, sorted."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _versions(alias: str) -> dict[str, str]:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        server = sqlite3.sqlite_version
    else:
        server = str(connection.pg_version)  # type: ignore[attr-defined]
    try:
        newsdesk = metadata.version("newsdesk")
    except metadata.PackageNotFoundError:
        newsdesk = "unknown"
    return {
        "newsdesk": newsdesk,
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": f"{connection.vendor} {server}",
    }


def _backup_sqlite(alias: str, target: Path, say: Say) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)

    def progress(status: int, remaining: int, total: int) -> None:
        done = total - remaining
        say(f"  database: {done}/{total} pages ({100 * done // max(total, 1)}%)")

    try:
        connection.connection.backup(destination, pages=SQLITE_PAGES_PER_STEP, progress=progress)
    finally:
        destination.close()


def _copy_tree(source: Path, target: Path, label: str, say: Say) -> int:
    files = list(_files_under(source))
    total = sum(path.stat().st_size for path in files)
    copied = 0
    step = max(len(files) // 10, 1)
    for number, path in enumerate(files, 1):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += path.stat().st_size
        if number % step == 0 or number == len(files):
            say(f"  {label}: {number}/{len(files)} files, {_size(copied)} of {_size(total)}")
    return len(files)


def backup(directory: Path, *, alias: str = "default", say: Say = print) -> dict[str, Any]:
    """Write a backup of the database ``alias``, the model store and the uploads into
    ``directory`` (made; it must not exist or be empty). Returns the manifest. Raises
    BackupError (directory not empty, pg_dump missing or failing)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory")
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {vendor} databases are not supported")
    if vendor == "postgresql":
        pg_dump = require_tool("pg_dump")
    directory.mkdir(parents=True, exist_ok=True)

    say("Database: copying...")
    if vendor == "sqlite":
        database_file = SQLITE_FILE
        _backup_sqlite(alias, directory / database_file, say)
    else:
        database_file = POSTGRES_FILE
        _run_tool(
            [pg_dump, "--format=custom", "--no-owner", f"--file={directory / database_file}"],
            connection.settings_dict,
        )
    say(f"Database: {_size((directory / database_file).stat().st_size)}")
    counts = {}
    for name, root in tree_roots().items():
        say(f"{name.capitalize()}: copying {root} ...")
        counts[name] = _copy_tree(root, directory / name, name, say)

    say("Checksums...")
    files = {}
    for path in _files_under(directory):
        relative = path.relative_to(directory).as_posix()
        files[relative] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": _versions(alias),
        "database": {"vendor": vendor, "file": database_file},
        "migrations": applied_migrations(alias),
        "trees": counts,
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    say(
        f"Backup written to {directory}: database ({vendor}), "
        f"{counts['models']} model file(s), {counts['media']} media file(s)."
    )
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(
            (Path(directory) / MANIFEST).read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        raise BackupError(f"{directory} has no {MANIFEST}: not a newsdesk backup") from None
    except ValueError as exc:
        raise BackupError(f"{directory / MANIFEST} cannot be read: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def verify(directory: Path, manifest: dict[str, Any], say: Say = print) -> None:
    """Every file the manifest lists is there with its size and SHA-256, and no other file;
    BackupError naming the first that differs."""
    directory = Path(directory)
    listed = manifest["files"]
    present = {
        path.relative_to(directory).as_posix()
        for path in _files_under(directory)
        if path.name != MANIFEST or path.parent != directory
    }
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"{extra[0]} is in the backup but not in its manifest")
    step = max(len(listed) // 10, 1)
    for number, (relative, expected) in enumerate(sorted(listed.items()), 1):
        path = directory / relative
        if not path.is_file():
            raise BackupError(f"{relative} is missing from the backup")
        if path.stat().st_size != expected["size"] or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"{relative} does not match its SHA-256 sum: the backup is damaged")
        if number % step == 0 or number == len(listed):
            say(f"  checked {number}/{len(listed)} files")


def _tables(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def what_is_there(alias: str = "default") -> list[str]:
    """What a restore would overwrite: ["database (N tables)", "models (N files)", ...]."""
    found = []
    tables = _tables(alias)
    if tables:
        found.append(f"the database ({len(tables)} tables)")
    for name, root in tree_roots().items():
        count = sum(1 for _ in _files_under(root))
        if count:
            found.append(f"{name} ({count} files in {root})")
    return found


def _restore_sqlite(source: Path, alias: str, say: Say) -> None:
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    origin = sqlite3.connect(source)

    def progress(status: int, remaining: int, total: int) -> None:
        done = total - remaining
        say(f"  database: {done}/{total} pages ({100 * done // max(total, 1)}%)")

    try:
        origin.backup(
            connection.connection,
            pages=SQLITE_PAGES_PER_STEP,
            progress=progress,
        )
    finally:
        origin.close()
        connection.close()


def _restore_postgres(source: Path, alias: str, *, wipe: bool, say: Say) -> None:
    pg_restore = require_tool("pg_restore")
    connection = connections[alias]
    # This pg_restore must be able to read the archive before anything is emptied (an older
    # client than the pg_dump that wrote it refuses it here, with the database untouched).
    say("  checking the archive with pg_restore --list...")
    _run_tool([pg_restore, "--list", str(source)], connection.settings_dict)
    if wipe:
        say("  emptying the database (schema public)...")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    say("  pg_restore...")
    _run_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        connection.settings_dict,
    )


def _replace_tree(source: Path, target: Path, label: str, say: Say) -> int:
    """Put ``source``'s files where ``target`` is: copied beside it first, then swapped in."""
    staging = target.with_name(f".{target.name}.restoring")
    retired = target.with_name(f".{target.name}.replaced")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    count = _copy_tree(source, staging, label, say)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    if retired.exists():
        shutil.rmtree(retired)
    return count


def restore(
    directory: Path, *, alias: str = "default", force: bool = False, say: Say = print
) -> RestoreReport:
    """Restore the backup in ``directory`` into the configured database, model store and
    uploads. Checks first: the manifest, every file's sum, the database vendor, the target
    (it must hold nothing unless ``force``), the migrations (none this version does not know,
    unless ``force``). Raises BackupError with what to do; nothing is changed until every
    check has passed."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    say(f"Checking {len(manifest['files'])} files against the manifest...")
    verify(directory, manifest, say)
    vendor = manifest["database"]["vendor"]
    connection = connections[alias]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup holds a {vendor} database, the configured one (DATABASE_URL) is "
            f"{connection.vendor}"
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    in_backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(in_backup - set(known))
    if unknown and not force:
        raise BackupError(
            f"the backup was made by a newer version (migration {unknown[0][0]}.{unknown[0][1]} "
            "is unknown here): restore it with that version, or use --force"
        )
    name = str(connection.settings_dict["NAME"])
    if vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        Path(name).parent.mkdir(parents=True, exist_ok=True)  # a new site's data directory
    there = what_is_there(alias)
    if there and not force:
        raise BackupError(
            "the target is not empty: " + ", ".join(there) + ". Use --force to replace it."
        )

    say(f"Database: restoring ({vendor})...")
    source = directory / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(source, alias, say)
    else:
        _restore_postgres(source, alias, wipe=bool(there), say=say)
    files = {}
    for name, root in tree_roots().items():
        say(f"{name.capitalize()}: restoring into {root} ...")
        files[name] = _replace_tree(directory / name, root, name, say)
    applied = applied_migrations(alias)
    report = RestoreReport(
        vendor=vendor,
        tables=len(_tables(alias)),
        migrations=sum(len(names) for names in applied.values()),
        files=files,
        missing_migrations=sorted(
            f"{app}.{name}"
            for app, name in set(known) - {(a, n) for a, ns in applied.items() for n in ns}
        ),
    )
    say(
        f"Restored from {directory} (made {manifest['created_at']} by newsdesk "
        f"{manifest['versions']['newsdesk']}): the database ({vendor}, {report.tables} tables, "
        f"{report.migrations} migrations), {files['models']} model file(s), "
        f"{files['media']} media file(s)."
    )
    if report.missing_migrations:
        say(
            f"{len(report.missing_migrations)} migration(s) of this version are not applied "
            "yet: run `newsdesk migrate`."
        )
    return report
