"""The legal channels in other apps' pages (template slots): the legal team's pages in the
moderators' navigation, a case for the authorities beside each workspace item, and the terms,
privacy and netiquette pages in the site's footer; for every role, and with parts switched off."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.community.models import Comment
from newsdesk.core.models import AuditEvent
from newsdesk.legal.models import AuthorityCase

TEAM_LINKS = {
    "/en/legal/team/notices/": "Notices",
    "/en/legal/complaints/": "Complaints",
    "/en/legal/misuse/": "Misuse",
    "/en/legal/holds/": "Legal holds",
    "/en/legal/authorities/": "Authority cases",
    "/en/legal/transparency-report/": "Transparency report",
}
FOOTER_LINKS = {
    "en": {
        "/en/legal/terms/": "Terms of use",
        "/en/legal/privacy/": "Privacy",
        "/en/legal/netiquette/": "Netiquette",
    },
}


def link(address: str, label: str) -> str:
    return f'<a href="{address}">{label}</a>'


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_the_team_sees_the_legal_pages_in_the_workspace_navigation(
    client_for: Any, role: str
) -> None:
    html = client_for(role).get("/en/moderation/").content.decode()
    nav = html[html.index('class="ws-nav"') : html.index("</nav>", html.index('class="ws-nav"'))]
    for address, label in TEAM_LINKS.items():
        assert link(address, label) in nav
    # The moderation pages' own entries stay first.
    assert nav.index("Audit trail") < nav.index("Notices")


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor"])
def test_others_get_no_workspace_and_no_legal_links(client_for: Any, role: str) -> None:
    response = client_for(role).get("/en/moderation/")
    assert response.status_code in (302, 403, 404)
    assert "/en/legal/team/notices/" not in response.content.decode()


def test_a_legal_page_marks_itself_current(client_for: Any) -> None:
    html = client_for("moderator").get("/en/legal/complaints/").content.decode()
    assert '<a href="/en/legal/complaints/" aria-current="page">Complaints</a>' in html
    assert '<a href="/en/legal/misuse/">Misuse</a>' in html
    html = client_for("moderator").get("/en/legal/team/notices/").content.decode()
    assert '<a href="/en/legal/team/notices/" aria-current="page">Notices</a>' in html
    # The workspace's own "Queues" entry is not current on a legal page.
    assert 'aria-current="page">Queues' not in html


def test_parts_switched_off_leave_the_navigation(client_for: Any, settings: Any) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["misuse", "authorities"]
    html = client_for("moderator").get("/en/moderation/").content.decode()
    assert "/en/legal/misuse/" not in html
    assert "/en/legal/authorities/" not in html
    assert link("/en/legal/complaints/", "Complaints") in html


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_each_workspace_item_opens_a_case_for_the_authorities(
    client_for: Any, comment: Comment, role: str
) -> None:
    client = client_for(role)
    html = client.get(f"/en/moderation/comments/{comment.pk}/").content.decode()
    address = f"/en/legal/authorities/new/?comment={comment.pk}"
    assert (
        f'<a href="{address}">Open a case for the authorities about comment #{comment.pk}</a>'
        in (html)
    )
    form = client.get(address)
    assert form.status_code == 200
    assert f'name="comment" value="{comment.pk}"' in form.content.decode()
    # Following the link opens nothing by itself.
    assert not AuthorityCase.objects.exists()


def test_no_case_link_when_the_authorities_part_is_off(
    client_for: Any, comment: Comment, settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["authorities"]
    html = client_for("moderator").get(f"/en/moderation/comments/{comment.pk}/").content.decode()
    assert "/en/legal/authorities/new/" not in html


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator", "editor", "admin"])
def test_the_footer_links_the_terms_privacy_and_netiquette(client_for: Any, role: str) -> None:
    before = AuditEvent.objects.count()
    for address in ("/en/legal/report/", "/en/legal/terms/"):
        html = client_for(role).get(address).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        for target, label in FOOTER_LINKS["en"].items():
            assert link(target, label) in footer
    assert AuditEvent.objects.count() == before


def test_the_footer_in_german_points_to_the_german_pages(client: Any, db: Any) -> None:
    html = client.get("/de/legal/report/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for address in ("/de/legal/terms/", "/de/legal/privacy/", "/de/legal/netiquette/"):
        assert f'href="{address}"' in footer


def test_the_footer_has_no_links_when_the_terms_part_is_off(
    client: Any, db: Any, settings: Any
) -> None:
    settings.NEWSDESK_LEGAL_OFF = ["terms"]
    html = client.get("/en/legal/report/").content.decode()
    assert "/en/legal/terms/" not in html
