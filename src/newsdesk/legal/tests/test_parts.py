"""The operator's switches and the app's wiring."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from newsdesk.legal import parts
from newsdesk.legal.models import Notice, Statement


def test_every_part_is_on_by_default() -> None:
    assert all(parts.enabled(name) for name in parts.PARTS)


def test_a_part_switched_off_is_not_there(settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["misuse"]
    assert not parts.enabled("misuse")
    assert parts.enabled("notices")
    with pytest.raises(Http404):
        parts.require("misuse")


def test_an_unknown_part_is_an_error() -> None:
    with pytest.raises(KeyError):
        parts.enabled("notice")


def test_fixture_comment_and_template(comment: Any, insult: Any) -> None:
    assert comment.is_visible
    assert insult.legal_ground.contractual_ground.startswith("Netiquette")
    assert Notice.objects.count() == 0 and Statement.objects.count() == 0


def test_a_misspelt_part_name_is_a_system_check_error(settings: Any) -> None:
    from newsdesk.legal.checks import unknown_parts

    settings.NEWSDESK_LEGAL_OFF = ["misuse", "notice"]
    errors = unknown_parts()
    assert [error.id for error in errors] == ["legal.E001"]
    assert "“notice”" in errors[0].msg and "notices" in str(errors[0].hint)
    settings.NEWSDESK_LEGAL_OFF = ["misuse", "transparency_database"]
    assert unknown_parts() == []
