"""The classifiers that are not built in: a scoring service over HTTP (against a real server
on 127.0.0.1) and Detoxify (only when its extra is installed)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsdesk.community.models import Comment
from newsdesk.moderation.classifiers.base import ClassifierError, classifier_from_config
from newsdesk.moderation.classifiers.remote import DetoxifyClassifier, HttpClassifier
from newsdesk.moderation.models import Case

HTTP = "newsdesk.moderation.classifiers.remote.HttpClassifier"


class Service(BaseHTTPRequestHandler):
    """Scores each text by whether it contains "idiot"; misbehaves on request."""

    behaviour: dict[str, Any] = {}
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Service.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        mode = Service.behaviour.get("mode", "ok")
        if mode == "slow":
            time.sleep(2)
        if mode == "down":
            self.send_response(503)
            self.end_headers()
            return
        if mode == "refused":
            self.send_response(401)
            self.end_headers()
            return
        if mode == "garbage":
            answer: Any = b"<html>not json</html>"
        else:
            scores = [0.97 if "idiot" in text.lower() else 0.03 for text in body["texts"]]
            if mode == "short":
                scores = scores[:-1]
            if mode == "out_of_range":
                scores = [7 for _ in scores]
            answer = json.dumps({"scores": scores, "model": "house", "version": "3"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def service() -> Iterator[str]:
    Service.behaviour, Service.seen = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/score"
    server.shutdown()
    server.server_close()


def test_the_service_scores_texts_in_order_with_the_key(service):
    model = HttpClassifier(url=service, api_key="s3cret", language="de")
    assert model.score(["Du Idiot", "Guten Morgen"]) == [0.97, 0.03]
    assert Service.seen[0]["body"] == {"texts": ["Du Idiot", "Guten Morgen"], "language": "de"}
    assert Service.seen[0]["auth"] == "Bearer s3cret"
    assert model.name == "http:house" and model.version == "3"
    assert model.score([]) == []


@pytest.mark.parametrize(
    ("mode", "retryable", "message"),
    [
        ("down", True, "HTTP 503"),
        ("slow", True, "no answer within 1 seconds"),
        ("refused", False, "HTTP 401"),
        ("garbage", False, "no JSON"),
        ("short", False, "with 2 numbers"),
        ("out_of_range", False, "not a number in [0, 1]"),
    ],
)
def test_a_failing_service_is_a_clear_error(service, mode, retryable, message):
    Service.behaviour["mode"] = mode
    model = HttpClassifier(url=service, timeout=1)
    with pytest.raises(
        ClassifierError, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as error:
        model.score(["eins", "zwei"])
    assert error.value.retryable is retryable


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "ftp://example.org/score"}, "only http and https"),
        ({"url": "http:///nohost"}, "no host"),
        ({"url": "http://127.0.0.1:9/", "threshold": 2}, "threshold"),
        ({"adress": "http://x"}, "bad OPTIONS"),
    ],
)
def test_a_bad_service_configuration_is_refused(options, message):
    with pytest.raises(ClassifierError, match=message):
        classifier_from_config({"CLASS": HTTP, "OPTIONS": options})


@pytest.mark.django_db
def test_screening_with_the_service_keeps_its_score_and_model(settings, post, service):
    settings.NEWSDESK_MODERATION_PIPELINE = [
        {"CLASS": "newsdesk.moderation.screening.ClassifierStep"}
    ]
    settings.NEWSDESK_MODERATION_CLASSIFIER = {
        "CLASS": HTTP,
        "OPTIONS": {"url": service, "threshold": 0.5, "languages": ["de"]},
    }
    assert post("Guten Morgen allerseits").status == Comment.Status.VISIBLE
    held = post("So ein Idiot")
    case = Case.objects.get(comment=held)
    assert case.score == 0.97 and case.model_name == "http:house" and case.model_version == "3"
    Service.behaviour["mode"] = "down"
    unavailable = post("Noch ein Text")
    assert Case.objects.get(comment=unavailable).holds[0]["code"] == "classifier_unavailable"


def test_detoxify_without_its_extra_says_how_to_install_it():
    try:
        import detoxify  # noqa: F401
    except ImportError:
        with pytest.raises(ClassifierError, match=r"pip install 'newsdesk\[detoxify\]'"):
            DetoxifyClassifier()
    else:  # pragma: no cover - only where the extra is installed
        pytest.skip("Detoxify is installed here")


def test_detoxify_refuses_an_unknown_checkpoint():
    with pytest.raises(ClassifierError, match="use original, unbiased, multilingual"):
        DetoxifyClassifier(model="biggest")
