"""Structured logs: NEWSDESK_LOG_FORMAT=json writes one JSON object per record; every record of a
request carries its id, taken from the proxy's X-Request-ID when plausible or made here, and
sent back on the response."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from newsdesk.core import observability
from newsdesk.core.observability import RequestIdFilter, current_request_id

SCRIPT = textwrap.dedent(
    """
    import logging, django
    django.setup()
    from django.test import Client
    client = Client(raise_request_exception=False)
    response = client.get("/health/live", HTTP_X_REQUEST_ID="proxy-id-42")
    print("RESPONSE", response["X-Request-ID"], flush=True)
    response = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\\nforged: line")
    print("RESPONSE", response["X-Request-ID"], flush=True)
    logging.getLogger("newsdesk.example").warning("outside a request %s", 7)
    """
)


def run_with_logging(log_format: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "NEWSDESK_LOG_FORMAT": log_format,
            "NEWSDESK_LOG_REQUESTS": "1",
        }
    )
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_logs_carry_the_request_id():
    done = run_with_logging("json")
    assert done.returncode == 0, done.stderr[-3000:]
    answered = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("RESPONSE")]
    assert answered[0] == "proxy-id-42"
    assert re.fullmatch(r"[0-9a-f]{32}", answered[1])  # the forged one replaced

    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    requests = [r for r in records if r["logger"] == "newsdesk.request"]
    assert [r["request_id"] for r in requests] == answered
    first = requests[0]
    assert first["level"] == "INFO"
    assert first["message"] == "GET /health/live 200 " + f"{first['duration_ms']:.1f}ms"
    assert first["method"] == "GET"
    assert first["path"] == "/health/live"
    assert first["status"] == 200
    assert first["view"] == "health"
    assert "time" in first
    outside = [r for r in records if r["logger"] == "newsdesk.example"]
    assert outside == [
        {
            "time": outside[0]["time"],
            "level": "WARNING",
            "logger": "newsdesk.example",
            "message": "outside a request 7",
            "request_id": "-",
        }
    ]
    # Every line of standard error is JSON: nothing breaks out of its record.
    assert all(line.startswith("{") for line in done.stderr.splitlines() if line.strip())


def test_plain_logs_carry_the_request_id():
    done = run_with_logging("plain")
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r" INFO newsdesk\.request \[proxy-id-42\]: GET /health/live 200 ", done.stderr)
    assert "WARNING newsdesk.example [-]: outside a request 7" in done.stderr


@pytest.fixture
def captured():
    """Records of the root logger, formatted as "request_id|logger|message"."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s|%(name)s|%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator", "editor", "admin"])
def test_every_record_of_a_request_has_its_id(role, client_for, settings, captured):
    """A failing readiness check logs a warning inside the request: it carries the id the
    response carries; after the request the id is gone."""
    settings.NEWSDESK_LOG_REQUESTS = True
    settings.NEWSDESK_READINESS_CHECKS = {"broken": "newsdesk.core.tests.test_logging.broken"}
    response = client_for(role).get("/health/ready", HTTP_X_REQUEST_ID="req-" + role)
    assert response.status_code == 503
    assert response["X-Request-ID"] == "req-" + role
    lines = captured.getvalue().splitlines()
    assert f"req-{role}|newsdesk.core.health|readiness check broken failed" in lines
    assert any(
        line.startswith(f"req-{role}|newsdesk.request|GET /health/ready 503") for line in lines
    )
    assert current_request_id() is None


def broken() -> dict:
    raise RuntimeError("this part is down")


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("a" * 200, True),
        ("a" * 201, False),
        ("", False),
        ("-starts-with-dash", False),
        ("has space", False),
        ("new\nline", False),
        ('quote"', False),
        ("ünïcode", False),
    ],
)
def test_request_id_validation(offered, kept, db):
    response = Client().get("/health/live", HTTP_X_REQUEST_ID=offered)
    if kept:
        assert response["X-Request-ID"] == offered
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_id(db):
    client = Client()
    ids = {client.get("/robots.txt")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    assert observability.current_request_id() is None
