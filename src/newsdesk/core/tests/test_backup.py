"""`newsdesk backup` / `newsdesk restore`, end to end: content written, backed up, changed and
destroyed, restored by the real command in a process of its own, and back. SQLite through the
online backup API; PostgreSQL through pg_dump / pg_restore into a scratch database this test
creates and drops (never the shared test database's contents)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from newsdesk.core import backups
from newsdesk.newsroom.testing import make_article

HEADLINE = "Gesichert und wiederhergestellt"
SCRATCH_DATABASE = "newsdesk_restore_test"


@pytest.fixture
def site(transactional_db, settings, tmp_path):
    """Committed content: an article, an upload, an installed model."""
    settings.NEWSDESK_MODEL_DIR = tmp_path / "site-models"
    settings.MEDIA_ROOT = tmp_path / "site-media"
    model = settings.NEWSDESK_MODEL_DIR / "de-en"
    model.mkdir(parents=True)
    (model / "newsdesk-model.json").write_text('{"pair": "de-en", "name": "m", "version": "1"}')
    (model / "model.bin").write_bytes(os.urandom(200_000))
    (settings.MEDIA_ROOT / "images" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8jpeg" * 100)
    article = make_article(headline=HEADLINE)
    return article


def backup_here(directory: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(directory), stdout=out)
    return out.getvalue()


def newsdesk(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def target_environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "NEWSDESK_MT_MODEL_DIR": str(tmp_path / "target" / "models"),
        "MEDIA_ROOT": str(tmp_path / "target" / "media"),
        "NEWSDESK_PLAIN_STATIC": "1",
    }


def assert_files_back(tmp_path: Path) -> None:
    target = tmp_path / "target"
    photo = target / "media" / "images" / "2026" / "photo.jpg"
    assert photo.read_bytes() == b"\xff\xd8jpeg" * 100
    assert (target / "models" / "de-en" / "model.bin").read_bytes() == (
        tmp_path / "site-models" / "de-en" / "model.bin"
    ).read_bytes()


def test_backup_writes_a_manifest_with_sums(site, tmp_path):
    printed = backup_here(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    database_file = "database.sqlite3" if connection.vendor == "sqlite" else "database.dump"
    assert manifest["database"] == {"vendor": connection.vendor, "file": database_file}
    assert set(manifest["files"]) == {
        database_file,
        "models/de-en/newsdesk-model.json",
        "models/de-en/model.bin",
        "media/images/2026/photo.jpg",
    }
    entry = manifest["files"]["models/de-en/model.bin"]
    assert entry["size"] == 200_000
    assert entry["sha256"] == backups.sha256_file(tmp_path / "site-models" / "de-en" / "model.bin")
    assert "0001_initial" in manifest["migrations"]["newsroom"]
    assert manifest["versions"]["django"].startswith("5.2")
    assert manifest["trees"] == {"models": 2, "media": 1}
    assert "Database: copying..." in printed
    assert "models: 2/2 files" in printed
    assert "Backup written to" in printed
    # A second backup into the same directory is refused.
    with pytest.raises(CommandError, match="is not empty: back up into a new directory"):
        backup_here(tmp_path / "backup")


def test_restore_refuses_a_damaged_or_foreign_backup(site, tmp_path):
    backup_here(tmp_path / "backup")
    photo = tmp_path / "backup" / "media" / "images" / "2026" / "photo.jpg"
    original = photo.read_bytes()
    photo.write_bytes(original[:-1] + b"X")
    with pytest.raises(CommandError, match="photo.jpg does not match its SHA-256 sum"):
        call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())
    photo.write_bytes(original)
    (tmp_path / "backup" / "media" / "smuggled.txt").write_text("x")
    with pytest.raises(CommandError, match="smuggled.txt is in the backup but not in its"):
        call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())
    (tmp_path / "backup" / "media" / "smuggled.txt").unlink()
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["vendor"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="holds a oracle database, the configured one"):
        call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())
    with pytest.raises(CommandError, match="has no manifest.json: not a newsdesk backup"):
        call_command("restore", str(tmp_path), stdout=io.StringIO())
    # Nothing was touched.
    assert (tmp_path / "site-media" / "images" / "2026" / "photo.jpg").exists()
    from newsdesk.newsroom.models import Article

    assert Article.objects.filter(headline=HEADLINE).count() == 1


def test_missing_postgresql_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError, match="pg_dump was not found on PATH: install"):
        backups.require_tool("pg_dump")
    with pytest.raises(backups.BackupError, match="apt-get install postgresql-client"):
        backups.require_tool("pg_restore")


def test_sqlite_end_to_end(site, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    backup_here(tmp_path / "backup")
    database = tmp_path / "target" / "newsdesk.sqlite3"
    environment = target_environment(tmp_path, f"sqlite:///{database}")

    done = newsdesk(["restore", str(tmp_path / "backup")], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Checking 4 files against the manifest" in done.stdout
    assert "Restored from" in done.stdout and "1 media file(s)" in done.stdout
    assert_files_back(tmp_path)

    def headlines() -> list[str]:
        with sqlite3.connect(database) as db:
            return [row[0] for row in db.execute("SELECT headline FROM newsroom_article")]

    assert headlines() == [HEADLINE]

    # Changed and destroyed: the headline, an upload, the model store.
    with sqlite3.connect(database) as db:
        db.execute("UPDATE newsroom_article SET headline = 'Zerstört'")
    (tmp_path / "target" / "media" / "images" / "2026" / "photo.jpg").unlink()
    (tmp_path / "target" / "models" / "de-en" / "model.bin").write_bytes(b"broken")

    refused = newsdesk(["restore", str(tmp_path / "backup")], environment)
    assert refused.returncode == 1
    assert "the target is not empty: the database (" in refused.stderr
    assert "Use --force to replace it." in refused.stderr
    assert headlines() == ["Zerstört"]

    done = newsdesk(["restore", str(tmp_path / "backup"), "--force"], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert headlines() == [HEADLINE]
    assert_files_back(tmp_path)

    # An online backup of the file database, taken by the command itself.
    done = newsdesk(["backup", str(tmp_path / "second")], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "database: " in done.stdout and "pages (100%)" in done.stdout
    with sqlite3.connect(tmp_path / "second" / "database.sqlite3") as db:
        assert db.execute("SELECT headline FROM newsroom_article").fetchall() == [(HEADLINE,)]


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    import psycopg

    settings_dict = connection.settings_dict
    conninfo = {
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"] or None,
    }

    def admin(statement: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as db:
            db.execute(statement)

    admin(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {SCRATCH_DATABASE}")
    password = f":{conninfo['password']}" if conninfo["password"] else ""
    url = (
        f"postgres://{conninfo['user']}{password}@{conninfo['host']}:{conninfo['port']}/"
        f"{SCRATCH_DATABASE}"
    )

    def query(statement: str) -> list[tuple]:
        with psycopg.connect(dbname=SCRATCH_DATABASE, autocommit=True, **conninfo) as db:
            cursor = db.execute(statement)
            return cursor.fetchall() if cursor.description else []

    yield url, query
    admin(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")


def test_postgresql_end_to_end(site, tmp_path, scratch_database):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path")
    url, query = scratch_database
    printed = backup_here(tmp_path / "backup")
    assert "Database: " in printed
    environment = target_environment(tmp_path, url)

    done = newsdesk(["restore", str(tmp_path / "backup")], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "pg_restore..." in done.stdout
    assert "Restored from" in done.stdout
    assert query("SELECT headline FROM newsroom_article") == [(HEADLINE,)]
    assert_files_back(tmp_path)

    query("UPDATE newsroom_article SET headline = 'Zerstört'")
    query("CREATE TABLE left_over (id int)")  # a table the backup does not have
    refused = newsdesk(["restore", str(tmp_path / "backup")], environment)
    assert refused.returncode == 1
    assert "the target is not empty: the database (" in refused.stderr
    assert query("SELECT headline FROM newsroom_article") == [("Zerstört",)]

    done = newsdesk(["restore", str(tmp_path / "backup"), "--force"], environment)
    assert done.returncode == 0, done.stderr[-3000:]
    assert query("SELECT headline FROM newsroom_article") == [(HEADLINE,)]
    assert query("SELECT to_regclass('public.left_over')") == [(None,)]
    # The audit trail's guard came back with the tables: rows still cannot be changed.
    with pytest.raises(Exception, match="append-only|audit"):
        query("UPDATE core_auditevent SET target_label = 'x'")
    assert_files_back(tmp_path)


def test_postgresql_archive_pg_restore_cannot_read_leaves_the_target_untouched(
    site, tmp_path, scratch_database
):
    """An archive whose sums match but that pg_restore cannot read (e.g. written by a newer
    pg_dump) is refused before the target is emptied."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path")
    url, query = scratch_database
    backup_here(tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    dump = tmp_path / "backup" / manifest["database"]["file"]
    dump.write_bytes(b"PGDMP" + b"\xff" * 64)  # a header pg_restore does not understand
    entry = manifest["files"][manifest["database"]["file"]]
    entry["sha256"] = backups.sha256_file(dump)
    entry["size"] = dump.stat().st_size
    manifest_path.write_text(json.dumps(manifest))
    query("CREATE TABLE kept (id int)")
    query("INSERT INTO kept VALUES (7)")
    environment = target_environment(tmp_path, url)
    refused = newsdesk(["restore", str(tmp_path / "backup"), "--force"], environment)
    assert refused.returncode != 0
    assert "pg_restore failed" in refused.stderr
    assert query("SELECT id FROM kept") == [(7,)]
