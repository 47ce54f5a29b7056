"""`newsdesk import`: JSON, JSON Lines and RSS/Atom input, bad records, re-imports, exit codes."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from newsdesk.newsroom.importer import html_to_blocks
from newsdesk.newsroom.models import Article, Author, Block, Revision, Section
from newsdesk.newsroom.testing import make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The report's wording is asserted in English whatever the site's default language is.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path: Path) -> None:
    # Tests in other workers store pictures too: the file checks below look at this test's own.
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(*args: str) -> tuple[int, str, str]:
    """Run the command like the console does: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write_json(path: Path, payload: Any) -> str:
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return str(path)


STAATSBESUCH: dict[str, Any] = {
    "id": "altsystem-1001",
    "section": "politik",
    "kicker": "Staatsbesuch",
    "headline": "Präsidentin besucht Graz: Gespräche über Forschung",
    "lead": "Die Präsidentin ist am Montag zu einem eintägigen Besuch in Graz eingetroffen.",
    "authors": ["Anna Berger", "Jürgen Maier"],
    "published_at": "2025-10-06T09:30:00+02:00",
    "body": [
        {
            "type": "paragraph",
            "text": 'Am Vormittag besuchte sie die <a href="https://www.tugraz.at/">TU Graz</a> '
            "und sprach mit <strong>Studierenden</strong>.",
        },
        {"type": "subheading", "text": "Forschung im Mittelpunkt"},
        {
            "type": "quote",
            "text": "Österreich ist ein Land der Tüftler.",
            "attribution": "Die Präsidentin",
        },
        {"type": "factbox", "title": "Der Besuch in Zahlen", "text": "Dauer: 1 Tag<br>Termine: 4"},
    ],
}

GEMEINDERAT: dict[str, Any] = {
    "id": 1002,
    "section": "wien",
    "headline": "Gemeinderat beschließt grüne Welle für Radfahrer",
    "lead": "Auf fünf Hauptstraßen werden die Ampeln auf Radtempo abgestimmt.",
    "body": [{"type": "paragraph", "text": "Die Umstellung beginnt im Frühjahr."}],
}


def test_json_array_imports_good_records_and_reports_bad_ones_by_item(tmp_path):
    politik, wien = make_section("politik", "Politik"), make_section("wien", "Wien")
    path = write_json(
        tmp_path / "artikel.json",
        [
            STAATSBESUCH,
            {"id": "altsystem-1003", "section": "politik", "lead": "Ohne Schlagzeile."},
            GEMEINDERAT,
            {
                "id": "altsystem-1004",
                "section": "kultur",
                "headline": "Festwochen eröffnet",
                "lead": "Die Festwochen haben begonnen.",
            },
        ],
    )

    code, out, err = run_import(path)

    assert code == 1
    assert "[1/4] imported: “Präsidentin besucht Graz: Gespräche über Forschung”" in out
    assert "[2/4] failed: (no headline)" in out
    assert "[3/4] imported: “Gemeinderat beschließt grüne Welle für Radfahrer”" in out
    assert "[4/4] failed: “Festwochen eröffnet”" in out
    assert "item 2 ((no headline)): headline: this field is required." in err
    assert err.count("item 2 ") == 1  # the missing headline is reported once
    assert (
        "item 4 (“Festwochen eröffnet”): section: there is no section kultur "
        "(create it first or add --create-sections)."
    ) in err
    assert "2 imported, 0 updated, 0 skipped, 2 failed" in out
    assert "2 of 4 records failed" in err

    visit = Article.objects.get(external_id="altsystem-1001")
    assert visit.section == politik and visit.status == Article.Status.PUBLISHED
    assert visit.slug == "praesidentin-besucht-graz-gespraeche-ueber-forschung"
    # The original publication time is kept, and the article does not count as updated.
    assert visit.first_published_at == dt.datetime(2025, 10, 6, 7, 30, tzinfo=dt.UTC)
    assert visit.last_updated_at is None
    assert sorted(a.name for a in visit.authors.all()) == ["Anna Berger", "Jürgen Maier"]
    blocks = list(visit.blocks.values_list("kind", "text", "title", "attribution"))
    assert blocks == [
        (
            "paragraph",
            'Am Vormittag besuchte sie die <a href="https://www.tugraz.at/" '
            'rel="noopener noreferrer">TU Graz</a> und sprach mit '
            "<strong>Studierenden</strong>.",
            "",
            "",
        ),
        ("subheading", "Forschung im Mittelpunkt", "", ""),
        ("quote", "Österreich ist ein Land der Tüftler.", "", "Die Präsidentin"),
        ("factbox", "Dauer: 1 Tag<br>Termine: 4", "Der Besuch in Zahlen", ""),
    ]
    assert "imported" in visit.revisions.values_list("note", flat=True)
    assert Article.objects.get(external_id="1002").section == wien
    assert not Article.objects.filter(external_id__in=["altsystem-1003", "altsystem-1004"]).exists()
    assert not Section.objects.filter(slug="kultur").exists()


def test_imported_article_is_shown_to_readers(tmp_path, client_for):
    make_section("politik", "Politik")
    code, _out, _err = run_import(write_json(tmp_path / "a.json", [STAATSBESUCH]))
    assert code == 0
    article = Article.objects.get(external_id="altsystem-1001")
    for role in ("anonymous", "reader", "moderator", "editor", "admin"):
        page = client_for(role).get(f"/de/politik/{article.slug}/").content.decode()
        assert "Präsidentin besucht Graz" in page and "Forschung im Mittelpunkt</h2>" in page


def test_json_object_with_articles_default_section_and_draft(tmp_path):
    make_section("wien", "Wien")
    record = {key: value for key, value in GEMEINDERAT.items() if key != "section"}
    path = write_json(tmp_path / "export.json", {"articles": [record]})

    code, out, _err = run_import(path, "--section", "wien", "--draft")

    assert code == 0, out
    article = Article.objects.get(external_id="1002")
    assert article.section.slug == "wien"
    assert article.status == Article.Status.DRAFT and article.first_published_at is None
    assert "Done: 1 imported, 0 updated, 0 skipped, 0 failed." in out


def test_create_sections_makes_missing_sections(tmp_path):
    path = write_json(tmp_path / "a.json", [STAATSBESUCH, GEMEINDERAT])
    code, _out, _err = run_import(path, "--create-sections")
    assert code == 0
    assert sorted(Section.objects.values_list("slug", "name")) == [
        ("politik", "Politik"),
        ("wien", "Wien"),
    ]


def test_missing_and_mistyped_fields_are_each_reported(tmp_path):
    make_section("politik", "Politik")
    path = write_json(
        tmp_path / "a.json",
        [
            {
                "headline": "Ohne Kennung und Inhalt",
                "authors": "Anna Berger",
                "sektion": "politik",
                "published_at": "gestern",
            },
            "nur ein Text",
            {
                "id": "x1",
                "headline": "Zukunft",
                "section": "politik",
                "lead": "Kommt noch.",
                "language": "tr",
                "published_at": "2999-01-01T08:00:00+01:00",
            },
        ],
    )

    code, out, err = run_import(path)

    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith("item ")]
    first = [line for line in problems if line.startswith("item 1 ")]
    assert any("unknown field(s) sektion" in line for line in first)
    assert any("id: this field is required" in line for line in first)
    assert any("authors: expected an array of names" in line for line in first)
    assert any("published_at: gestern is not a date and time" in line for line in first)
    assert any("section: none given" in line for line in first)
    assert any("neither a lead nor a body" in line for line in first)
    assert any(
        line.startswith("item 2 ((no headline)): expected a JSON object") for line in problems
    )
    third = [line for line in problems if line.startswith("item 3 (“Zukunft”)")]
    assert any("language: tr is not one of the site's languages" in line for line in third)
    assert not any("lies in the future" in line for line in third)  # it would be scheduled
    assert "0 imported, 0 updated, 0 skipped, 3 failed" in out
    assert Article.objects.count() == 0 and Author.objects.count() == 0


def test_disallowed_markup_in_a_block_fails_the_whole_record(tmp_path):
    make_section("politik", "Politik")
    record = dict(
        STAATSBESUCH,
        body=[
            {"type": "paragraph", "text": "Erster Absatz."},
            {
                "type": "paragraph",
                "text": 'Hallo <script>alert("x")</script><span onclick="x()">da</span>',
            },
            {"type": "subheading", "text": "Mit <em>Auszeichnung</em>"},
            {"type": "video", "src": "clip.mp4"},
        ],
    )
    code, _out, err = run_import(write_json(tmp_path / "a.json", [record]))

    assert code == 1
    assert "body block 2 (paragraph) text: These tags are not allowed: <script>, <span>" in err
    assert "body block 3" not in err  # a subheading's "<" is text, shown escaped
    assert (
        "body block 4: type must be one of paragraph, subheading, quote, factbox, image, "
        'not "video".' in err
    )
    # Nothing of the record was written: no article, no authors, no blocks.
    assert Article.objects.count() == 0 and Author.objects.count() == 0
    assert Block.objects.count() == 0


def test_script_in_body_html_ends_up_nowhere(tmp_path):
    make_section("politik", "Politik")
    body_html = (
        "<p>Der <strong>Landtag</strong> tagte <em>bis spät</em> in die Nacht."
        '<script>document.write("böse")</script></p>'
        "<style>p { color: red }</style>"
        '<h3 onclick="steal()">Die Abstimmung</h3>'
        '<p><a href="javascript:alert(1)">Klick</a> und <a href="/protokoll" onmouseover="x()">'
        "Protokoll</a><img src=x onerror=alert(1)></p>"
        "<blockquote><p>Wir haben gerungen.</p><footer>— Landtagspräsidentin</footer></blockquote>"
        "<ul><li>Budget</li><li>Schulen</li></ul><ol><li>Erstens</li></ol>"
        "<div>Schluss<iframe src='https://evil.example/'>x</iframe></div>"
    )
    record = {
        "id": "html-1",
        "section": "politik",
        "headline": "Landtag tagt bis spät",
        "canonical_url": "https://alt.example.org/landtag",
        "body_html": body_html,
    }

    code, _out, err = run_import(write_json(tmp_path / "a.json", [record]))

    assert code == 0, err
    article = Article.objects.get(external_id="html-1")
    assert list(article.blocks.values_list("kind", "text", "attribution")) == [
        ("paragraph", "Der <strong>Landtag</strong> tagte <em>bis spät</em> in die Nacht.", ""),
        ("subheading", "Die Abstimmung", ""),
        (
            "paragraph",
            'Klick und <a href="https://alt.example.org/protokoll" '
            'rel="noopener noreferrer">Protokoll</a>',
            "",
        ),
        ("quote", "Wir haben gerungen.", "Landtagspräsidentin"),
        ("paragraph", "Budget", ""),
        ("paragraph", "Schulen", ""),
        ("paragraph", "1. Erstens", ""),
        ("paragraph", "Schluss", ""),
    ]
    stored = json.dumps(
        [
            list(Block.objects.values()),
            list(Revision.objects.values("snapshot")),
            list(Article.objects.values()),
        ],
        default=str,
    )
    for bad in (
        "script",
        "böse",
        "document.write",
        "onclick",
        "onerror",
        "javascript:",
        "color: red",
        "iframe",
        "evil.example",
        "steal",
    ):
        assert bad not in stored, bad
    assert "note: 1 <script> element(s) removed." in err
    assert "note: 1 image(s) in the HTML left out" in err


def test_html_conversion_balances_sloppy_markup():
    blocks, notes = html_to_blocks(
        "Loser Text <b>fett<p>Absatz <i>kursiv<br><br></p><h2>Titel <br>zwei</h2><h1>Groß</h1>"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Loser Text <b>fett</b>"),
        ("paragraph", "Absatz <i>kursiv</i>"),
        ("subheading", "Titel zwei"),
        ("paragraph", "Groß"),
    ]
    assert notes == []


def test_html_list_items_holding_paragraphs_keep_their_numbers():
    blocks, _notes = html_to_blocks(
        "<ol><li><p>Anmeldung im <em>Rathaus</em></p></li><li><p>Abgabe bis Freitag</p></li></ol>"
        "<ul><li><p>Ohne Nummer</p></li></ul>"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "1. Anmeldung im <em>Rathaus</em>"),
        ("paragraph", "2. Abgabe bis Freitag"),
        ("paragraph", "Ohne Nummer"),
    ]


def test_blank_id_is_reported(tmp_path):
    make_section("wien", "Wien")
    code, _out, err = run_import(write_json(tmp_path / "a.json", [dict(GEMEINDERAT, id="  ")]))
    assert code == 1 and "id: this field is required" in err
    assert Article.objects.count() == 0


def test_jsonl_reports_malformed_lines_by_number_and_imports_the_rest(tmp_path):
    make_section("politik", "Politik")
    make_section("wien", "Wien")
    path = tmp_path / "artikel.jsonl"
    lines = [
        json.dumps(STAATSBESUCH, ensure_ascii=False),
        "",
        '{"id": "kaputt-1", "headline": "Halber Datensatz", "lead": ',
        json.dumps(GEMEINDERAT, ensure_ascii=False),
        "[1, 2]",
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe{}\n")

    code, out, err = run_import(str(path))

    assert code == 1
    assert "[1/5] imported" in out and "[3/5] imported" in out
    assert "line 3 (“Halber Datensatz”): malformed JSON: Expecting value at column 60." in err
    assert "line 5 ((no headline)): expected a JSON object" in err
    assert "line 6 ((no headline)): not UTF-8 text (byte 0 of the line)." in err
    assert "2 imported, 0 updated, 0 skipped, 3 failed" in out
    assert set(Article.objects.values_list("external_id", flat=True)) == {"altsystem-1001", "1002"}


def test_second_import_skips_and_update_overwrites(tmp_path):
    make_section("politik", "Politik")
    path = write_json(tmp_path / "a.json", [STAATSBESUCH])
    assert run_import(path)[0] == 0
    article = Article.objects.get(external_id="altsystem-1001")
    keys = list(article.blocks.values_list("key", flat=True))

    code, out, _err = run_import(path)
    assert code == 0
    assert (
        "[1/1] skipped: “Präsidentin besucht Graz: Gespräche über Forschung” (already imported "
        f"as {article.slug} (use --update to overwrite it).)" in out
    )
    assert "0 imported, 0 updated, 1 skipped, 0 failed" in out
    assert Article.objects.count() == 1 and Block.objects.count() == 4

    code, out, _err = run_import(path, "--update")
    assert code == 0 and "(unchanged since the last import.)" in out
    revisions = Revision.objects.filter(article=article).count()

    changed = dict(
        STAATSBESUCH,
        headline="Präsidentin besucht Graz und Leoben",
        body=STAATSBESUCH["body"][:2] + [{"type": "paragraph", "text": "Neu: Leoben."}],
    )
    code, out, _err = run_import(write_json(tmp_path / "b.json", [changed]), "--update")

    assert code == 0
    assert "[1/1] updated: “Präsidentin besucht Graz und Leoben”" in out
    assert "0 imported, 1 updated, 0 skipped, 0 failed" in out
    article.refresh_from_db()
    assert article.headline == "Präsidentin besucht Graz und Leoben"
    assert article.slug == "praesidentin-besucht-graz-gespraeche-ueber-forschung"  # URL kept
    assert article.was_updated
    assert list(article.blocks.values_list("kind", "text")) == [
        (
            "paragraph",
            STAATSBESUCH["body"][0]["text"].replace('">TU', '" rel="noopener noreferrer">TU'),
        ),
        ("subheading", "Forschung im Mittelpunkt"),
        ("paragraph", "Neu: Leoben."),
    ]
    assert list(article.blocks.values_list("key", flat=True)) == keys[:3]
    latest = article.revisions.first()
    assert latest is not None
    assert latest.note == "imported" and "headline" in latest.changed
    assert Revision.objects.filter(article=article).count() == revisions + 1


def test_dry_run_writes_nothing(tmp_path):
    path = write_json(
        tmp_path / "a.json", [STAATSBESUCH, GEMEINDERAT, {"id": "leer", "headline": "Leer"}]
    )
    code, out, err = run_import(path, "--dry-run", "--create-sections")

    assert code == 1
    assert "[1/3] would import: “Präsidentin besucht Graz" in out
    assert "item 3 (“Leer”): the article has neither a lead nor a body." in err
    assert "Dry run, nothing was written: 2 imported, 0 updated, 0 skipped, 1 failed." in out
    for model in (Article, Section, Author, Block, Revision):
        assert model.objects.count() == 0, model


def test_dry_run_of_an_update_changes_nothing(tmp_path):
    make_section("politik", "Politik")
    run_import(write_json(tmp_path / "a.json", [STAATSBESUCH]))
    changed = dict(STAATSBESUCH, headline="Geänderte Schlagzeile")
    code, out, _err = run_import(
        write_json(tmp_path / "b.json", [changed]), "--update", "--dry-run"
    )
    assert code == 0 and "[1/1] would update: “Geänderte Schlagzeile”" in out
    assert Article.objects.get().headline == STAATSBESUCH["headline"]


@pytest.mark.parametrize(
    ("content", "suffix", "args", "message"),
    [
        (None, ".json", (), "does not exist"),
        (
            b'[{"id": 1,\n "headline": }]',
            ".json",
            (),
            "is not valid JSON: Expecting value at line 2, column 14.",
        ),
        (b'{"artikel": []}', ".json", (), "must hold a JSON array of articles or an object"),
        (b"\xff\xfe[]", ".json", (), "is not UTF-8 text"),
        (b"<html><body>Keine Nachrichten</body></html>", ".xml", (), "is not an RSS or Atom feed"),
        (b"Nur Text", ".txt", (), "Cannot tell the format"),
        (b"[]", ".json", ("--section", "gibtsnicht"), "There is no section gibtsnicht"),
    ],
)
def test_unreadable_input_exits_with_2(tmp_path, content, suffix, args, message):
    path = tmp_path / f"eingabe{suffix}"
    if content is not None:
        path.write_bytes(content)
    code, _out, err = run_import(str(path), *args)
    assert code == 2
    assert message in err


def test_console_command_exit_codes(tmp_path, capsys, monkeypatch):
    from django.db import connections

    from newsdesk.cli import main

    # run_from_argv closes the database connections when it ends, which on PostgreSQL would
    # also end this test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    make_section("politik", "Politik")
    good = write_json(tmp_path / "gut.json", [STAATSBESUCH])
    bad = write_json(tmp_path / "teils.json", [GEMEINDERAT])  # section wien is missing
    with translation.override("en"):
        with pytest.raises(SystemExit) as exit_info:
            main(["newsdesk", "import", str(tmp_path / "fehlt.json")])
        assert exit_info.value.code == 2
        with pytest.raises(SystemExit) as exit_info:
            main(["newsdesk", "import", bad])
        assert exit_info.value.code == 1
        main(["newsdesk", "import", good])  # returns normally: exit code 0
    output = capsys.readouterr()
    assert "fehlt.json does not exist" in output.err
    assert "section: there is no section wien" in output.err
    assert "1 imported, 0 updated, 0 skipped, 0 failed" in output.out


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Altes Blatt</title><link>https://alt.example.org/</link><language>de-AT</language>
  <item>
    <title>Hochwasser: Pegel der Donau sinkt</title>
    <link>https://alt.example.org/2025/hochwasser</link>
    <guid isPermaLink="false">alt-5001</guid>
    <dc:creator>Lena Huber</dc:creator>
    <category>Chronik</category><category>Wien</category>
    <pubDate>Tue, 16 Sep 2025 14:05:00 +0200</pubDate>
    <description>Entwarnung in der Wachau.</description>
    <content:encoded><![CDATA[<p>Seit Montag geht das Wasser <b>langsam</b> zurück.</p>
      <h2>Aufräumen beginnt</h2><p>Mehr im <a href="/live">Liveblog</a>.</p>
      <script>track()</script>]]></content:encoded>
  </item>
  <item>
    <description>Ein Eintrag ohne Titel.</description>
    <guid>alt-5002</guid>
  </item>
  <item>
    <title>Derby endet torlos</title>
    <guid>alt-5003</guid>
    <category>Sport</category>
    <pubDate>am Sonntag</pubDate>
    <description>&lt;p&gt;Kein Tor im Derby.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Neue Buslinie im Bezirk</title>
    <guid>alt-5004</guid>
    <pubDate>Wed, 17 Sep 2025 08:00:00 +0200</pubDate>
    <description>&lt;p&gt;Die Linie 13A fährt öfter.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Altes Blatt</title><id>urn:alt</id><updated>2025-09-20T10:00:00Z</updated>
  <entry>
    <title>Theater am Markt eröffnet</title>
    <id>urn:alt:6001</id>
    <link href="https://alt.example.org/theater"/>
    <published>2025-09-19T18:00:00Z</published><updated>2025-09-20T08:00:00Z</updated>
    <author><name>David Novak</name></author>
    <category term="kultur" label="Kultur"/>
    <summary>Ein neues Haus für die freie Szene.</summary>
    <content type="html">&lt;p&gt;Mit einer Premiere hat das Theater eröffnet.&lt;/p&gt;
      &lt;blockquote&gt;Endlich eine Bühne.&lt;/blockquote&gt;</content>
  </entry>
</feed>
"""


def test_rss_feed_maps_items_and_reports_bad_ones_by_index(tmp_path):
    wien = make_section("wien", "Wien")
    path = tmp_path / "feed.xml"
    path.write_text(RSS, encoding="utf-8")

    code, out, err = run_import(str(path), "--section", "wien")

    assert code == 1
    assert "[1/4] imported: “Hochwasser: Pegel der Donau sinkt”" in out
    assert "item 2 ((no headline)): the item has no title." in err
    assert 'item 3 (“Derby endet torlos”): the published date "am Sonntag" cannot be read.' in err
    assert "[4/4] imported: “Neue Buslinie im Bezirk”" in out
    assert "note: 1 <script> element(s) removed." not in err or "item 1" in err
    flood = Article.objects.get(external_id="alt-5001")
    assert flood.section == wien  # the category "Wien" matches an existing section
    assert flood.language == "de"
    assert flood.lead == "Entwarnung in der Wachau."
    assert flood.first_published_at == dt.datetime(2025, 9, 16, 12, 5, tzinfo=dt.UTC)
    assert [a.name for a in flood.authors.all()] == ["Lena Huber"]
    assert list(flood.blocks.values_list("kind", "text")) == [
        ("paragraph", "Seit Montag geht das Wasser <b>langsam</b> zurück."),
        ("subheading", "Aufräumen beginnt"),
        (
            "paragraph",
            'Mehr im <a href="https://alt.example.org/live" '
            'rel="noopener noreferrer">Liveblog</a>.',
        ),
    ]
    bus = Article.objects.get(external_id="alt-5004")
    assert bus.section == wien  # no category: the --section default
    assert bus.lead == "" and list(bus.blocks.values_list("text", flat=True)) == [
        "Die Linie 13A fährt öfter."
    ]


def test_feed_item_without_a_usable_section_is_reported(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(RSS, encoding="utf-8")
    code, _out, err = run_import(str(path))
    assert code == 1
    assert (
        "item 1 (“Hochwasser: Pegel der Donau sinkt”): section: none of the categories "
        "(Chronik, Wien) is a section; give --section SLUG or --create-sections."
    ) in err
    assert "item 4 (“Neue Buslinie im Bezirk”): section: none given" in err
    assert Article.objects.count() == 0


def test_atom_feed_with_create_sections(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    code, out, err = run_import(str(path), "--create-sections", "--draft")
    assert code == 0, err
    article = Article.objects.get(external_id="urn:alt:6001")
    assert article.section.slug == "kultur" and article.section.name == "Kultur"
    assert article.status == Article.Status.DRAFT
    assert article.lead == "Ein neues Haus für die freie Szene."
    assert list(article.blocks.values_list("kind", "text")) == [
        ("paragraph", "Mit einer Premiere hat das Theater eröffnet."),
        ("quote", "Endlich eine Bühne."),
    ]
    assert [a.name for a in article.authors.all()] == ["David Novak"]
    assert "1 imported" in out


def _png_bytes() -> bytes:
    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (8, 8), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_BYTES = _png_bytes()


class _FeedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path in ("/feed", "/slow"):
            body = RSS.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        elif self.path == "/api/artikel":
            picture = {"type": "image", "src": "bilder/graz.png", "alt": "Graz von oben"}
            record = dict(STAATSBESUCH, body=[picture, *STAATSBESUCH["body"]])
            body = json.dumps([record]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        elif self.path == "/api/bilder/graz.png":
            body = PNG_BYTES
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
        else:
            body = b"not here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def feed_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_from_a_local_http_server(feed_server):
    make_section("wien", "Wien")
    code, out, _err = run_import(f"{feed_server}/feed", "--section", "wien")
    assert code == 1  # items 2 and 3 of the feed are bad
    assert "2 imported, 0 updated, 0 skipped, 2 failed" in out
    assert Article.objects.filter(external_id__in=["alt-5001", "alt-5004"]).count() == 2

    code, out, _err = run_import(f"{feed_server}/feed", "--section", "wien")
    assert "0 imported, 0 updated, 2 skipped, 2 failed" in out


def test_json_from_a_local_http_server_by_content_type(feed_server):
    make_section("politik", "Politik")
    code, _out, err = run_import(f"{feed_server}/api/artikel")
    assert code == 0, err
    first = Article.objects.get(external_id="altsystem-1001").blocks.select_related("image")[0]
    assert first.kind == "image" and first.image.alt_text == "Graz von oben"
    with first.image.file.open("rb") as handle:
        assert handle.read() == PNG_BYTES  # fetched from the URL relative to the JSON's


def test_unreachable_or_slow_urls_exit_with_2(feed_server):
    code, _out, err = run_import(f"{feed_server}/gibtsnicht")
    assert code == 2 and "answered with HTTP status 404" in err
    started = time.monotonic()
    code, _out, err = run_import(f"{feed_server}/slow", "--timeout", "0.3")
    assert code == 2 and "no answer within 0.3 seconds" in err
    assert time.monotonic() - started < 1.4
    assert Article.objects.count() == 0


def test_a_refused_connection_exits_with_2_and_names_the_url():
    import socket

    with socket.socket() as probe:  # a port that nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/feed"
    code, _out, err = run_import(url)
    assert code == 2 and f"Cannot fetch {url}: cannot connect" in err
    assert Article.objects.count() == 0


def test_the_documented_examples_import_as_described(tmp_path):
    """The JSON and JSON Lines examples of docs/import.md are valid input."""
    import re

    docs = (Path(__file__).resolve().parents[4] / "docs" / "import.md").read_text("utf-8")
    json_example = re.search(r"```json\n(.*?)```", docs, re.S)
    jsonl_example = re.search(r"\(`artikel.jsonl`\):\n\n```text\n(.*?)```", docs, re.S)
    assert json_example and jsonl_example
    (tmp_path / "beispiel.json").write_text(json_example.group(1), encoding="utf-8")
    (tmp_path / "beispiel.jsonl").write_text(jsonl_example.group(1), encoding="utf-8")

    code, out, err = run_import(str(tmp_path / "beispiel.json"), "--create-sections")
    assert code == 0, err
    assert "2 imported" in out
    grazer = Article.objects.get(external_id="altsystem-1001")
    assert [b.kind for b in grazer.blocks.all()] == ["paragraph", "subheading", "quote", "factbox"]
    assert list(Article.objects.get(external_id="1002").blocks.values_list("kind", flat=True)) == [
        "paragraph",
        "subheading",
        "paragraph",
    ]

    code, out, err = run_import(str(tmp_path / "beispiel.jsonl"), "--update")
    assert code == 0, err
    assert "0 imported, 2 updated" in out


def _png(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (16, 9), colour).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def _stored_image_files() -> set[str]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / "images"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_image_blocks_from_files_next_to_the_json(tmp_path):
    from newsdesk.newsroom.models import Image

    make_section("politik", "Politik")
    (tmp_path / "bilder").mkdir()
    picture = _png(tmp_path / "bilder" / "Rathaus Graz.png")
    record = dict(
        STAATSBESUCH,
        body=[
            {
                "type": "image",
                "src": "bilder/Rathaus Graz.png",
                "alt": "Das Grazer Rathaus",
                "caption": "Empfang vor dem Rathaus",
                "credit": "Foto: Stadt Graz",
            },
            {"type": "paragraph", "text": "Danach ging es zur Universität."},
        ],
    )
    path = write_json(tmp_path / "a.json", [record])

    code, _out, err = run_import(path)

    assert code == 0, err
    block = Article.objects.get(external_id="altsystem-1001").blocks.select_related("image")[0]
    assert block.kind == "image" and block.caption == "Empfang vor dem Rathaus"
    assert block.image.alt_text == "Das Grazer Rathaus"
    assert block.image.credit == "Foto: Stadt Graz"
    assert block.image.file.name.endswith(".png") and "rathaus-graz" in block.image.file.name
    with block.image.file.open("rb") as handle:
        assert handle.read() == picture

    # Re-importing the same picture with --update keeps the stored image (nothing changed).
    code, out, _err = run_import(path, "--update")
    assert code == 0 and "unchanged since the last import" in out
    assert Image.objects.count() == 1


def test_bad_image_blocks_fail_the_record_and_store_no_file(tmp_path):
    from newsdesk.newsroom.models import Image

    make_section("politik", "Politik")
    (tmp_path / "kein-bild.png").write_text("Das ist kein Bild.", encoding="utf-8")
    from PIL import Image as Picture

    Picture.new("RGB", (4, 4)).save(tmp_path / "alt.bmp", format="BMP")
    before = _stored_image_files()
    record = dict(
        STAATSBESUCH,
        body=[
            {"type": "image", "src": "kein-bild.png", "alt": "Kein Bild"},
            {"type": "image", "src": "fehlt.jpg", "alt": "Fehlt"},
            {"type": "image", "src": "alt.bmp", "alt": "Bitmap"},
            {"type": "image", "src": "ftp://example.org/x.png", "alt": "FTP"},
            {"type": "image", "src": "alt.bmp"},
        ],
    )

    code, _out, err = run_import(write_json(tmp_path / "a.json", [record]))

    assert code == 1
    assert "body block 1 (image) src: " in err and "kein-bild.png is not a picture" in err
    assert "body block 2 (image) src: Cannot read " in err and "No such file or directory" in err
    assert "alt.bmp is a BMP picture; use JPEG, PNG, GIF or WebP." in err
    assert "body block 4 (image) src: ftp://example.org/x.png: give an http(s) URL" in err
    assert "body block 5 (image) alt: this field is required." in err
    assert Image.objects.count() == 0 and Article.objects.count() == 0
    assert _stored_image_files() == before


def test_dry_run_with_images_stores_no_file(tmp_path):
    from newsdesk.newsroom.models import Image

    _png(tmp_path / "foto.png")
    before = _stored_image_files()
    record = dict(STAATSBESUCH, body=[{"type": "image", "src": "foto.png", "alt": "Ein Foto"}])
    code, out, _err = run_import(
        write_json(tmp_path / "a.json", [record]), "--dry-run", "--create-sections"
    )
    assert code == 0 and "[1/1] would import" in out
    assert Image.objects.count() == 0 and Article.objects.count() == 0
    assert _stored_image_files() == before


def test_user_option_records_who_imported(tmp_path, users):
    make_section("politik", "Politik")
    path = write_json(tmp_path / "a.json", [STAATSBESUCH])
    code, _out, err = run_import(path, "--user", "niemand")
    assert code == 2 and "There is no user niemand." in err
    assert Article.objects.count() == 0

    code, _out, err = run_import(path, "--user", "editor")
    assert code == 0, err
    article = Article.objects.get()
    assert article.created_by == users["editor"]
    assert {revision.user for revision in article.revisions.all()} == {users["editor"]}
