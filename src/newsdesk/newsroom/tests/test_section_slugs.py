"""Section slugs may not take the first path segment of the site's own pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver

from newsdesk.newsroom.models import RESERVED_SECTION_SLUGS, Section


def language_prefixed_segments() -> set[str]:
    """First segments of every route mounted under the language prefix, except the newsroom's."""
    segments = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.pattern.__class__.__name__ == (
            "LocalePrefixPattern"
        ):
            for route in pattern.url_patterns:
                first = str(route.pattern).split("/")[0]
                if first and "<" not in first:
                    segments.add(first)
    return segments


def test_every_route_under_the_language_prefix_is_reserved():
    segments = language_prefixed_segments()
    assert {"community", "editions", "accounts"} <= segments
    assert segments <= RESERVED_SECTION_SLUGS | {"feed"}


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["community", "editions", "feed"])
def test_reserved_slug_is_refused_with_a_message(slug):
    section = Section(name="X", slug=slug)
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert [error.code for error in refused.value.error_dict["slug"]] == ["reserved"]
    assert (
        f"„{slug}“ ist für die eigenen Seiten der Website reserviert."
        in (refused.value.message_dict["slug"])
    )


@pytest.mark.django_db
def test_back_office_refuses_a_reserved_section_slug(client_for, settings):
    settings.LANGUAGE_CODE = "en"
    response = client_for("editor").post(
        "/admin/newsroom/section/add/",
        {
            "name": "Community",
            "slug": "community",
            "description": "",
            "names": "{}",
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "is reserved for the site" in response.content.decode()
    assert not Section.objects.filter(slug="community").exists()
