"""Engines come from settings as {"CLASS": dotted path, "OPTIONS": {...}}, once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.translation.engines import engine_from_config, get_engine
from newsdesk.translation.engines.dummy import DummyEngine

DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"


def test_configured_engine_is_built_once_and_shared(settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "7"}}
    engine = get_engine()
    assert isinstance(engine, DummyEngine) and engine.version == "7"
    assert get_engine() is engine
    assert engine.can_translate("de", "en") and not engine.can_translate("de", "fr")
    assert engine.model_version("de", "en") == "dummy:de-en@7"


def test_changed_configuration_gives_another_engine(settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "a"}}
    first = get_engine()
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"version": "b"}}
    assert get_engine() is not first


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("dummy", "must be"),
        ({"CLASS": "newsdesk.nothing.Here"}, "cannot import 'newsdesk.nothing.Here'"),
        ({"CLASS": DUMMY, "OPTIONS": {"colour": "red"}}, "bad OPTIONS"),
        ({"CLASS": "newsdesk.translation.sentences.normalise_segment"}, "bad OPTIONS"),
        ({"CLASS": "collections.OrderedDict"}, "is not a TranslationEngine"),
    ],
)
def test_bad_configuration_is_named(config, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        engine_from_config(config)


def test_default_settings_choose_ctranslate2_on_the_model_directory(settings):
    config = settings.NEWSDESK_TRANSLATION_ENGINE
    assert config["CLASS"].endswith("CTranslate2Engine")
    assert config["OPTIONS"]["model_dir"] == str(settings.NEWSDESK_MODEL_DIR)
    # Empty: the device's default (int8 on a CPU, int8_float16 on CUDA; test_device.py).
    assert config["OPTIONS"]["compute_type"] == ""


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    code = "import newsdesk.settings as s, json; print(json.dumps(s.NEWSDESK_TRANSLATION_ENGINE))"
    environment = {**os.environ, "SECRET_KEY": "x", **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False
    )


def test_engine_is_chosen_from_the_environment():
    done = _settings_with(
        NEWSDESK_MT_ENGINE="libretranslate",
        NEWSDESK_MT_URL="http://127.0.0.1:5000",
        NEWSDESK_MT_TIMEOUT="5",
    )
    config = json.loads(done.stdout)
    assert config["CLASS"].endswith("LibreTranslateEngine")
    assert config["OPTIONS"]["url"] == "http://127.0.0.1:5000"
    assert config["OPTIONS"]["timeout"] == 5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSDESK_MT_ENGINE": "babelfish"}, "NEWSDESK_MT_ENGINE='babelfish'"),
        ({"NEWSDESK_MT_BEAM_SIZE": "0"}, "NEWSDESK_MT_BEAM_SIZE=0 is below the minimum of 1"),
        ({"NEWSDESK_MT_INTER_THREADS": "two"}, "NEWSDESK_MT_INTER_THREADS='two'"),
    ],
)
def test_bad_engine_settings_stop_start_up_naming_the_variable(env, message):
    done = _settings_with(**env)
    assert done.returncode != 0 and message in done.stderr
