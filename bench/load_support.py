"""What the fault suites share: their own PostgreSQL and Redis servers on free ports in a
temporary directory (never the shared ones), and an HTTP/1.1 client that keeps the headers.

``OwnPostgres`` runs ``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``; PostgreSQL
refuses to run as root, so as root its commands run as the ``postgres`` system user (the
directory is handed to that user). ``OwnRedis`` runs ``redis-server --save ''`` (nothing
written to disk). Both listen on 127.0.0.1 only and are stopped when their ``with`` ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# One HTTP/1.1 response reader for every bench client (status, headers, body).
from bench.comments_isso import free_port, read_response

HOST = "127.0.0.1"


class SuiteError(Exception):
    """A server the suite needs could not be started (the message says why)."""


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries' folder, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


class OwnPostgres:
    """A PostgreSQL server of the suite's own: ``initdb`` into ``directory``, ``pg_ctl`` on a
    free port, trust authentication for 127.0.0.1, user ``postgres``. ``url(name)`` is a
    DATABASE_URL; ``stop()``/``start()``/``restart()`` take seconds (waited for)."""

    def __init__(self, directory: Path) -> None:
        binaries = postgres_bin()
        if binaries is None:
            raise SuiteError("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
        self.bin = binaries
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self._user: dict[str, Any] = {}
        if os.geteuid() == 0:  # initdb: "cannot be run as root"
            try:
                account = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise SuiteError("running as root and no 'postgres' user to run as") from exc
            self._user = {"user": account.pw_uid, "group": account.pw_gid}
            directory.mkdir(parents=True, exist_ok=True)
            os.chown(directory, account.pw_uid, account.pw_gid)
            # The folders above must let that user through (a temporary folder of root's).
            for parent in directory.parents:
                if parent == Path(tempfile.gettempdir()) or parent == parent.parent:
                    break
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    os.chmod(parent, mode | 0o001)

    def _run(self, *argv: str, timeout: float = 120) -> None:
        done = subprocess.run(
            [str(self.bin / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.directory,
            **self._user,
        )
        if done.returncode:
            raise SuiteError(f"{argv[0]} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    def init(self) -> OwnPostgres:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '{HOST}'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\nshared_buffers = 64MB\n"
            )
        return self

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast``: every open connection is cut at once (requests in flight break)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "restart")

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@{HOST}:{self.port}/postgres") as db:
            db.autocommit = True
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextlib.contextmanager
def own_postgres(directory: Path) -> Iterator[OwnPostgres]:
    server = OwnPostgres(directory).init()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop("immediate")


class OwnRedis:
    """``redis-server`` on a free port; ``stop()`` ends the process (every client's
    connection is refused until ``start()``). No snapshots (``--save ''``); with ``persist``
    an append-only file keeps the data across a restart (as RQ's Redis must), without it a
    restarted Redis is empty."""

    def __init__(self, directory: Path, *, persist: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SuiteError("no redis-server on PATH")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.persist = persist
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        directory = self.directory
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", HOST, "--save", "",
                 "--appendonly", "yes" if self.persist else "no", "--appendfsync", "always",
                 "--dir", str(directory)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while not port_open(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SuiteError(f"redis-server did not start (see {directory / 'redis.log'})")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"


@contextlib.contextmanager
def own_redis(directory: Path, *, persist: bool = False) -> Iterator[OwnRedis]:
    server = OwnRedis(directory, persist=persist)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def site_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The production settings (newsdesk.settings) on the suite's database and folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "NEWSDESK_", "COMMUNITY_", "SITE_")
        )
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DATABASE_URL": database_url,
            "NEWSDESK_DATA_DIR": str(data_dir),
            "NEWSDESK_PLAIN_STATIC": "1",
            "SECRET_KEY": "fault-" + os.urandom(16).hex(),
            "LOG_LEVEL": "WARNING",
            "NEWSDESK_COMMUNITY_SECONDS_BETWEEN_COMMENTS": "0",
            "NEWSDESK_COMMUNITY_ACCOUNT_BURST": "1000000",
            "NEWSDESK_COMMUNITY_IP_PER_MINUTE": "0",
        }
    )
    env.update(extra)
    return env


def request_bytes(
    method: str, path: str, port: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """A keep-alive connection that reconnects after an error or ``Connection: close``."""

    def __init__(self, port: int, timeout: float = 15.0) -> None:
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Raises OSError, TimeoutError or IncompleteReadError (the connection is dropped)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        try:
            self.writer.write(request_bytes(method, path, self.port, body, headers))
            await self.writer.drain()
            status, answer_headers, answer = await asyncio.wait_for(
                read_response(self.reader), self.timeout
            )
        except BaseException:
            self.close()
            raise
        if answer_headers.get("connection", "").lower() == "close":
            self.close()
        return status, answer_headers, answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-round(fraction * len(ordered), 9) // 1))
    return ordered[min(int(rank), len(ordered)) - 1]
