"""Prometheus metrics at /metrics: off (404) unless a token or addresses are configured, 403 to
everyone else whatever their role; requests and latencies by view, task queues per queue,
translation latency and segments, editions waiting, moderation backlog, legal notices past
their deadline; and the counters of several processes added up in multiprocess mode."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from django.test import Client
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.community import actions as community
from newsdesk.community import hours
from newsdesk.core import clock
from newsdesk.core.tests.test_health import redis_server  # noqa: F401 - a fixture
from newsdesk.editions.models import Edition
from newsdesk.legal.models import Notice
from newsdesk.legal.tdb import Category
from newsdesk.moderation.models import Case
from newsdesk.newsroom.testing import make_article
from newsdesk.translation.pipeline import SourceField, translate_document

TOKEN = "metrics-token-for-tests"
ROLES = ["anonymous", "reader", "moderator", "editor", "admin"]
DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"


def samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of an exposition."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client: Client | None = None) -> dict:
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content)


@pytest.fixture
def token(settings):
    settings.NEWSDESK_METRICS_TOKEN = TOKEN
    settings.NEWSDESK_METRICS_ALLOWED_IPS = []


@pytest.mark.parametrize("role", ROLES)
def test_metrics_are_off_unless_configured(role, client_for, settings):
    settings.NEWSDESK_METRICS_TOKEN = ""
    settings.NEWSDESK_METRICS_ALLOWED_IPS = []
    response = client_for(role).get("/metrics")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Not found."}
    assert client_for(role).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    # Nothing else is served at a neighbouring address either.
    assert client_for(role).get("/metrics/").status_code in (302, 404)


@pytest.mark.parametrize("role", ROLES)
def test_metrics_need_the_token_whatever_the_role(role, client_for, token):
    client = client_for(role)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics").json()["error"] == "forbidden"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_metrics_answer_any_host_name(db, token):
    """Prometheus scrapes each process by its internal address, not a site host name."""
    response = Client().get(
        "/metrics", HTTP_HOST="10.0.3.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200
    assert b"newsdesk_http_requests_total" in response.content


def test_metrics_from_allowed_addresses(db, settings):
    settings.NEWSDESK_METRICS_TOKEN = ""
    settings.NEWSDESK_METRICS_ALLOWED_IPS = ["10.1.0.0/16", "::1/128"]
    settings.TRUSTED_PROXIES = 0
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 403
    # A forged X-Forwarded-For counts only behind a trusted proxy.
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.get("/metrics").status_code == 403
    settings.TRUSTED_PROXIES = 1
    assert forged.get("/metrics").status_code == 200


def test_requests_and_latencies_by_view(db, token):
    before = scrape()
    client = Client()
    for _ in range(3):
        assert client.get("/robots.txt").status_code == 200
    assert client.get("/de/no/such/page/at/all/").status_code == 404
    after = scrape()

    def delta(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    ok = {"view": "robots_txt", "method": "GET", "status": "200"}
    assert delta("newsdesk_http_requests_total", **ok) == 3
    assert delta("newsdesk_http_request_duration_seconds_count", view="robots_txt") == 3
    assert delta("newsdesk_http_request_duration_seconds_bucket", view="robots_txt", le="+Inf") == 3
    assert delta("newsdesk_http_requests_total", view="unmatched", method="GET", status="404") >= 1


def test_translation_latency_and_segments(db, token, settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "m1"}}
    before = scrape()
    result = translate_document(
        [SourceField("a", "Der Hund schläft. Die Katze läuft."), SourceField("b", "Guten Tag.")],
        "de",
        "en",
        use_memory=False,
        run_checks=False,
        detect_language=False,
    )
    after = scrape()
    engine = result.engine
    label = (("engine", engine),)
    segments = after[("newsdesk_translation_segments_total", label)] - before.get(
        ("newsdesk_translation_segments_total", label), 0
    )
    assert segments == result.sent_to_engine == 3
    calls = after[("newsdesk_translation_duration_seconds_count", label)] - before.get(
        ("newsdesk_translation_duration_seconds_count", label), 0
    )
    assert calls == 1
    seconds = after[("newsdesk_translation_engine_seconds_total", label)] - before.get(
        ("newsdesk_translation_engine_seconds_total", label), 0
    )
    assert seconds == pytest.approx(result.engine_seconds)
    assert ("newsdesk_translation_segments_per_second_count", label) in after


NOON = dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def backlog(db, settings, users):
    """Editions waiting (2 pending, 1 held, 1 published), moderation cases (2 reported, 1
    system, 1 approved), notices (one 30 hours open, one 2 hours, one decided 40 hours ago)."""
    settings.COMMUNITY_SECONDS_BETWEEN_COMMENTS = 0
    settings.COMMUNITY_ACCOUNT_BURST = 1000
    settings.COMMUNITY_IP_PER_MINUTE = 0
    hours.forget_schedule()
    clock.set_now(NOON)
    for state in ("pending", "pending", "held", "published"):
        Edition.objects.create(article=make_article(), language="en", state=state)
    conversation = community.conversation_for_article(make_article())
    for n, queue in enumerate(["reported", "reported", "system", "approved"]):
        comment = community.do_post_comment(
            conversation, text_value=f"Kommentar {n}", acting_user=users["reader"]
        )
        Case.objects.create(
            comment=comment, queue=queue, created_at=NOON - dt.timedelta(hours=n + 1)
        )
    for n, (age, status) in enumerate([(30, "open"), (2, "open"), (40, "decided")]):
        Notice.objects.create(
            reference=f"N-{n}",
            category=Category.ILLEGAL_OR_HARMFUL_SPEECH,
            explanation="illegal",
            language="de",
            received_at=NOON - dt.timedelta(hours=age),
            status=status,
        )
    yield
    clock.set_now(None)


def test_backlog_gauges(backlog, token, settings):
    from django_tasks_db.models import DBTaskResult

    from newsdesk.newsroom.actions import publish_due_articles

    for _ in range(3):
        publish_due_articles.enqueue()
    # Named queues are configured by the RQ/queues work; the rows are what the gauge reads.
    translation = DBTaskResult.objects.order_by("enqueued_at").values_list("id", flat=True)[1:]
    DBTaskResult.objects.filter(id__in=list(translation)).update(queue_name="translation")
    found = scrape()
    assert found[("newsdesk_task_queue_ready", (("queue", "default"),))] == 1
    assert found[("newsdesk_task_queue_ready", (("queue", "translation"),))] == 2
    assert found[("newsdesk_task_queue_running", (("queue", "translation"),))] == 0
    assert found[("newsdesk_editions_waiting", (("state", "pending"),))] == 2
    assert found[("newsdesk_editions_waiting", (("state", "held"),))] == 1
    assert found[("newsdesk_moderation_backlog", (("queue", "reported"),))] == 2
    assert found[("newsdesk_moderation_backlog", (("queue", "system"),))] == 1
    assert found[("newsdesk_moderation_backlog", (("queue", "pending"),))] == 0
    assert found[("newsdesk_moderation_oldest_seconds", (("queue", "reported"),))] == 2 * 3600
    assert found[("newsdesk_legal_notices_open", ())] == 2
    assert found[("newsdesk_legal_notices_overdue", ())] == 1
    settings.NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS = 1
    assert scrape()[("newsdesk_legal_notices_overdue", ())] == 2
    settings.NEWSDESK_LEGAL_NOTICE_DEADLINE_HOURS = 48
    assert scrape()[("newsdesk_legal_notices_overdue", ())] == 0


def test_metrics_registered_once():
    """The process's counters are in the default registry under their documented names."""
    names = {metric.name for metric in REGISTRY.collect()}
    assert {
        "newsdesk_http_requests",
        "newsdesk_http_request_duration_seconds",
        "newsdesk_translation_duration_seconds",
        "newsdesk_translation_segments",
        "newsdesk_translation_engine_seconds",
        "newsdesk_translation_segments_per_second",
    } <= names


CHILD = textwrap.dedent(
    """
    import django
    django.setup()
    from django.test import Client
    for _ in range({count}):
        assert Client().get("/robots.txt").status_code == 200
    """
)
SCRAPER = textwrap.dedent(
    """
    import django
    django.setup()
    from newsdesk.metrics import process_counters
    print(process_counters().decode())
    """
)


def test_multiprocess_mode_adds_up_every_process(tmp_path):
    """Two processes serve requests; a third adds up the counters of both."""
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings_test",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    for count in (2, 3):
        subprocess.run(
            [sys.executable, "-c", CHILD.format(count=count)],
            env=environment,
            check=True,
            timeout=120,
        )
    done = subprocess.run(
        [sys.executable, "-c", SCRAPER],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = samples(done.stdout.encode())
    ok = (("method", "GET"), ("status", "200"), ("view", "robots_txt"))
    assert found[("newsdesk_http_requests_total", ok)] == 5


def test_rq_queue_lengths(db, token, settings, redis_server):  # noqa: F811 - the fixture
    """With the RQ backend the gauge is each queue's length in Redis."""
    import redis

    from newsdesk.core.tests.test_health import closed_port

    client = redis.Redis.from_url(redis_server)
    client.rpush("rq:queue:translation", "job-1", "job-2", "job-3")
    client.rpush("rq:queue:default", "job-4")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_server}, "translation": {"URL": redis_server}}
    found = scrape()
    assert found[("newsdesk_task_queue_ready", (("queue", "translation"),))] == 3
    assert found[("newsdesk_task_queue_ready", (("queue", "default"),))] == 1
    # A Redis that does not answer leaves its queue out of the scrape instead of failing it.
    settings.RQ_QUEUES["default"] = {"URL": f"redis://127.0.0.1:{closed_port()}/0"}
    found = scrape()
    assert ("newsdesk_task_queue_ready", (("queue", "default"),)) not in found
    assert found[("newsdesk_task_queue_ready", (("queue", "translation"),))] == 3
    client.close()
