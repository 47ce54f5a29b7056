"""Engines come from settings as {"CLASS": dotted path, "OPTIONS": {...}}, once per process."""

from __future__ import annotations

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
        ({"CLASS": "newsdesk.translation.text.normalise_segment"}, "bad OPTIONS"),
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
    assert config["OPTIONS"]["compute_type"] == "int8"
