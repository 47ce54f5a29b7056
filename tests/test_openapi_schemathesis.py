"""schemathesis over both OpenAPI documents (the community API and the translation API under
/mt/), through the real WSGI stack and database: no answer is a server error, every answer's
status, content type and body are what the document declares. Bounded: a few derandomized
examples per operation (well under a minute for both)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsdesk.community import actions
from newsdesk.community.tests.conftest import vienna
from newsdesk.core import clock
from newsdesk.newsroom.testing import make_article

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=int(os.environ.get("NEWSDESK_SCHEMATHESIS_EXAMPLES", "12")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def reader(users: dict[str, Any], settings: Any) -> Iterator[dict[str, Any]]:
    """A logged-in reader's session and CSRF token, and a thread to read and write in."""
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    clock.set_now(vienna(2026, 11, 27, 14, 0))
    article = make_article(headline="Schemathesis")
    conversation = actions.conversation_for_article(article)
    comment = actions.do_post_comment(
        conversation, text_value="Ein Kommentar", acting_user=users["reader"]
    )
    actions.do_post_comment(
        conversation, text_value="Eine Antwort", acting_user=users["other_reader"], parent=comment
    )
    client = Client()
    client.force_login(users["reader"])
    token = "t" * 32
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    yield {
        "cookies": {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: token},
        "headers": {"X-CSRFToken": token},
        "comment": comment.pk,
        "article": article.pk,
    }
    clock.set_now(None)


@pytest.fixture(autouse=True)
def connection_kept_across_requests() -> Iterator[None]:
    """Requests through the bare WSGI handler would close the database connection after each
    answer (and with it the test's transaction, on PostgreSQL); Django's test client keeps
    it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def community_schema(db: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/community/openapi.json", WSGIHandler())


@pytest.fixture
def translation_schema(db: Any, settings: Any) -> Any:
    settings.NEWSDESK_MT_API_KEYS_REQUIRED = False
    settings.NEWSDESK_MT_API_ANONYMOUS_PER_MINUTE = 100000
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {"version": "schemathesis"},
    }
    return schemathesis.openapi.from_wsgi("/mt/openapi.json", WSGIHandler())


def run_every_operation(
    schema: Any, reader: dict[str, Any] | None = None, known_article: int | None = None
) -> list[str]:
    """Each operation of the schema with its bounded examples; the failures, described.
    (schemathesis' pytest plugin does not load lazy schemas under pytest 9, so the examples
    are drawn here with Hypothesis directly.)"""
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            headers = None
            if reader is not None:
                # As the reader (the werkzeug client sends cookies from case.cookies only);
                # every other example about their own comment instead of a random number.
                case.cookies = {**(case.cookies or {}), **reader["cookies"]}
                headers = reader["headers"]
                if case.path_parameters and case.path_parameters.get("id", 1) % 2 == 0:
                    case.path_parameters["id"] = reader["comment"]
                if isinstance(case.query, dict) and case.query.get("article", 1) in (0, 2):
                    case.query["article"] = reader["article"]
            elif known_article and isinstance(case.query, dict) and "article" in case.query:
                case.query.pop("url", None)
                case.query["article"] = known_article
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as failure:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{operation.label}: {failure}")
    return failures


def test_community_api_keeps_its_document(community_schema, reader) -> None:
    assert run_every_operation(community_schema, reader) == []


def test_community_api_keeps_its_document_for_visitors(community_schema, reader) -> None:
    """As a visitor; every example that names an article names the one with comments."""
    assert run_every_operation(community_schema, None, known_article=reader["article"]) == []


def test_translation_api_keeps_its_document(translation_schema) -> None:
    assert run_every_operation(translation_schema) == []
