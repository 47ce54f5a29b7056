"""The legal channels speak German under /de/: the reporting page, the footer's links, the
team's navigation and a refusal, from the German catalogue (legal/locale/de)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from newsdesk.legal.models import Notice


def test_the_report_page_in_german(client: Any, db: Any) -> None:
    html = client.get("/de/legal/report/").content.decode()
    assert "<h1>Inhalt melden</h1>" in html
    assert "Dies ist die Melde- und Abhilfestelle von" in html
    assert "Meldung absenden" in html
    assert "Ihre E-Mail-Adresse (freiwillig)" in html
    assert "Report content" not in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/de/legal/terms/">Nutzungsbedingungen</a>' in footer
    assert '<a href="/de/legal/privacy/">Datenschutz</a>' in footer


def test_a_refused_notice_says_why_in_german(client: Any, db: Any) -> None:
    response = client.post(
        "/de/legal/report/",
        {"category": "STATEMENT_CATEGORY_VIOLENCE", "location": "", "explanation": ""},
    )
    assert "Erläutern Sie, warum der Inhalt rechtswidrig ist" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_team_navigation_in_german(client_for: Any) -> None:
    html = client_for("moderator").get("/de/moderation/").content.decode()
    for label in ("Meldungen", "Beschwerden", "Aufbewahrungssperren", "Transparenzbericht"):
        assert f">{label}</a>" in html


def test_the_dsa_terms_as_in_the_german_regulation() -> None:
    with translation.override("de"):
        assert translation.gettext("trusted flagger") == "vertrauenswürdiger Hinweisgeber"
        assert translation.gettext("statement of reasons") == "Begründung"
        assert translation.gettext("notice") == "Meldung"
