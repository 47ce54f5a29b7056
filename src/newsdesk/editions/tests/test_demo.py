"""The demo translates: it installs de→en from a reachable model host, else starts anyway."""

from __future__ import annotations

import http.server
import io
import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from newsdesk.editions import workflow
from newsdesk.editions.demo import install_demo_model
from newsdesk.editions.models import Edition
from newsdesk.newsroom.models import Article
from newsdesk.translation.marian import build_marian_release

pytestmark = pytest.mark.django_db

CT2 = "newsdesk.translation.engines.ctranslate2.CTranslate2Engine"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def model_host(tmp_path: Path) -> Iterator[str]:
    """A local model host: index.json and a zipped tiny de-en release (random weights)."""
    root = tmp_path / "host"
    root.mkdir()
    release = build_marian_release(tmp_path / "release", seed=1, favour={"▁Euro": 40.0})
    shutil.make_archive(str(root / "de-en"), "zip", release)
    index = {
        "models": [{"pair": "de-en", "name": "tiny-de-en", "version": "1", "url": "de-en.zip"}]
    }
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.json"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def ctranslate2(settings, tmp_path: Path) -> Path:
    model_dir = tmp_path / "models"
    settings.NEWSDESK_MODEL_DIR = model_dir
    settings.NEWSDESK_TRANSLATION_ENGINE = {
        "CLASS": CT2,
        "OPTIONS": {"model_dir": str(model_dir), "beam_size": 1},
    }
    return model_dir


def test_demo_installs_the_model_and_editions_translate_with_it(
    ctranslate2, model_host, settings, publish, committed
):
    settings.NEWSDESK_MODEL_INDEX_URL = model_host
    out = io.StringIO()
    assert install_demo_model(out) is True
    assert (ctranslate2 / "de-en" / "model.bin").exists()
    assert "Installed de-en: tiny-de-en@1" in out.getvalue()
    assert install_demo_model(io.StringIO()) is True  # already there: nothing to do

    article = publish(headline="Der Bürgermeister sagte heute")
    outcome = committed(workflow.run_translation, Edition.objects.get(article=article).pk)
    assert outcome in ("published", "held for review")
    edition = Edition.objects.get(article=article)
    assert edition.model_version == "ctranslate2:tiny-de-en@1"
    assert "Euro" in edition.segments.get(field="headline").machine_text


def test_demo_without_a_reachable_host_explains_and_goes_on(ctranslate2, settings, capsys):
    settings.NEWSDESK_MODEL_INDEX_URL = "http://127.0.0.1:9/index.json"  # nothing listens
    with translation.override("en"):
        call_command("load_demo_content")
    printed = capsys.readouterr().out
    assert "The model host cannot be reached" in printed
    assert "newsdesk models install de-en" in printed and "--from" in printed
    assert not (ctranslate2 / "de-en").exists()
    assert Article.objects.filter(status=Article.Status.PUBLISHED).exists()  # demo content is in
