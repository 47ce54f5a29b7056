"""The deployment files, checked where Docker and systemd are not at hand: compose.yaml against
a subset of the Compose Specification's JSON schema (written here from the specification) and
for what `docker compose up` needs, the Dockerfile with a small parser, the systemd units with
configparser, gunicorn's settings by running them."""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[4]
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|API_KEY)")

# A subset of the Compose Specification's schema (compose-spec/schema/compose-spec.json): the
# parts this project uses, with their types, and nothing unknown accepted.
DURATION = {"type": "string", "pattern": r"^(\d+(\.\d+)?(us|ms|s|m|h))+$"}
STRINGS = {"type": "array", "items": {"type": "string"}}
COMMAND = {"oneOf": [{"type": "string"}, STRINGS]}
EXTENSIONS = {"^x-": {}}
SERVICE = {
    "type": "object",
    "properties": {
        "image": {"type": "string"},
        "build": {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "context": {"type": "string"},
                        "dockerfile": {"type": "string"},
                        "args": {"type": "object"},
                        "target": {"type": "string"},
                    },
                    "additionalProperties": False,
                },
            ]
        },
        "command": COMMAND,
        "entrypoint": COMMAND,
        "restart": {"enum": ["no", "always", "on-failure", "unless-stopped"]},
        "environment": {
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
                },
                STRINGS,
            ]
        },
        "env_file": {"oneOf": [{"type": "string"}, {"type": "array"}]},
        "depends_on": {
            "oneOf": [
                STRINGS,
                {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "condition": {
                                "enum": [
                                    "service_started",
                                    "service_healthy",
                                    "service_completed_successfully",
                                ]
                            },
                            "restart": {"type": "boolean"},
                            "required": {"type": "boolean"},
                        },
                        "required": ["condition"],
                        "additionalProperties": False,
                    },
                },
            ]
        },
        "healthcheck": {
            "type": "object",
            "properties": {
                "test": COMMAND,
                "interval": DURATION,
                "timeout": DURATION,
                "start_period": DURATION,
                "start_interval": DURATION,
                "retries": {"type": "integer", "minimum": 0},
                "disable": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "volumes": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"enum": ["bind", "volume", "tmpfs"]},
                            "source": {"type": "string"},
                            "target": {"type": "string"},
                            "read_only": {"type": "boolean"},
                        },
                        "required": ["target"],
                    },
                ]
            },
        },
        "ports": {"type": "array", "items": {"type": ["string", "integer"]}},
        "secrets": {"type": "array", "items": {"type": ["string", "object"]}},
        "user": {"type": "string"},
        "working_dir": {"type": "string"},
        "deploy": {"type": "object"},
    },
    "patternProperties": EXTENSIONS,
    "additionalProperties": False,
}
COMPOSE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "services": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z0-9._-]+$": SERVICE},
            "additionalProperties": False,
        },
        "volumes": {
            "type": "object",
            "additionalProperties": {"type": ["object", "null"]},
        },
        "secrets": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "environment": {"type": "string"},
                    "external": {"type": "boolean"},
                },
                "additionalProperties": False,
            },
        },
        "networks": {"type": "object"},
    },
    "patternProperties": EXTENSIONS,
    "required": ["services"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # anchors and << merged


def test_compose_matches_the_schema(compose):
    jsonschema.validate(compose, COMPOSE_SCHEMA)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["web"]["depends_on"]["migrate"].update(condition="done"),
        lambda c: c["services"]["web"]["healthcheck"].update(interval="30 seconds"),
        lambda c: c["services"]["web"].update(restrat="always"),
        lambda c: c["services"]["web"].update(restart="sometimes"),
        lambda c: c.pop("services"),
    ],
)
def test_the_schema_catches_mistakes(compose, breakage):
    import copy

    broken = copy.deepcopy(compose)
    breakage(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, COMPOSE_SCHEMA)


def test_compose_has_every_part_and_they_fit_together(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "translation-worker"}
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            if rule["condition"] == "service_healthy":
                assert "test" in services[dependency]["healthcheck"], (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"], (name, source)
        for secret in service.get("secrets", []):
            assert secret in compose["secrets"], (name, secret)

    web = services["web"]
    assert web["build"] == "."
    assert web["command"][0] == "gunicorn"
    assert "/health/ready" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["environment"]["NEWSDESK_ENV"] == "production"
    assert services["worker"]["command"] == ["newsdesk", "worker", "--queue", "default"]
    assert services["translation-worker"]["command"] == [
        "newsdesk",
        "worker",
        "--queue",
        "translation",
    ]
    assert services["migrate"]["command"] == ["newsdesk", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    # Web and workers share the model store, the uploads and the metrics files.
    for name in ("web", "worker", "translation-worker"):
        mounts = dict(volume.split(":", 1) for volume in services[name]["volumes"])
        assert mounts == {
            "models": "/var/lib/newsdesk/models",
            "media": "/var/lib/newsdesk/media",
            "metrics": "/run/newsdesk-metrics",
        }
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://newsdesk@postgres:5432/")
        assert environment["CACHE_URL"] == "redis://redis:6379/0"
        assert environment["REDIS_URL"] == "redis://redis:6379/1"
        assert environment["PROMETHEUS_MULTIPROC_DIR"] == "/run/newsdesk-metrics"
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_compose_bakes_in_no_secret(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert key.endswith("_FILE"), (name, key)
                assert str(value).startswith("/run/secrets/"), (name, key)
            assert not re.search(r"://[^/@\s]+:[^/@\s]+@", str(value)), (name, key)
    for secret in compose["secrets"].values():
        assert secret["file"].startswith("./secrets/")
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile: comments dropped, continuations joined."""
    instructions = []
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return instructions


def test_dockerfile():
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert keywords.count("FROM") == 1
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    healthcheck = dict(instructions)["HEALTHCHECK"]
    assert "/health/ready" in healthcheck and "--interval=" in healthcheck
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    assert any("collectstatic" in run for run in runs)
    assert any('pip install ".[server]"' in run for run in runs)
    cmd = dict(instructions)["CMD"]
    assert cmd.startswith('["gunicorn", "--config", "/etc/newsdesk/gunicorn.conf.py"')


def test_dockerfile_bakes_in_no_secret():
    for keyword, arguments in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            for assignment in shlex.split(arguments):
                name = assignment.split("=", 1)[0]
                assert not SECRET_NAME.search(name) or name.endswith("_FILE"), assignment
                assert name != "NEWSDESK_INSECURE_DEV_KEY"
        if keyword in ("COPY", "ADD"):
            assert not re.search(r"(^|\s)(\.env|secrets|var)(/|\s|$)", arguments), arguments
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "secrets", "var", ".venv", "*.sqlite3*", ".git"):
        assert entry in ignored


def test_gunicorn_is_pinned_and_configured(monkeypatch):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [
        requirement
        for requirement in project["optional-dependencies"]["server"]
        if requirement.startswith("gunicorn")
    ] == ["gunicorn==27.0.1"]
    for name in ("prometheus-client", "python-json-logger"):
        assert any(re.fullmatch(rf"{name}==[\d.]+", r) for r in project["dependencies"]), name
    monkeypatch.setenv("NEWSDESK_WEB_WORKERS", "5")
    monkeypatch.setenv("NEWSDESK_BIND", "127.0.0.1:9000")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 5
    assert config["bind"] == "127.0.0.1:9000"
    assert config["preload_app"] is True
    assert callable(config["child_exit"])


HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
    "ReadWritePaths": "/var/lib/newsdesk",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((ROOT / "deploy" / "systemd" / name).read_text())
    return parser


@pytest.mark.parametrize(
    ("name", "command", "restart"),
    [
        (
            "newsdesk-web.service",
            "/opt/newsdesk/bin/gunicorn --config /etc/newsdesk/gunicorn.conf.py "
            "newsdesk.wsgi:application",
            "on-failure",
        ),
        ("newsdesk-worker.service", "/opt/newsdesk/bin/newsdesk worker --queue default", "always"),
        (
            "newsdesk-translation-worker.service",
            "/opt/newsdesk/bin/newsdesk worker --queue translation",
            "always",
        ),
    ],
)
def test_systemd_units(name, command, restart):
    parsed = unit(name)
    assert set(parsed.sections()) == {"Unit", "Service", "Install"}
    service = parsed["Service"]
    assert service["ExecStart"] == command
    assert Path(shlex.split(service["ExecStart"])[0]).is_absolute()
    assert service["Restart"] == restart
    assert service["User"] == "newsdesk" and service["Group"] == "newsdesk"
    assert service["EnvironmentFile"] == "/etc/newsdesk/newsdesk.env"
    for key, value in HARDENING.items():
        assert service[key] == value, (name, key)
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert "postgresql.service" in parsed["Unit"]["After"]


def test_systemd_environment_file_is_a_production_profile():
    from newsdesk.env import production_problems

    values = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "systemd" / "newsdesk.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert values["NEWSDESK_ENV"] == "production"
    assert "SECRET_KEY" not in values and values["SECRET_KEY_FILE"].startswith("/etc/newsdesk/")
    assert "PASSWORD" not in values["DATABASE_URL"] and "@" in values["DATABASE_URL"]
    assert (
        production_problems(
            debug=False,
            secret_key="x" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
            dev_key="",
            allowed_hosts_raw=values["ALLOWED_HOSTS"],
        )
        == []
    )
