"""LibreTranslate compatibility (issue 11): regional codes, detection per item among the
languages the engine translates, parameters wherever LibreTranslate reads them, its extra
endpoints, and real LibreTranslate clients from PyPI against the live API."""

from __future__ import annotations

import json

import pytest
from deep_translator import LibreTranslator
from libretranslatepy import LibreTranslateAPI

from newsdesk.translation import api
from newsdesk.translation.models import ApiKey

DUMMY = "newsdesk.translation.engines.dummy.DummyEngine"


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    monkeypatch.setattr(api, "_minute", lambda: 29_000_000)


@pytest.fixture(autouse=True)
def dummy_engine(settings):
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {}}
    settings.NEWSDESK_MT_API_KEYS_REQUIRED = True


def engine_with(settings, *pairs: str) -> None:
    settings.NEWSDESK_TRANSLATION_ENGINE = {"CLASS": DUMMY, "OPTIONS": {"pairs": list(pairs)}}


@pytest.fixture
def api_key(transactional_db) -> str:
    key = ApiKey(name="CMS", requests_per_minute=1000, max_characters=5000)
    secret = key.set_new_key()
    key.save()
    return secret


def translate(client, api_key, **params):
    response = client.post(
        "/mt/translate", json.dumps({**params, "api_key": api_key}), "application/json"
    )
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


# --- item 6: regional and script codes -----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [("de-AT", "en"), ("de_AT", "en-GB"), ("DE-at", "EN_us"), ("de-Latn-AT", "en-GB")],
)
def test_regional_codes_map_to_the_engines_language(client, api_key, source, target):
    status, body = translate(client, api_key, q="Die Stadt", source=source, target=target)
    assert (status, body) == (200, {"translatedText": "The City"})


def test_an_unknown_language_is_refused_in_the_clients_spelling(client, api_key):
    status, body = translate(client, api_key, q="Olá", source="pt-BR", target="en")
    assert (status, body) == (400, {"error": "pt-BR is not supported"})
    status, body = translate(client, api_key, q="x", source="de", target="zz")
    assert (status, body) == (400, {"error": "zz is not supported"})


def test_a_pair_without_a_route_gets_libretranslates_message(client, api_key, settings):
    engine_with(settings, "de-en", "en-de", "en-fr")
    status, body = translate(client, api_key, q="Bonjour", source="fr-CA", target="de")
    assert (status, body) == (
        400,
        {"error": "German (de) is not available as a target language from French (fr)"},
    )


def test_the_sites_pair_without_a_model_is_503_with_how_to_install(client, api_key, settings):
    """Issue 14: not "de to en is not supported" but what is missing, and retry later."""
    engine_with(settings, "en-de")
    response = client.post(
        "/mt/translate",
        json.dumps({"q": "Die Stadt", "source": "de", "target": "en", "api_key": api_key}),
        "application/json",
    )
    assert response.status_code == 503 and response["Retry-After"] == "600"
    message = response.json()["error"]
    assert "No translation model for German to English" in message
    assert "newsdesk models install de-en" in message


# --- item 7: detection -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Hallo", "Danke!", "Guten Morgen", "Bitte"])
def test_short_texts_are_taken_for_the_sites_language(client, api_key, text):
    status, body = translate(client, api_key, q=text, source="auto", target="en")
    assert status == 200 and body["detectedLanguage"]["language"] == "de"


@pytest.mark.parametrize("text", ["Good morning", "Please", "Thanks for the article!"])
def test_a_clearly_english_text_is_english(client, api_key, text):
    status, body = translate(client, api_key, q=text, source="auto", target="de")
    assert status == 200 and body["detectedLanguage"]["language"] == "en"


def test_each_item_of_a_list_is_detected_on_its_own(client, api_key, settings):
    engine_with(settings, "de-en", "en-de", "fr-en")
    status, body = translate(
        client,
        api_key,
        q=["Die Stadt ist neu.", "La ville est nouvelle et belle.", "Das Haus"],
        source="auto",
        target="en",
    )
    assert status == 200
    assert [d["language"] for d in body["detectedLanguage"]] == ["de", "fr", "de"]
    assert body["translatedText"][0] == "The City is new."
    assert body["translatedText"][2] == "The House"


def test_detection_never_picks_a_language_the_engine_cannot_translate(client, api_key):
    # Dutch and French are known to the detector, not to this engine (de-en, en-de).
    status, body = translate(
        client,
        api_key,
        q=["Dank je wel, tot ziens!", "Merci beaucoup, à bientôt!", "Die Stadt"],
        source="auto",
        target="en",
    )
    assert status == 200
    assert {d["language"] for d in body["detectedLanguage"]} <= {"de", "en"}
    detected = client.post("/mt/detect", {"q": "Merci beaucoup", "api_key": api_key}).json()
    assert detected[0]["language"] in {"de", "en"}


# --- item 8: parameters ------------------------------------------------------------------


def test_parameters_in_the_query_string_of_a_post(client, api_key):
    response = client.post(
        f"/mt/translate?q=Die+Stadt&source=de&target=en&format=text&api_key={api_key}"
    )
    assert response.status_code == 200 and response.json() == {"translatedText": "The City"}
    # A body names what it names; the query string fills in the rest.
    response = client.post(f"/mt/translate?source=de&target=en&api_key={api_key}", {"q": "Heute"})
    assert response.json() == {"translatedText": "Today"}


# --- item 9: LibreTranslate's other endpoints ------------------------------------------------


def test_health_spec_and_frontend_settings(client, settings):
    assert client.get("/mt/health").json() == {"status": "ok"}
    refused = client.post("/mt/health")
    assert refused.status_code == 405 and "error" in refused.json()
    spec = client.get("/mt/spec").json()
    assert "/translate" in spec["paths"] and "/health" in spec["paths"]
    front = client.get("/mt/frontend/settings").json()
    assert front == {
        "charLimit": api.ANONYMOUS_MAX_CHARACTERS,
        "frontendTimeout": 500,
        "apiKeys": True,
        "keyRequired": True,
        "suggestions": False,
        "filesTranslation": False,
        "supportedFilesFormat": [],
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": "English"},
        },
    }


# --- real clients against the live API ---------------------------------------------------


def test_libretranslatepy_against_the_live_api(live_server, api_key):
    client = LibreTranslateAPI(f"{live_server.url}/mt", api_key=api_key)
    assert client.translate("Die Stadt ist neu.", "de", "en") == "The City is new."
    assert client.translate("Die Stadt", "de-AT", "en-GB") == "The City"
    assert [entry["code"] for entry in client.languages()] == ["de", "en"]
    assert client.detect("Der Bürgermeister hat heute die Schule eröffnet.")[0]["language"] == "de"


def test_deep_translator_against_the_live_api(live_server, api_key):
    translator = LibreTranslator(
        source="de", target="en", api_key=api_key, custom_url=f"{live_server.url}/mt/"
    )
    assert translator.translate("Die Stadt ist neu.") == "The City is new."
    assert translator.translate_batch(["Heute", "Das Haus"]) == ["Today", "The House"]
    auto = LibreTranslator(
        source="auto", target="en", api_key=api_key, custom_url=f"{live_server.url}/mt/"
    )
    assert auto.translate("Hallo") == "Hallo"  # German already, as far as the engine knows
