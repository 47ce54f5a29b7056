"""One page, one conversation: the addresses readers arrive with are normalised."""

from __future__ import annotations

import pytest

from newsdesk.community import actions
from newsdesk.community.actions import CommentRefused, normalise_url

pytestmark = pytest.mark.django_db
PAGE = "https://partner.example/politik/wahl-2026"


@pytest.mark.parametrize(
    "variant",
    [
        PAGE,
        PAGE + "/",
        PAGE + "?fbclid=IwAR0abc",
        PAGE + "?utm_source=newsletter&utm_medium=email",
        PAGE + "/?utm_campaign=x#comments",
        "HTTPS://Partner.Example:443/politik/wahl-2026",
        PAGE + "?gclid=1&_ga=2.1&mc_cid=3",
    ],
)
def test_tracking_trailing_slash_ports_and_fragments_name_the_same_page(variant):
    assert normalise_url(variant) == PAGE


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://partner.example/artikel.php?id=1", "https://partner.example/artikel.php?id=2"),
        ("https://partner.example/a?page=1&id=5", "https://partner.example/a?id=5"),
        ("http://partner.example/a", "https://partner.example/a"),
        ("https://partner.example:8443/a", "https://partner.example/a"),
    ],
)
def test_meaningful_differences_stay(first, second):
    assert normalise_url(first) != normalise_url(second)


def test_meaningful_parameters_are_kept_beside_dropped_tracking():
    assert (
        normalise_url("https://partner.example/artikel.php?id=1&utm_source=x&fbclid=y")
        == "https://partner.example/artikel.php?id=1"
    )


@pytest.mark.parametrize(
    "bad", ["ftp://partner.example/a", "https:///a", "https://partner.example:99999/a", "a b"]
)
def test_bad_addresses_are_refused(bad):
    with pytest.raises(CommentRefused) as refused:
        normalise_url(bad)
    assert refused.value.code == "bad_url"


def test_posting_through_any_variant_lands_in_one_conversation(settings):
    settings.COMMUNITY_ALLOWED_ORIGINS = ["https://partner.example"]
    first = actions.conversation_for_url(PAGE + "?utm_source=x", title="Wahl")
    second = actions.conversation_for_url(PAGE + "/#c-1", title="Wahl")
    assert first is not None and first.pk == second.pk and first.url == PAGE


def test_the_migration_normalises_stored_addresses_without_merging(django_db_blocker):
    import importlib

    from django.apps import apps as global_apps

    from newsdesk.community.models import Conversation

    migration = importlib.import_module(
        "newsdesk.community.migrations.0010_normalise_conversation_urls"
    )
    plain = Conversation.objects.create(url=PAGE + "/?utm_source=x", title="A")
    kept = Conversation.objects.create(url="https://partner.example/b", title="B")
    twin = Conversation.objects.create(url="https://partner.example/b/", title="B again")
    migration.forwards(global_apps, None)
    plain.refresh_from_db()
    kept.refresh_from_db()
    twin.refresh_from_db()
    assert plain.url == PAGE
    assert kept.url == "https://partner.example/b"
    assert twin.url == "https://partner.example/b/"  # left for an editor to merge
