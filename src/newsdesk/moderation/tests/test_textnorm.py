"""textnorm: each folding step, the map back to the original, and that nothing raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.moderation.textnorm import NormalisedText, normalise


def folded(text: str) -> str:
    return normalise(text).folded


def test_ordinary_text_is_only_lower_cased():
    text = "Die Regierung plant 2026 neue Radwege; the council agrees, 10 Euro per year."
    assert folded(text) == text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "I\u200bdiot",  # zero-width space
        "Idi\u200dot",  # zero-width joiner
        "Id\u200ciot",  # zero-width non-joiner
        "\u202eIdiot\u202c",  # bidi override and pop
        "Id\u2066io\u2069t",  # bidi isolate
        "Id\u00adiot",  # soft hyphen
        "I\u2060diot\ufeff",  # word joiner, byte order mark
        "Idi\ufe0fot",  # variation selector (default-ignorable, not Cf)
        "Id\u034fiot",  # combining grapheme joiner (default-ignorable, not Cf)
    ],
)
def test_invisible_characters_are_removed(text):
    assert folded(text) == "idiot"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ｉｄｉｏｔ", "idiot"),  # fullwidth
        ("𝐈𝐝𝐢𝐨𝐭", "idiot"),  # mathematical bold
        ("𝓘𝓭𝓲𝓸𝓽", "idiot"),  # mathematical script
        ("ⓘⓓⓘⓞⓣ", "idiot"),  # circled
        ("ﬁck", "fick"),  # ligature
        ("A\u0308rger", "aerger"),  # decomposed umlaut composes first
    ],
)
def test_nfkc_turns_compatibility_forms_into_plain_letters(text, expected):
    assert folded(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u0406d\u0456\u043et", "idiot"),  # Cyrillic І, і, о mixed into Latin
        ("\u0430rs\u0441h", "arsch"),  # Cyrillic а, с
        ("\u0440\u0435\u0445", "pex"),  # Cyrillic р, е, х
        ("\u0412\u041c\u0422", "bmt"),  # capitals that only look Latin before case folding
        ("\u03bf\u03c1\u03b1", "opa"),  # Greek ο, ρ, α
        ("Schei\u03b2e", "scheisse"),  # Greek beta for ß
    ],
)
def test_homoglyphs_of_other_scripts_become_latin(text, expected):
    assert folded(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("Scheiße", "Scheisse", "SCHEISSE", "SCHEIẞE", "scheiße"),
        ("Ärger", "Aerger", "ärger", "AERGER"),
        ("Öl", "Oel", "öl"),
        ("Übel", "Uebel", "üBEL"),
        ("Straße", "Strasse", "STRASSE"),
    ],
)
def test_umlauts_and_sharp_s_compare_equal_to_their_spelled_out_forms(spellings):
    assert len({folded(word) for word in spellings}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("café", "cafe"),
        ("Ñandú", "nandu"),
        ("i\u0334\u0321d\u0338i\u0337o\u0335t", "idiot"),  # "Zalgo" marks
        ("İstanbul", "istanbul"),
    ],
)
def test_other_accents_and_stray_marks_are_removed(text, expected):
    assert folded(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d10t", "idiot"),
        ("sh!t", "shit"),
        ("@rsch", "arsch"),
        ("a$$", "ass"),
        ("Sch3iße", "scheisse"),
        ("h4ss", "hass"),
        ("5au", "sau"),
        ("wi€hser", "wiehser"),
        ("b1tch", "bitch"),
    ],
)
def test_leetspeak_inside_words_becomes_letters(text, expected):
    assert folded(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026",
        "10 Euro",
        "am 3. Mai um 17:45",
        "100Idioten",  # a number before a word stays a number
        "Idiot!",  # "!" at a word's end is punctuation
        "20er",  # a run with a digit that stands for no letter
        "10€",
        "3,50 $",
    ],
)
def test_numbers_and_punctuation_stay(text):
    assert folded(text) == text.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a r s c h", "arsch"),
        ("a r s c h l o c h", "arschloch"),
        ("A.r.s.c.h", "arsch"),
        ("A. r. s. c. h.", "arsch."),
        ("d-a-s-h-e-d", "dashed"),
        ("d_u_m_m", "dumm"),
        ("I d i o t !", "idiot !"),
        ("s*a*u", "sau"),
        ("Du bist ein a r s c h.", "du bist ein arsch."),
    ],
)
def test_spaced_dotted_and_dashed_letters_are_joined(text, expected):
    assert folded(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin da, du bist hier.",
        "z. B. heute",  # two single letters are not a run
        "Plan B - A",
        "I am a fan",
        "Drecks sau",  # words of several letters are never glued
    ],
)
def test_ordinary_words_are_not_glued_together(text):
    assert folded(text) == text.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("idiooooot", "idioot"),
        ("Arrrrschloch", "arrschloch"),
        ("Wasser", "wasser"),  # a legitimate double letter stays
        ("Schifffahrt", "schiffahrt"),
        ("nein!!!", "nein!!!"),  # only letters
    ],
)
def test_letters_repeated_three_times_or_more_are_cut_to_two(text, expected):
    assert folded(text) == expected


def test_a_span_maps_back_to_the_obfuscated_original():
    text = "Du bist ein \u0406d\u200bi\u043e\u043e\u043eot!"
    result = normalise(text)
    assert result.folded == "du bist ein idioot!"
    start = result.folded.index("idioot")
    orig_start, orig_end = result.original_span(start, start + len("idioot"))
    assert text[orig_start:orig_end] == "\u0406d\u200bi\u043e\u043e\u043eot"


def test_expanded_characters_map_to_the_character_they_came_from():
    result = normalise("Grüße")
    assert result.folded == "gruesse"
    spans = result.char_spans()
    assert spans[2] == spans[3] == (2, 3)  # "ue" from "ü"
    assert spans[4] == spans[5] == (3, 4)  # "ss" from "ß"
    assert result.original_span(0, len(result.folded)) == (0, 5)


def test_joined_letters_keep_their_own_spans():
    result = normalise("x A.r.s.c.h y")
    assert result.folded == "x arsch y"
    assert result.char_spans()[2:7] == [(2, 3), (4, 5), (6, 7), (8, 9), (10, 11)]


def test_decomposed_umlaut_maps_to_letter_and_mark():
    result = normalise("A\u0308rger")
    assert result.folded == "aerger"
    assert result.original_span(0, 2) == (0, 2)


def test_span_errors():
    result = normalise("abc")
    with pytest.raises(ValueError):
        result.original_span(1, 1)
    with pytest.raises(ValueError):
        result.original_span(0, 4)
    with pytest.raises(IndexError):
        result.char_span(3)


def test_normalise_takes_only_text():
    with pytest.raises(TypeError):
        normalise(b"bytes")  # type: ignore[arg-type]


TRICKY = (
    "aAäÄöüßẞ eE oO sS iI lL 01345789 @$€!.-_*'/| \u200b\u200d\u202e\u00ad\ufe0f"
    "\u0308\u0301\u0334 \u0430\u0435\u043e\u0440\u0441\u0445\u0406 \u03b2\u03bf ｉ𝐢ⓘﬁİ½²"
)


def assert_map_is_sound(result: NormalisedText) -> None:
    spans = result.char_spans()
    assert len(spans) == len(result.folded)
    for start, end in spans:
        assert 0 <= start < end <= len(result.original)
    assert [start for start, _ in spans] == sorted(start for start, _ in spans)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalise_never_raises_and_every_span_lies_in_the_original(text):
    assert_map_is_sound(normalise(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=40))
def test_the_map_stays_sound_on_obfuscation_characters(text):
    result = normalise(text)
    assert_map_is_sound(result)
    if result.folded:
        orig_start, orig_end = result.original_span(0, len(result.folded))
        assert 0 <= orig_start < orig_end <= len(text)
