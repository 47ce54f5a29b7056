"""Markup to placeholders and back: tags around the right words, exactly once, escaped text
stays escaped, attributes never reach the engine."""

from __future__ import annotations

from newsdesk.translation.segmentation import GlossaryEntry, restore, split_field

LINK = '<a href="https://example.org/?a=1&amp;b=2" title="Mehr &quot;dazu&quot;">'


def _identity(text: str, is_html: bool = True, glossary=()) -> str:
    layout = split_field(text, is_html, glossary)
    out = []
    for part in layout.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            restored = restore(part, part.text, is_html)
            assert restored.repairs == []
            out.append(restored.text + part.trailing)
    return "".join(out)


def test_untouched_translation_gives_back_the_exact_source():
    source = (
        f"<p>Der {LINK}Bürgermeister</a> sagte am 19. Juni: <strong>Nein</strong>.<br>"
        "Dann &lt;script&gt;alert(1)&lt;/script&gt; &amp; mehr.</p>\n"
        "<ul><li>Eins <em>zwei</em></li><li>drei</li></ul>"
    )
    assert _identity(source) == source


def test_attributes_are_never_in_a_segment():
    layout = split_field(f"<p>Ein {LINK}Link</a> und <img src='x.png' alt='Bild'> hier.</p>", True)
    (segment,) = layout.segments
    assert segment.text == "Ein <x1>Link</x1> und <x2/> hier."
    assert "href" not in segment.text and "example.org" not in segment.text


def test_block_elements_cut_segments_and_inline_pairs_keep_sentences_whole():
    layout = split_field("<h2>Titel</h2><p>Satz <b>eins. Satz</b> zwei. Satz drei.</p>", True)
    assert [s.text for s in layout.segments] == [
        "Titel",
        "Satz <x1>eins. Satz</x1> zwei.",
        "Satz drei.",
    ]


def test_tags_go_back_around_the_translated_words():
    (segment,) = split_field(
        f"<p>Der {LINK}Bürgermeister</a> sagte <em>nichts</em>.</p>", True
    ).segments
    restored = restore(segment, "The <x1> mayor </x1> said <x2>nothing</x2>.", True)
    assert restored.text == f"The {LINK}mayor</a> said <em>nothing</em>."
    assert restored.repairs == []


def test_dropped_placeholders_are_restored_once_and_reported():
    (segment,) = split_field(
        "<p>Der <strong>Bürgermeister</strong> kam.<br>Dann ging er.</p>", True
    ).segments
    restored = restore(segment, "The mayor came. Then he left.", True)
    assert restored.text.count("<strong>") == 1 and restored.text.count("</strong>") == 1
    assert restored.text.count("<br>") == 1
    assert "dropped" in restored.repairs


def test_pair_whose_words_survived_is_wrapped_around_them():
    (segment,) = split_field("<p>Sie traf <em>Greta Thunberg</em> in Wien.</p>", True).segments
    restored = restore(segment, "She met Greta Thunberg in Vienna.", True)
    assert restored.text == "She met <em>Greta Thunberg</em> in Vienna."


def test_duplicated_unknown_and_crossing_placeholders_are_repaired():
    (segment,) = split_field("<p><b>Eins</b> und <i>zwei</i>.</p>", True).segments
    restored = restore(segment, "<x1>One <x2>and</x1> two</x2> <x1>again</x1> <x7/>.", True)
    text = restored.text
    assert text.count("<b>") == text.count("</b>") == 1
    assert text.count("<i>") == text.count("</i>") == 1
    assert "x7" not in text and "<x" not in text
    assert text.index("<i>") < text.index("</i>") < text.index("</b>")  # nested, not crossed
    assert {"duplicated", "unknown"} <= set(restored.repairs)


def test_closing_before_opening_is_repaired():
    (segment,) = split_field("<p>Ein <a href='/x'>Link</a>.</p>", True).segments
    restored = restore(segment, "A </x1>link<x1>.", True)
    assert restored.text.count("<a href='/x'>") == 1 and restored.text.count("</a>") == 1
    assert restored.text.index("<a href='/x'>") < restored.text.index("</a>")
    assert "order" in restored.repairs


def test_escaped_text_never_becomes_markup():
    source = "<p>Schreib &lt;script&gt;alert(1)&lt;/script&gt; nie.</p>"
    (segment,) = split_field(source, True).segments
    assert "<script>" in segment.text  # the engine reads text, as a reader would
    restored = restore(segment, "Never write <script>alert(1)</script>.", True)
    assert restored.text == "Never write &lt;script&gt;alert(1)&lt;/script&gt;."


def test_placeholder_lookalikes_in_the_source_are_protected():
    layout = split_field("<p>Der Code &lt;x1&gt; ist ein Beispiel.</p>", True)
    (segment,) = layout.segments
    restored = restore(segment, segment.text.replace("Der Code", "The code"), True)
    assert restored.text == "The code &lt;x1&gt; ist ein Beispiel."


def test_plain_text_fields_are_not_escaped_and_keep_their_lines():
    text = "Erste Zeile & mehr.\n\nZweite <Zeile>."
    assert _identity(text, is_html=False) == text
    layout = split_field(text, False)
    assert [s.text for s in layout.segments] == ["Erste Zeile & mehr.", "Zweite <Zeile>."]


def test_glossary_terms_are_protected_and_fixed_translations_applied():
    glossary = [
        GlossaryEntry("Wiener Zeitung", "Wiener Zeitung"),
        GlossaryEntry("Gemeinderat", "city council", case_sensitive=False),
    ]
    (segment,) = split_field(
        "<p>Die Wiener Zeitung und der GEMEINDERAT.</p>", True, glossary
    ).segments
    assert segment.text == "Die <x1/> und der <x2/>."
    restored = restore(segment, "The <x1/> and the <x2/>.", True)
    assert restored.text == "The Wiener Zeitung and the city council."


def test_lost_glossary_term_is_put_back_between_words():
    (segment,) = split_field(
        "Die Wiener Zeitung berichtet heute.",
        False,
        [GlossaryEntry("Wiener Zeitung", "Wiener Zeitung")],
    ).segments
    restored = restore(segment, "The reports today.", False)
    assert "Wiener Zeitung" in restored.text and "dropped" in restored.repairs
    assert "  " not in restored.text


def test_unclosed_and_stray_inline_tags_stay_where_they_were():
    source = "<p>Offen <b>ohne Ende</p><p>Ende ohne </i>Anfang.</p>"
    assert _identity(source) == "<p>Offen <b>ohne Ende</p><p>Ende ohne </i>Anfang.</p>"


# --- no-break spaces, the content model, line breaks, attributes (issue 11) -------------


def test_no_break_spaces_survive_the_round_trip_in_their_spelling():
    for source in (
        "<p>Preis:&nbsp;10&nbsp;Euro</p>",
        "<p>Preis:&#160;10&#160;Euro, z.&#160;B. 10\u202fkm</p>",
        "<p>5&#8239;000 Menschen, 12&#8199;Uhr</p>",
        "<p>Preis:\u00a010\u00a0Euro</p>",
    ):
        assert _identity(source) == source
    # A field that writes one no-break space both ways gets the entity for both.
    mixed = "<p>z.\u00a0B. 10&nbsp;km</p>"
    assert _identity(mixed) == "<p>z.&nbsp;B. 10&nbsp;km</p>"
    assert _identity("Preis:\u00a010\u00a0Euro", is_html=False) == "Preis:\u00a010\u00a0Euro"


def test_no_break_spaces_go_back_next_to_the_same_words():
    (segment,) = split_field("<p>Preis:&nbsp;10&nbsp;Euro</p>", True).segments
    assert restore(segment, "Price: 10 euros", True).text == "Price:&nbsp;10&nbsp;euros"
    # The words moved: each no-break space follows its number.
    (segment,) = split_field("Es kostet 10\u00a0Euro und wiegt 3\u202fkg.", False).segments
    restored = restore(segment, "It weighs 3 kg and costs 10 euros.", False)
    assert restored.text == "It weighs 3\u202fkg and costs 10\u00a0euros."
    assert restored.repairs == []
    # Neither word came through: at about the same place, never lost.
    (segment,) = split_field("Das gilt z.\u00a0B. hier.", False).segments
    assert restore(segment, "This applies here for example.", False).text.count("\u00a0") == 1


def test_an_engine_that_keeps_the_no_break_space_is_not_given_another():
    (segment,) = split_field("10\u00a0km weit", False).segments
    assert restore(segment, "10\u00a0km far", False).text == "10\u00a0km far"


def test_phrasing_and_unknown_elements_stay_inside_the_sentence():
    for markup in (
        '<font color="red">die neue</font>',
        "<label>die neue</label>",
        "<ins>die neue</ins>",
        "<del>die neue</del>",
        '<news-term data-id="7">die neue</news-term>',
        "<blink>die neue</blink>",
        "<button>die neue</button>",
    ):
        source = f"<p>Das ist {markup} Schule.</p>"
        (segment,) = split_field(source, True).segments
        assert segment.text == "Das ist <x1>die neue</x1> Schule."
        assert _identity(source) == source


def test_a_comment_inside_a_sentence_does_not_cut_it():
    source = "<!-- Anfang --><p>Das ist <!-- Notiz --> die neue Schule.</p>"
    layout = split_field(source, True)
    assert [s.text for s in layout.segments] == ["Das ist <x1/> die neue Schule."]
    assert _identity(source) == source


def test_elements_outside_phrasing_content_end_the_block():
    layout = split_field(
        "<div>Eins <section>zwei</section> drei<table><tr><td>vier</td></tr></table></div>", True
    )
    assert [s.text for s in layout.segments] == ["Eins", "zwei", "drei", "vier"]


def test_script_inside_a_sentence_is_one_placeholder_and_pre_keeps_its_escapes():
    source = "<p>Text <script>if (a < b) x('<b>');</script> mehr.</p><pre>a &amp; &lt;b&gt;</pre>"
    (segment,) = split_field(source, True).segments
    assert segment.text == "Text <x1/> mehr."
    assert _identity(source) == source


def test_a_single_line_break_in_plain_text_is_not_a_sentence_boundary():
    text = "Wenn eine Zeile kein Verb\nenthält, muss die Übersetzung\nfalsch sein."
    (segment,) = split_field(text, False).segments
    assert segment.text == text  # one sentence; the engine gets it with spaces (the memory form)
    restored = restore(segment, "If a line has no verb, the translation must be wrong.", False)
    assert restored.text.count("\n") == 2 and restored.repairs == []
    assert " \n" not in restored.text and "\n " not in restored.text
    assert _identity(text, is_html=False) == text


def test_blank_lines_and_list_items_end_a_paragraph_in_plain_text():
    text = "Erster Absatz\nmit zwei Zeilen.\n\n  Zweiter Absatz:\n- Punkt eins\n2. Punkt zwei"
    layout = split_field(text, False)
    assert [s.text for s in layout.segments] == [
        "Erster Absatz\nmit zwei Zeilen.",
        "Zweiter Absatz:",
        "- Punkt eins",
        "2. Punkt zwei",
    ]
    assert _identity(text, is_html=False) == text


def test_alt_and_title_are_segments_of_their_own_other_attributes_untouched():
    source = (
        '<p>Ein <a href="/a?b=1&amp;c=2" title="Mehr &quot;dazu&quot;" data-x=\'Y\'>Link</a> '
        "und <img src=bild.png alt=Bild title='Ein Foto'> hier.</p>"
        '<figure title="Die Abbildung"><p>Text</p></figure>'
    )
    layout = split_field(source, True)
    (sentence, text) = layout.segments[0], layout.segments[-1]
    assert [s.text for s in sentence.attribute_segments()] == ['Mehr "dazu"', "Bild", "Ein Foto"]
    assert [s.text for s in layout.all_segments()] == [
        'Mehr "dazu"',
        "Bild",
        "Ein Foto",
        "Ein <x1>Link</x1> und <x2/> hier.",
        "Die Abbildung",
        "Text",
    ]
    assert text.text == "Text"
    assert _identity(source) == source  # untranslated values keep their bytes

    translations = {'Mehr "dazu"': 'More "on it"', "Bild": "Picture", "Ein Foto": "A photo"}

    def attribute_text(segment):
        return restore(segment, translations[segment.text], True).text

    restored = restore(sentence, "A <x1>link</x1> and <x2/> here.", True, attribute_text)
    assert restored.text == (
        '<a href="/a?b=1&amp;c=2" title="More &quot;on it&quot;" data-x=\'Y\'>'.join(
            ["A ", "link</a> and "]
        )
        + "<img src=bild.png alt=\"Picture\" title='A photo'> here."
    )


def test_attribute_values_without_words_are_not_segments():
    layout = split_field(
        '<p><img src="x.png" alt="" title="2026"> <abbr title="">EU</abbr></p>', True
    )
    assert [s.text for s in layout.all_segments()] == ["<x1/> <x2>EU</x2>"]
