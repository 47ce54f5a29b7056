"""`newsdesk models`: install from a local HTTP server on 127.0.0.1 (progress, checksum,
atomic install, interrupted download), --from PATH, list, remove, verify."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdesk.translation.engines.ctranslate2 import CTranslate2Engine
from newsdesk.translation.modelstore import MANIFEST, installed_models


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that give up on purpose (timeouts, cut downloads) are not errors


@pytest.fixture(scope="module")
def release_zip(marian_releases) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(marian_releases["de-en"].iterdir()):
            archive.write(file, f"opus-2026-11-29/{file.name}")  # one wrapping folder
    return buffer.getvalue()


@pytest.fixture
def server(release_zip):
    """A release server: /index.json, /de-en.zip, /cut.zip (closes half-way), /bad-index.json."""
    sha = hashlib.sha256(release_zip).hexdigest()
    files = {
        "/de-en.zip": release_zip,
        "/index.json": json.dumps(
            {
                "models": [
                    {
                        "pair": "de-en",
                        "name": "opus-mt-de-en",
                        "version": "2026-11-29",
                        "url": "de-en.zip",
                        "sha256": sha,
                    },
                    {"pair": "en-de", "name": "opus-mt-en-de", "version": "x", "url": "cut.zip"},
                ]
            }
        ).encode(),
        "/bad-index.json": json.dumps(
            {
                "models": [
                    {
                        "pair": "de-en",
                        "name": "opus-mt-de-en",
                        "version": "1",
                        "url": "de-en.zip",
                        "sha256": "0" * 64,
                    }
                ]
            }
        ).encode(),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/cut.zip":
                self.send_response(200)
                self.send_header("Content-Length", str(len(release_zip)))
                self.end_headers()
                self.wfile.write(release_zip[: len(release_zip) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def empty_models(settings, tmp_path) -> Path:
    settings.NEWSDESK_MODEL_DIR = tmp_path / "models"
    return settings.NEWSDESK_MODEL_DIR


def _leftovers(model_dir: Path) -> list[str]:
    return sorted(p.name for p in model_dir.iterdir()) if model_dir.exists() else []


# An install tells the apps that listen (the editions waiting for a model look in the database).
@pytest.mark.django_db
def test_install_from_index_with_progress_and_checksum(server, empty_models, settings, capsys):
    settings.NEWSDESK_MODEL_INDEX_URL = f"{server}/index.json"
    call_command("models", "install", "de-en")
    out, err = capsys.readouterr()
    assert "Installed de-en: opus-mt-de-en@2026-11-29" in out
    assert "download" in err and "100%" in err  # the progress bar
    # Then each step after the download, in order.
    steps = [line for line in out.splitlines() if line.startswith("… ")]
    assert steps == [
        "… unpacking release.zip",
        "… converting the OPUS-MT release to CTranslate2 (int8)",
        "… finding the tokens of the target language",
        "… checking that the model loads",
    ]
    (model,) = installed_models(empty_models)
    assert model.origin == f"{server}/de-en.zip" and len(model.sha256) == 64
    assert _leftovers(empty_models) == ["de-en"]  # no temporary folders left
    engine = CTranslate2Engine(str(empty_models), beam_size=1)
    assert engine.model_version("de", "en") == "ctranslate2:opus-mt-de-en@2026-11-29"
    assert engine.translate(["Der Rat tagte."], "de", "en")[0].split()[0] == "Euro"


def test_bad_checksum_is_refused_and_leaves_nothing(server, empty_models, settings):
    settings.NEWSDESK_MODEL_INDEX_URL = f"{server}/bad-index.json"
    with pytest.raises(CommandError, match="checksum mismatch .* the file was discarded"):
        call_command("models", "install", "de-en")
    assert _leftovers(empty_models) == []


def test_checksum_given_on_the_command_line_is_checked(server, empty_models):
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("models", "install", "de-en", url=f"{server}/de-en.zip", sha256="ab" * 32)
    assert _leftovers(empty_models) == []


def test_interrupted_download_leaves_nothing_half_installed(
    server, empty_models, settings, model_dir
):
    settings.NEWSDESK_MODEL_INDEX_URL = f"{server}/index.json"
    with pytest.raises(CommandError, match="interrupted|failed after"):
        call_command("models", "install", "en-de")
    assert _leftovers(empty_models) == []
    # Nor does it damage an installed model of the same pair when replacing it.
    settings.NEWSDESK_MODEL_DIR = model_dir
    before = (model_dir / "de-en" / MANIFEST).read_text()
    with pytest.raises(CommandError):
        call_command("models", "install", "de-en", url=f"{server}/cut.zip", force=True)
    assert (model_dir / "de-en" / MANIFEST).read_text() == before
    assert sorted(p.name for p in model_dir.iterdir()) == ["de-en", "en-fr"]


def test_unknown_pair_missing_release_and_bad_input_are_explained(server, empty_models, settings):
    settings.NEWSDESK_MODEL_INDEX_URL = f"{server}/index.json"
    with pytest.raises(CommandError, match="has no model for fr-it"):
        call_command("models", "install", "fr-it")
    with pytest.raises(CommandError, match="not a language pair"):
        call_command("models", "install", "german")
    with pytest.raises(CommandError, match="name a pair"):
        call_command("models", "install")
    settings.NEWSDESK_MODEL_INDEX_URL = f"{server}/missing.json"
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("models", "install", "de-en")
    settings.NEWSDESK_MODEL_INDEX_URL = ""
    with pytest.raises(CommandError, match="no known release for fr-it"):
        call_command("models", "install", "fr-it")


@pytest.mark.django_db
def test_install_offline_from_a_zip_or_directory(
    marian_releases, release_zip, empty_models, tmp_path, capsys
):
    archive = tmp_path / "opus-mt-de-en.zip"
    archive.write_bytes(release_zip)
    call_command("models", "install", "--from", str(archive), "--model-version", "7")
    assert "Installed de-en" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already installed"):
        call_command("models", "install", "--from", str(marian_releases["de-en"]))
    call_command("models", "install", "--from", str(marian_releases["en-fr"]), name="tiny")
    assert [(m.pair, m.version) for m in installed_models(empty_models)] == [
        ("de-en", "7"),
        ("en-fr", "unknown"),
    ]
    not_a_model = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_a_model, "w") as bad:
        bad.writestr("readme.txt", "hello")
    with pytest.raises(CommandError, match="not a model"):
        call_command("models", "install", "it-en", "--from", str(not_a_model))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("models", "install", "--from", str(tmp_path / "nothing.zip"))
    assert _leftovers(empty_models) == ["de-en", "en-fr"]


@pytest.mark.django_db
def test_argos_package_is_installed_as_it_is(converted_models, empty_models, tmp_path):
    package = tmp_path / "translate-de_en-1_0.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        root = "translate-de_en-1_0"
        archive.writestr(
            f"{root}/metadata.json",
            json.dumps({"from_code": "de", "to_code": "en", "package_version": "1.0"}),
        )
        for file in (converted_models / "de-en").iterdir():
            if file.name in ("source.spm", MANIFEST, "target.spm"):
                continue
            archive.write(file, f"{root}/model/{file.name}")
        archive.write(converted_models / "de-en" / "source.spm", f"{root}/sentencepiece.model")
    call_command("models", "install", "--from", str(package))
    (model,) = installed_models(empty_models)
    assert model.name == "argos-de-en-1.0"
    assert CTranslate2Engine(str(empty_models)).translate(["Hallo"], "de", "en")


def test_list_remove_and_verify(model_dir, settings, capsys):
    settings.NEWSDESK_MODEL_DIR = model_dir
    call_command("models", "list")
    out = capsys.readouterr().out
    assert "de-en" in out and "tiny-de-en" in out and "en-fr" in out and "MB" in out
    # One sentencepiece model for both languages: the model writes its whole vocabulary.
    assert out.count("  all\n") == 2
    call_command("models", "verify")
    assert "de-en: ok (tiny-de-en@1)" in capsys.readouterr().out
    (model_dir / "de-en" / "target.spm").write_bytes(b"tampered")
    with pytest.raises(CommandError, match="verification failed for de-en"):
        call_command("models", "verify", "de-en")
    assert "target.spm has changed" in capsys.readouterr().out
    call_command("models", "remove", "en-fr")
    assert "Removed en-fr" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no model is installed for en-fr"):
        call_command("models", "remove", "en-fr")
    assert sorted(p.name for p in model_dir.iterdir()) == ["de-en"]
    shutil.rmtree(model_dir / "de-en")
    call_command("models", "list")
    assert "No models installed" in capsys.readouterr().out


@pytest.mark.parametrize("pair", ["de-en", "en-de", "en-fr", "fr-en"])
def test_built_in_releases_name_the_pairs_opus_mt_zip(pair):
    from newsdesk.translation.modelstore import resolve_release

    release = resolve_release(pair, index_url="")
    assert release["url"] == (
        f"https://object.pouta.csc.fi/OPUS-MT-models/{pair}/{release['version']}.zip"
    )
    assert release["name"] == f"opus-mt-{pair}"
