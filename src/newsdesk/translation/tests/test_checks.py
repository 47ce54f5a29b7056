"""Quality checks: each finding has a code and a reason an editor can read."""

from __future__ import annotations

from django.utils import translation

from newsdesk.translation.checks import check_segment, detect


def _codes(source, target, **kwargs):
    kwargs.setdefault("detect_language", False)
    return {issue.code for issue in check_segment(source, target, "de", "en", **kwargs)}


def test_a_good_translation_has_no_findings():
    assert (
        check_segment(
            "Der Gemeinderat hat am 19. Juni 3,5 Millionen Euro beschlossen.",
            "On 19 June the city council approved 3.5 million euros.",
            "de",
            "en",
        )
        == []
    )


def test_identical_output_is_flagged():
    assert _codes("Der Rat hat heute getagt.", "Der Rat hat heute getagt.") == {"identical"}


def test_numbers_and_dates_that_differ_are_named():
    (issue,) = check_segment(
        "Am 19. Juni kamen 1.200 Menschen.",
        "On 18 June 1,200 people came.",
        "de",
        "en",
        detect_language=False,
    )
    assert issue.code == "numbers"
    assert "19" in issue.message and "18" in issue.message


def test_thousands_separators_of_either_language_are_the_same_number():
    assert "numbers" not in _codes("Es kostet 1.000.000 Euro.", "It costs 1,000,000 euros.")


def test_suspicious_length_ratio():
    assert "length" in _codes("Der Gemeinderat hat lange über das Budget gestritten.", "Yes.")


def test_repeated_ngrams_are_a_hallucination_sign():
    target = "The council the council the council the council decided."
    assert "repetition" in _codes("Der Rat hat entschieden, sagte sie.", target)
    # ...unless the source repeats itself too.
    assert "repetition" not in _codes("Ha ha ha ha, lachte er laut.", "Ha ha ha ha, he laughed.")


def test_missing_glossary_term():
    issues = check_segment(
        "Die Wiener Zeitung berichtet.",
        "The newspaper reports.",
        "de",
        "en",
        glossary_targets=["Wiener Zeitung"],
        detect_language=False,
    )
    assert [i.code for i in issues] == ["glossary"]
    assert "Wiener Zeitung" in issues[0].message


def test_empty_output():
    assert _codes("Der Rat tagte.", "  ") == {"empty"}


def test_wrong_output_language_is_detected():
    issues = check_segment(
        "Der Bürgermeister hat heute das neue Budget vorgestellt.",
        "Der Bürgermeister hat heute das neue Budget präsentiert.",
        "de",
        "en",
        detect_language=True,
    )
    assert "language" in {i.code for i in issues}
    assert detect("The mayor presented the new budget to the council today.")[0][0] == "en"


def test_reasons_are_translated_for_german_editors():
    with translation.override("de"):
        (issue,) = check_segment(
            "Der Rat tagte am 3. Mai.",
            "The council met on 4 May.",
            "de",
            "en",
            detect_language=False,
        )
    assert issue.message.startswith("Zahlen oder Daten")
