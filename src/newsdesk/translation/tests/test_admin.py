"""Back office: editors keep the glossary and correct the memory; only admins see API keys."""

from __future__ import annotations

import re

import pytest

from newsdesk.translation.models import ApiKey, GlossaryTerm, MemoryEntry

pytestmark = pytest.mark.django_db

# Expected status of the changelists per role (anonymous and readers go to the login page).
GLOSSARY = {"anonymous": 302, "reader": 302, "moderator": 403, "editor": 200, "admin": 200}
API_KEYS = {"anonymous": 302, "reader": 302, "moderator": 403, "editor": 403, "admin": 200}


@pytest.mark.parametrize("role", list(GLOSSARY))
def test_glossary_and_memory_are_for_editors(client_for, role):
    client = client_for(role)
    assert client.get("/admin/translation/glossaryterm/").status_code == GLOSSARY[role]
    assert client.get("/admin/translation/memoryentry/").status_code == GLOSSARY[role]


@pytest.mark.parametrize("role", list(API_KEYS))
def test_api_keys_are_for_admins(client_for, role):
    assert client_for(role).get("/admin/translation/apikey/").status_code == API_KEYS[role]
    client_for(role).post(
        "/admin/translation/apikey/add/",
        {"name": "CMS", "requests_per_minute": 10, "max_characters": 1000, "active": "on"},
    )
    assert ApiKey.objects.exists() == (role == "admin")


def test_new_api_key_is_shown_once_and_only_its_hash_stored(client_for):
    response = client_for("admin").post(
        "/admin/translation/apikey/add/",
        {"name": "CMS", "requests_per_minute": 10, "max_characters": 1000, "active": "on"},
        follow=True,
    )
    key = ApiKey.objects.get()
    messages = " ".join(str(m) for m in response.context["messages"])
    secret = re.search(re.escape(key.prefix) + r"[\w-]+", messages).group(0)
    assert ApiKey.hash_key(secret) == key.key_hash and secret.startswith(key.prefix)
    assert secret not in str(ApiKey.objects.values_list())


def test_editor_adds_a_glossary_term_and_bad_terms_are_refused(client_for):
    client = client_for("editor")
    response = client.post(
        "/admin/translation/glossaryterm/add/",
        {
            "source_language": "de",
            "target_language": "en",
            "term": "Wiener Zeitung",
            "translation": "",
            "case_sensitive": "on",
        },
    )
    assert response.status_code == 302
    assert GlossaryTerm.objects.get().target == "Wiener Zeitung"
    response = client.post(
        "/admin/translation/glossaryterm/add/",
        {"source_language": "de", "target_language": "de", "term": "<b>x</b>", "translation": ""},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "target_language" in errors and "term" in errors
    assert GlossaryTerm.objects.count() == 1


def test_editor_correction_becomes_a_human_memory_entry(client_for, users):
    entry = MemoryEntry.objects.create(
        source_language="de",
        target_language="en",
        model_version="dummy:de-en@1",
        source_text="Die Stadt.",
        target_text="The City.",
    )
    response = client_for("editor").post(
        f"/admin/translation/memoryentry/{entry.pk}/change/", {"target_text": "The city."}
    )
    assert response.status_code == 302
    human = MemoryEntry.objects.get(origin="human")
    assert human.target_text == "The city." and human.model_version == ""
    assert human.corrected_by == users["editor"]
    entry.refresh_from_db()
    assert entry.target_text == "The City."  # the machine's record stays
