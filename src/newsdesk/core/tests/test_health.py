"""Liveness and readiness: /health/live answers while the process runs; /health/ready asks the
database, the cache, the task queue and the model store, 200 with a body per part, 503 with
Retry-After naming the part that fails. Each part is broken for real (a closed port, a missing
directory, an unreachable database in a process of its own)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from django.test import Client

from newsdesk.core import health


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released at once: nothing listens there


def install_fake_model(model_dir, pair="de-en"):
    folder = model_dir / pair
    folder.mkdir(parents=True)
    (folder / "newsdesk-model.json").write_text(
        json.dumps({"pair": pair, "name": f"opus-mt-{pair}", "version": "1", "files": {}})
    )


@pytest.fixture
def model_store(settings, tmp_path):
    settings.NEWSDESK_MODEL_DIR = tmp_path / "models"
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
        "OPTIONS": {},
    }
    install_fake_model(settings.NEWSDESK_MODEL_DIR, "de-en")
    install_fake_model(settings.NEWSDESK_MODEL_DIR, "en-de")
    return settings.NEWSDESK_MODEL_DIR


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator", "editor", "admin"])
def test_live_and_ready_answer_every_role(role, client_for, model_store):
    client = client_for(role)
    live = client.get("/health/live")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert live["Cache-Control"] == "no-store"

    ready = client.get("/health/ready")
    assert ready.status_code == 200, ready.content
    body = ready.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert list(body["checks"]) == ["database", "cache", "tasks", "models"]
    assert all(part["status"] == "ok" for part in body["checks"].values())
    assert body["checks"]["database"]["vendors"]["default"] in ("sqlite", "postgresql")
    assert body["checks"]["tasks"]["backend"] == "django_tasks_db.DatabaseBackend"
    assert body["checks"]["tasks"]["ready"] == 0
    assert body["checks"]["models"] == {
        "status": "ok",
        "engine": "CTranslate2Engine",
        "installed": ["de-en", "en-de"],
        "ms": body["checks"]["models"]["ms"],
    }


def test_ready_counts_waiting_tasks(db, model_store):
    from newsdesk.newsroom.actions import publish_due_articles

    publish_due_articles.enqueue()
    body = Client().get("/health/ready/").json()
    assert body["checks"]["tasks"]["ready"] == 1


def test_ready_names_the_cache_when_it_is_unreachable(db, settings, model_store):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response["Retry-After"] == str(health.RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"]["status"] == "failing"
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"


def test_ready_names_the_model_store_when_it_is_missing(db, settings, model_store):
    shutil.rmtree(model_store)
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["models"]
    assert response.json()["checks"]["models"]["error"] == "FileNotFoundError"
    # A path that is a file, not a directory, fails the same way.
    model_store.write_text("not a directory")
    assert Client().get("/health/ready").json()["failing"] == ["models"]


def test_ready_without_a_model_store_is_fine_for_service_engines(db, settings, tmp_path):
    settings.NEWSDESK_MODEL_DIR = tmp_path / "none"
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.http.DeepLEngine",
        "OPTIONS": {},
    }
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["models"]["installed"] == []
    assert response.json()["checks"]["models"]["engine"] == "DeepLEngine"


@pytest.fixture
def redis_server(tmp_path):
    """A Redis server of this test's own on a free port (skipped where redis-server is absent)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = closed_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_ready_pings_the_redis_queues(db, settings, model_store, redis_server):
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
    # The RQ queues may be configured while the database backend runs the tasks: not asked.
    body = Client().get("/health/ready").json()
    assert body["failing"] == []
    assert "queues" not in body["checks"]["tasks"]

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {
        "default": {"URL": redis_server},
        "translation": {"URL": redis_server},
    }
    body = Client().get("/health/ready").json()
    assert body["failing"] == []
    assert body["checks"]["tasks"]["queues"] == ["default", "translation"]

    settings.RQ_QUEUES = {
        "default": {"URL": redis_server},
        "translation": {"HOST": "127.0.0.1", "PORT": closed_port(), "DB": 0},
    }
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["tasks"]
    assert response.json()["checks"]["tasks"]["error"] == "ConnectionError"


@pytest.mark.parametrize(
    "backend",
    # NEWSDESK_TASKS_BACKEND=rq names the outbox backend; django-tasks-rq's may be named too.
    ["newsdesk.core.outbox.OutboxRQBackend", "django_tasks_rq.RQBackend"],
)
def test_redis_queue_urls(settings, backend):
    from django.test import override_settings

    queues = {"a": {"URL": "redis://r:1/2"}, "b": {"HOST": "h"}}
    with override_settings(RQ_QUEUES=queues):
        assert health.redis_queue_urls() == {}  # the database backend
    settings.TASKS = {"default": {"BACKEND": backend}}
    with override_settings(RQ_QUEUES=queues):
        assert health.redis_queue_urls() == {"a": "redis://r:1/2", "b": "redis://h:6379/0"}
    with override_settings(RQ_QUEUES=None):
        assert health.redis_queue_urls() == {}


SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    out = {}
    for path in ("/health/live", "/health/ready"):
        response = Client(raise_request_exception=False).get(path)
        out[path] = {"status": response.status_code, "body": response.json()}
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_ready_names_the_database_when_it_is_unreachable(database, tmp_path):
    """Live stays 200 (the process runs; restarting it would not help), ready says 503 and
    names the database and the task queue, whose table is in it."""
    url = (
        f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}"
        if database == "sqlite"
        else f"postgres://postgres@127.0.0.1:{closed_port()}/newsdesk"
    )
    (tmp_path / "models").mkdir()
    environment = dict(os.environ)
    environment.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "DATABASE_CONN_MAX_AGE": "0",
            "NEWSDESK_MT_MODEL_DIR": str(tmp_path / "models"),
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["/health/live"] == {"status": 200, "body": {"status": "ok"}}
    ready = out["/health/ready"]
    assert ready["status"] == 503
    assert ready["body"]["failing"] == ["database", "tasks"]
    assert ready["body"]["checks"]["database"]["error"] == "OperationalError"
    assert ready["body"]["checks"]["models"]["status"] == "ok"
