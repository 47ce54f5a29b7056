"""DeepL, LibreTranslate and OpenAI-compatible engines against fake servers on 127.0.0.1."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.translation.engines import EngineError, EngineUnavailable
from newsdesk.translation.engines.http import (
    DeepLEngine,
    LibreTranslateEngine,
    OpenAIChatEngine,
)
from newsdesk.translation.pipeline import SourceField, translate_document

FAST = {"retries": 2, "backoff": 0.01, "timeout": 2}


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that give up on purpose (timeouts, cut downloads) are not errors


class FakeService:
    """Answers requests with `handler(method, path, headers, body) -> (status, headers, body)`;
    `script` (a list) overrides the handler for the next requests, one entry each."""

    def __init__(self, handler):
        self.handler = handler
        self.script: list = []
        self.requests: list[dict] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                service.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                if service.script:
                    answer = service.script.pop(0)
                    if answer == "sleep":
                        time.sleep(1.5)
                        answer = (200, {}, {"late": True})
                else:
                    answer = service.handler(self.command, self.path, self.headers, body)
                status, headers, payload = answer
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake():
    services = []

    def start(handler):
        service = FakeService(handler)
        services.append(service)
        return service

    yield start
    for service in services:
        service.close()


def _upper_outside_tags(text: str) -> str:
    return "".join(
        p if re.fullmatch(r"</?x\d+/?>", p) else p.upper() for p in re.split(r"(</?x\d+/?>)", text)
    )


def deepl_handler(method, path, headers, body):
    if headers.get("Authorization") != "DeepL-Auth-Key secret:fx":
        return 403, {}, {"message": "Wrong key"}
    return (
        200,
        {},
        {
            "translations": [
                {"detected_source_language": "DE", "text": _upper_outside_tags(t)}
                for t in body["text"]
            ]
        },
    )


def test_deepl_sends_xml_placeholders_and_unescapes_the_answer(fake):
    service = fake(deepl_handler)
    engine = DeepLEngine(url=service.url, api_key="secret:fx", **FAST)
    outputs = engine.translate(["Der <x1>Rat</x1> & die Stadt <x2/>"], "de", "en")
    assert outputs == ["DER <x1>RAT</x1> & DIE STADT <x2/>"]
    sent = service.requests[0]["body"]
    assert sent["text"] == ["Der <x1>Rat</x1> &amp; die Stadt <x2/>"]
    assert sent["tag_handling"] == "xml" and sent["target_lang"] == "EN-GB"
    assert engine.model_version("de", "en") == "deepl:v2"
    # via core.http_client
    assert service.requests[0]["headers"]["User-Agent"].startswith("newsdesk/")


def test_deepl_bad_key_is_named(fake):
    service = fake(deepl_handler)
    engine = DeepLEngine(url=service.url, api_key="wrong", **FAST)
    with pytest.raises(EngineError, match="DeepL .* refused the API key .*403") as refused:
        engine.translate(["Hallo"], "de", "en")
    assert len(service.requests) == 1  # no retry on a refused key
    assert not isinstance(refused.value, EngineUnavailable)  # waiting would not help
    with pytest.raises(EngineError, match="needs an API key"):
        DeepLEngine(url=service.url, api_key="")


def test_deepl_free_keys_go_to_the_free_endpoint():
    assert DeepLEngine(api_key="abc:fx").url == "https://api-free.deepl.com"
    assert DeepLEngine(api_key="abc").url == "https://api.deepl.com"


def test_retries_with_backoff_on_5xx_and_429(fake):
    service = fake(deepl_handler)
    service.script = [(503, {}, {"message": "busy"}), (429, {"Retry-After": "0"}, {})]
    engine = DeepLEngine(url=service.url, api_key="secret:fx", **FAST)
    assert engine.translate(["Hallo"], "de", "en") == ["HALLO"]
    assert len(service.requests) == 3
    service.script = [(500, {}, {"message": "down"})] * 3
    with pytest.raises(EngineUnavailable, match="failed after 3 attempts: HTTP 500"):
        engine.translate(["Hallo"], "de", "en")


def test_timeouts_are_explicit(fake):
    service = fake(deepl_handler)
    service.script = ["sleep", "sleep"]
    engine = DeepLEngine(url=service.url, api_key="secret:fx", retries=1, backoff=0.01, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="no answer within 0.3 s"):
        engine.translate(["Hallo"], "de", "en")
    assert time.monotonic() - started < 2.5  # two attempts would take 3 s without timeouts


def test_unreachable_service(fake):
    engine = LibreTranslateEngine(url="http://127.0.0.1:9", **FAST)
    with pytest.raises(EngineUnavailable, match="cannot connect"):
        engine.language_pairs()


def libre_handler(method, path, headers, body):
    if path == "/languages":
        return (
            200,
            {},
            [
                {"code": "de", "name": "German", "targets": ["de", "en"]},
                {"code": "en", "name": "English", "targets": ["de", "en"]},
            ],
        )
    if path == "/translate":
        if body.get("api_key") != "k":
            return 403, {}, {"error": "Invalid API key"}
        answer = {"translatedText": [_upper_outside_tags(q) for q in body["q"]]}
        if body.get("alternatives"):
            answer["alternatives"] = [
                [f"{q} ({n})" for n in range(1, body["alternatives"] + 1)] for q in body["q"]
            ]
        return 200, {}, answer
    return 404, {}, {"error": "Not Found"}


def test_libretranslate_engine_batches_and_reads_pairs(fake):
    service = fake(libre_handler)
    engine = LibreTranslateEngine(url=service.url, api_key="k", **FAST)
    assert engine.language_pairs() == {("de", "en"), ("en", "de")}
    assert engine.translate(["eins <x1/>", "zwei"], "de", "en") == ["EINS <x1/>", "ZWEI"]
    sent = service.requests[-1]["body"]
    assert sent == {
        "q": ["eins <x1/>", "zwei"],
        "source": "de",
        "target": "en",
        "format": "text",
        "api_key": "k",
    }
    with pytest.raises(EngineError, match="cannot translate from 'de' to 'fr'"):
        engine.translate(["x"], "de", "fr")


def test_libretranslate_wrong_count_or_shape_is_an_error(fake):
    service = fake(libre_handler)
    engine = LibreTranslateEngine(url=service.url, api_key="k", **FAST)
    engine.language_pairs()
    service.script = [(200, {}, {"translatedText": ["only one"]})]
    with pytest.raises(EngineError, match="answered 1 translations for 2 segments"):
        engine.translate(["a", "b"], "de", "en")
    service.script = [(200, {}, b"<html>proxy error</html>")]
    with pytest.raises(EngineError, match="did not answer JSON"):
        engine.translate(["a"], "de", "en")


def test_libretranslate_alternatives_are_passed_on(fake):
    service = fake(libre_handler)
    engine = LibreTranslateEngine(url=service.url, api_key="k", **FAST)
    engine.language_pairs()
    assert engine.translate_alternatives(["eins", "zwei"], "de", "en", 2) == [
        ["eins (1)", "eins (2)"],
        ["zwei (1)", "zwei (2)"],
    ]
    assert service.requests[-1]["body"]["alternatives"] == 2
    # An older server leaves them out: none, no error.
    service.script = [(200, {}, {"translatedText": ["EINS"]})]
    assert engine.translate_alternatives(["eins"], "de", "en", 2) == [[]]
    service.script = [(200, {}, {"translatedText": ["EINS"], "alternatives": ["x"]})]
    with pytest.raises(EngineError, match="not one list of strings per segment"):
        engine.translate_alternatives(["eins"], "de", "en", 2)


def test_newsdesk_talks_to_its_own_api_through_the_libretranslate_engine(live_server, settings, db):
    """Our API is LibreTranslate-compatible: our own LibreTranslate engine can use it."""
    from newsdesk.translation.models import ApiKey

    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.dummy.DummyEngine",
        "OPTIONS": {},
    }
    key = ApiKey(name="loopback")
    secret = key.set_new_key()
    key.save()
    engine = LibreTranslateEngine(url=f"{live_server.url}/mt", api_key=secret, **FAST)
    assert ("de", "en") in engine.language_pairs()
    assert engine.translate(["Die Stadt <x1>heute</x1>"], "de", "en") == ["The City <x1>today</x1>"]
    # The dummy engine has no alternatives: our API answers empty lists, as it should.
    assert engine.translate_alternatives(["Die Stadt"], "de", "en", 2) == [[]]


def test_alternatives_travel_from_one_newsdesk_to_another(live_server, settings, db, model_dir):
    """A newsdesk using another newsdesk's API (or any LibreTranslate 1.6+) as its engine gets
    the other side's beam alternatives."""
    from newsdesk.translation.models import ApiKey

    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": "newsdesk.translation.engines.ctranslate2.CTranslate2Engine",
        "OPTIONS": {"model_dir": str(model_dir), "beam_size": 2},
    }
    key = ApiKey(name="loopback")
    secret = key.set_new_key()
    key.save()
    engine = LibreTranslateEngine(url=f"{live_server.url}/mt", api_key=secret, **FAST)
    ((first, second),) = engine.translate_alternatives(["The council met."], "en", "fr", 2)
    (best,) = engine.translate(["The council met."], "en", "fr")
    assert first != second and best not in (first, second)


def chat_handler(method, path, headers, body):
    segments = json.loads(body["messages"][1]["content"])
    answer = json.dumps([_upper_outside_tags(s) for s in segments])
    return (
        200,
        {},
        {"choices": [{"message": {"role": "assistant", "content": f"Here you go:\n{answer}"}}]},
    )


def test_openai_compatible_engine_sends_the_documented_prompt(fake):
    service = fake(chat_handler)
    engine = OpenAIChatEngine(url=service.url, model="qwen2.5:7b", api_key="tok", **FAST)
    assert engine.translate(["Der <x1>Rat</x1>", "tagt"], "de", "en") == [
        "DER <x1>RAT</x1>",
        "TAGT",
    ]
    request = service.requests[0]
    assert request["path"] == "/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer tok"
    assert request["body"]["temperature"] == 0 and request["body"]["model"] == "qwen2.5:7b"
    system = request["body"]["messages"][0]["content"]
    assert "from Deutsch to English" in system and "<x1>" in system
    assert engine.model_version("de", "en") == "openai:qwen2.5:7b"


def test_openai_engine_falls_back_to_one_segment_per_request(fake):
    service = fake(chat_handler)
    service.script = [(200, {}, {"choices": [{"message": {"content": '["merged"]'}}]})]
    engine = OpenAIChatEngine(url=service.url, model="m", **FAST)
    assert engine.translate(["eins", "zwei"], "de", "en") == ["EINS", "ZWEI"]
    assert len(service.requests) == 3
    service.script = [(200, {}, {"choices": []})]
    with pytest.raises(EngineError, match="without a message"):
        engine.translate(["eins"], "de", "en")
    with pytest.raises(EngineError, match="NEWSDESK_MT_MODEL"):
        OpenAIChatEngine(url=service.url, model="")


def test_pipeline_over_an_http_engine_restores_markup(fake, db):
    service = fake(deepl_handler)
    engine = DeepLEngine(url=service.url, api_key="secret:fx", **FAST)
    result = translate_document(
        [SourceField("p", '<p>Die <a href="/x">Stadt</a> &amp; der Rat.</p>', True)],
        "de",
        "en",
        engine=engine,
        detect_language=False,
    )
    assert result.text("p") == '<p>DIE <a href="/x">STADT</a> &amp; DER RAT.</p>'
    assert service.requests[0]["body"]["text"] == ["Die <x1>Stadt</x1> &amp; der Rat."]
