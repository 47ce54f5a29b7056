"""Read replicas: reader pages and APIs read from a replica, writes and a writing client's
next reads stay on the primary. The replica is a second alias on the test database (a
mirror, as DATABASE_REPLICA_URLS' TEST setting makes it), and each test checks which alias
ran the queries."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.core.db_router import PRIMARY_COOKIE, ReplicaRouter
from newsdesk.newsroom.models import Article
from newsdesk.newsroom.testing import make_article

ALIAS = "replica"
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A second alias on the same test database, for this module's tests only."""
    connections.settings[ALIAS] = {**connections["default"].settings_dict}
    yield ALIAS
    with django_db_blocker.unblock():
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


@pytest.fixture
def replica(settings) -> str:
    """The second alias, configured as the site's replica."""
    settings.NEWSDESK_DB_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["newsdesk.core.db_router.ReplicaRouter"]
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "newsdesk.core.db_router.ReplicaMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0  # every request reaches the database
    return ALIAS


def queries(alias: str, request):  # type: ignore[no-untyped-def]
    """(response, SQL run on ``alias``, SQL run on the primary) for request()."""
    with (
        CaptureQueriesContext(connections[alias]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = request()
    return response, [q["sql"] for q in on_replica], [q["sql"] for q in on_primary]


def article_query(sql: list[str]) -> bool:
    """Whether the ORM loaded an article here (raw prepared SQL on the primary aside)."""
    table = connections["default"].ops.quote_name(Article._meta.db_table)
    return any(statement.startswith(f"SELECT {table}.") for statement in sql)


@pytest.mark.parametrize("role", ROLES)
def test_reader_pages_read_the_article_from_the_replica(replica, client_for, role):
    article = make_article(headline="Die Stadt")
    response, on_replica, on_primary = queries(
        replica, lambda: client_for(role).get(article.get_absolute_url())
    )
    assert response.status_code == 200
    assert article_query(on_replica) and not article_query(on_primary)


def test_the_reader_api_reads_from_the_replica(replica, client):
    article = make_article(headline="Die Stadt")
    response, on_replica, _ = queries(
        replica, lambda: client.get(f"/api/community/threads?article={article.pk}")
    )
    assert response.status_code == 200 and on_replica


def test_a_client_that_wrote_reads_from_the_primary_for_a_few_seconds(replica, client_for):
    article = make_article(headline="Die Stadt")
    client: Client = client_for("reader")
    response, on_replica, _ = queries(
        replica,
        lambda: client.post(
            "/api/community/comments",
            {"article": article.pk, "text": "Gut so."},
            content_type="application/json",
        ),
    )
    assert on_replica == []  # a writing request reads on the primary too
    marker = response.cookies[PRIMARY_COOKIE]
    assert marker["max-age"] == 5 and marker["httponly"]
    # The same client's next page: its own writes, from the primary.
    response, on_replica, on_primary = queries(
        replica, lambda: client.get(article.get_absolute_url())
    )
    assert response.status_code == 200 and on_replica == [] and article_query(on_primary)
    # Once the marker has expired (the browser drops it), the replica again.
    client.cookies.pop(PRIMARY_COOKIE)
    _, on_replica, _ = queries(replica, lambda: client.get(article.get_absolute_url()))
    assert article_query(on_replica)


def test_the_back_office_and_the_moderators_read_the_primary(replica, client_for):
    make_article(headline="Die Stadt")
    response, on_replica, _ = queries(
        replica, lambda: client_for("admin").get("/admin/newsroom/article/")
    )
    assert response.status_code == 200 and on_replica == []
    response, on_replica, _ = queries(
        replica, lambda: client_for("moderator").get("/de/moderation/")
    )
    assert response.status_code in (200, 302) and on_replica == []


def test_outside_requests_and_inside_transactions_the_primary(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"  # no request: a worker, a command
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "newsroom") is True
    assert router.allow_migrate(replica, "newsroom") is False
    from newsdesk.core.db_router import _replica

    token = _replica.set(replica)
    try:
        assert router.db_for_read(Article) == replica
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
    finally:
        _replica.reset(token)


def test_replica_urls_configure_aliases_router_and_middleware():
    script = (
        "import django\ndjango.setup()\nfrom django.conf import settings as s\n"
        "print(s.NEWSDESK_DB_REPLICAS, s.DATABASES['replica2']['HOST'],"
        " s.DATABASES['replica2']['TEST']['MIRROR'], s.DATABASE_ROUTERS,"
        " 'newsdesk.core.db_router.ReplicaMiddleware' in s.MIDDLEWARE)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
        "DATABASE_URL": "postgres://app@primary.internal/news",
        "DATABASE_REPLICA_URLS": "postgres://app@r1.internal/news,postgres://app@r2.internal/news",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == (
        "['replica1', 'replica2'] r2.internal default "
        "['newsdesk.core.db_router.ReplicaRouter'] True"
    )
    plain = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django\ndjango.setup()\nfrom django.conf import "
            "settings as s\nprint(s.DATABASE_ROUTERS, list(s.DATABASES))",
        ],
        env={k: v for k, v in env.items() if k != "DATABASE_REPLICA_URLS"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.strip() == "[] ['default']"
