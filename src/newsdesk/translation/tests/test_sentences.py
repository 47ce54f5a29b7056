"""The sentence splitter: German abbreviations, initials and dates do not end sentences."""

from __future__ import annotations

import pytest

from newsdesk.translation.sentences import normalise_segment, split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "Viele Tiere, z. B. Hunde und Katzen, leben hier.",
        "Dr. Müller kam am 19. Juni nach Wien.",
        "Prof. Dr. Anna Berger und Hr. Maier, d. h. zwei Gäste, sprachen.",
        "Das Spiel der 3. Liga beginnt um 15 Uhr.",
        "Es kostete ca. 5 Mio. Euro, vgl. Abs. 3 usw. und mehr.",
        "Er schrieb J. R. R. Tolkien ins Heft.",
        "Der Vorschlag (u.a. von der ÖVP) fiel durch.",
        "Er sagte: „Nein.“ und ging.",
    ],
)
def test_no_split_inside_a_sentence(text):
    assert split_sentences(text) == [text]


def test_splits_real_sentence_ends_and_keeps_every_character():
    text = "Der Rat tagte im Jahr 2024. Dr. Müller war dagegen! Warum? „Zu teuer.“ Dann ging er."
    pieces = split_sentences(text)
    assert pieces == [
        "Der Rat tagte im Jahr 2024. ",
        "Dr. Müller war dagegen! ",
        "Warum? ",
        "„Zu teuer.“ ",
        "Dann ging er.",
    ]
    assert "".join(pieces) == text


def test_splits_before_a_placeholder_and_after_a_closing_one():
    text = "Erster Satz.</x1> <x2>Zweiter</x2> Satz."
    assert split_sentences(text) == ["Erster Satz.</x1> ", "<x2>Zweiter</x2> Satz."]


def test_lower_case_after_full_stop_does_not_split():
    assert split_sentences("Die Firma Foo Inc. expandiert. das ist neu.") == [
        "Die Firma Foo Inc. expandiert. das ist neu."
    ]


def test_normalise_segment_folds_whitespace_and_unicode_forms():
    assert normalise_segment("  Bu\u0308rger \n meister  ") == "Bürger meister"
