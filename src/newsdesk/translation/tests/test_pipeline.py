"""The document pipeline with the dummy engine: one engine call, memory, glossary, checks,
and property-based proof that nothing is lost, reordered or left as a placeholder."""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.translation import memory
from newsdesk.translation.engines import EngineError, UnsupportedLanguagePair
from newsdesk.translation.engines.dummy import DummyEngine
from newsdesk.translation.models import GlossaryTerm, MemoryEntry
from newsdesk.translation.pipeline import SourceField, translate_document

ARTICLE = [
    SourceField("headline", "Gemeinderat hat Budget beschlossen"),
    SourceField("lead", "Der Bürgermeister sagte am Montag: 3 Millionen Euro für die Schule."),
    SourceField(
        "block-1",
        '<p>Der <a href="https://example.org/budget">Gemeinderat</a> hat '
        "<strong>heute</strong> beschlossen. Die Stadt ist neu.</p>",
        True,
    ),
]


@pytest.mark.django_db
def test_document_is_translated_in_one_engine_call_in_field_order():
    engine = DummyEngine()
    result = translate_document(ARTICLE, "de", "en", engine=engine)
    assert len(engine.calls) == 1
    assert [f.id for f in result.fields] == ["headline", "lead", "block-1"]
    assert result.text("headline") == "City council has Budget decided"
    assert result.text("block-1") == (
        '<p>The <a href="https://example.org/budget">City council</a> has '
        "<strong>today</strong> decided. The City is new.</p>"
    )
    assert result.model_version == "dummy:de-en@1"
    assert result.sent_to_engine == 4


@pytest.mark.django_db
def test_memory_answers_repeated_segments_without_the_engine():
    engine = DummyEngine()
    translate_document(ARTICLE, "de", "en", engine=engine)
    again = translate_document(ARTICLE, "de", "en", engine=engine)
    assert len(engine.calls) == 1  # nothing new to translate
    assert again.sent_to_engine == 0
    assert {s.origin for f in again.fields for s in f.segments} == {"memory"}
    # Another model version does not reuse the first one's output.
    translate_document(ARTICLE, "de", "en", engine=DummyEngine(version="2"))
    assert MemoryEntry.objects.filter(model_version="dummy:de-en@2").count() == 4


@pytest.mark.django_db
def test_repeated_segment_inside_one_document_is_sent_once():
    engine = DummyEngine()
    fields = [SourceField("a", "Die Stadt ist neu."), SourceField("b", "Die  Stadt ist neu. ")]
    result = translate_document(fields, "de", "en", engine=engine)
    assert engine.calls[0][0] == ["Die Stadt ist neu."]
    assert result.text("b") == "The City is new. "


@pytest.mark.django_db
def test_human_correction_overrides_machine_output_for_every_model(users):
    translate_document(ARTICLE, "de", "en", engine=DummyEngine())
    memory.record_correction(
        "de",
        "en",
        "Gemeinderat hat Budget beschlossen",
        "City council passes budget",
        users["editor"],
    )
    engine = DummyEngine(version="9")
    result = translate_document(ARTICLE[:1], "de", "en", engine=engine)
    assert result.text("headline") == "City council passes budget"
    assert result.fields[0].segments[0].origin == "human"
    assert engine.calls == []
    entry = MemoryEntry.objects.get(origin="human")
    assert entry.corrected_by == users["editor"] and entry.model_version == ""


@pytest.mark.django_db
def test_correction_keeps_placeholders_of_the_segment():
    engine = DummyEngine()
    source = [SourceField("p", '<p>Der <a href="/a">Rat</a> tagte.</p>', True)]
    translate_document(source, "de", "en", engine=engine)
    memory.record_correction("de", "en", "Der <x1>Rat</x1> tagte.", "The <x1>council</x1> met.")
    result = translate_document(source, "de", "en", engine=engine)
    assert result.text("p") == '<p>The <a href="/a">council</a> met.</p>'


def test_empty_corrections_are_refused():
    with pytest.raises(ValueError, match="empty"):
        memory.record_correction("de", "en", "Hallo", "   ")


@pytest.mark.django_db
def test_glossary_from_the_database_is_enforced_per_language_pair():
    GlossaryTerm.objects.create(
        source_language="de", target_language="en", term="Stadt", translation="municipality"
    )
    GlossaryTerm.objects.create(source_language="de", target_language="en", term="Schule")
    GlossaryTerm.objects.create(
        source_language="de", target_language="fr", term="Budget", translation="XX"
    )
    result = translate_document(
        [SourceField("t", "Die Stadt und die Schule haben Budget.")],
        "de",
        "en",
        engine=DummyEngine(),
    )
    assert result.text("t") == "The municipality and the Schule have Budget."
    assert not result.flagged


@pytest.mark.django_db
def test_dropped_placeholders_flag_the_segment_with_a_reason():
    with translation.override("en"):
        result = translate_document(
            ARTICLE[2:], "de", "en", engine=DummyEngine(placeholders="drop"), detect_language=False
        )
    text = result.text("block-1")
    assert text.count('<a href="https://example.org/budget">') == 1
    assert text.count("</a>") == 1 and text.count("<strong>") == 1
    (issue,) = result.fields[0].segments[0].issues
    assert issue.code == "placeholders"
    assert "formatting and links" in issue.message


@pytest.mark.django_db
def test_engine_errors_and_unknown_pairs_are_clear():
    with pytest.raises(UnsupportedLanguagePair, match="'de' to 'fr'"):
        translate_document(ARTICLE, "de", "fr", engine=DummyEngine())
    with pytest.raises(EngineError, match="service down"):
        translate_document(ARTICLE, "de", "en", engine=DummyEngine(fail="service down"))
    assert MemoryEntry.objects.count() == 0  # nothing half-stored


@pytest.mark.django_db
def test_engine_returning_too_few_segments_is_an_error():
    class Lossy(DummyEngine):
        def translate(self, segments, source, target):
            return super().translate(segments, source, target)[:-1]

    with pytest.raises(EngineError, match="returned 3 translations for 4 segments"):
        translate_document(ARTICLE, "de", "en", engine=Lossy())


class Alternating(DummyEngine):
    """The dummy engine plus alternatives: "(alt N)" appended, N = 1, 2... (as many as asked),
    the first repeated once and one equal to the main output, as beams give them."""

    def translate_alternatives(self, segments, source, target, count):
        best = self.translate(segments, source, target)
        out = []
        for segment, main in zip(segments, best, strict=True):
            if "neu" in segment:  # this segment has no alternative at all
                out.append([main])
                continue
            suffixed = [re.sub(r"([.!?]?)$", rf" (alt {n})\1", main, count=1) for n in range(1, 4)]
            out.append([suffixed[0], suffixed[0], main, *suffixed[1:]][: count + 2])
        return out


@pytest.mark.django_db
def test_alternatives_put_each_segments_next_hypothesis_into_the_whole_field():
    engine = Alternating()
    result = translate_document(ARTICLE, "de", "en", engine=engine, alternatives=2)
    block = next(f for f in result.fields if f.id == "block-1")
    # The main translation is unchanged; markup is restored in every alternative; the
    # segment without alternatives keeps its translation; repeats and the main output
    # are not offered again.
    assert block.text == (
        '<p>The <a href="https://example.org/budget">City council</a> has '
        "<strong>today</strong> decided. The City is new.</p>"
    )
    assert block.alternatives == [
        '<p>The <a href="https://example.org/budget">City council</a> has '
        "<strong>today</strong> decided (alt 1). The City is new.</p>",
        '<p>The <a href="https://example.org/budget">City council</a> has '
        "<strong>today</strong> decided (alt 2). The City is new.</p>",
    ]
    assert result.fields[0].alternatives == [
        "City council has Budget decided (alt 1)",
        "City council has Budget decided (alt 2)",
    ]
    # The memory keeps the main translations only.
    assert not MemoryEntry.objects.filter(target_text__contains="(alt").exists()
    assert translate_document(ARTICLE, "de", "en", engine=engine).fields[0].alternatives == []


@pytest.mark.django_db
def test_an_engine_without_alternatives_gives_none_and_a_wrong_count_is_an_error():
    result = translate_document(ARTICLE, "de", "en", engine=DummyEngine(), alternatives=3)
    assert all(f.alternatives == [] for f in result.fields)

    class Short(Alternating):
        def translate_alternatives(self, segments, source, target, count):
            return super().translate_alternatives(segments, source, target, count)[1:]

    with pytest.raises(EngineError, match="alternatives for 3 of 4 segments"):
        translate_document(ARTICLE, "de", "en", engine=Short(), alternatives=1)


def test_duplicate_field_ids_are_refused():
    with pytest.raises(ValueError, match="own id"):
        translate_document(
            [SourceField("a", "x"), SourceField("a", "y")],
            "de",
            "en",
            engine=DummyEngine(),
            glossary=[],
            use_memory=False,
        )


def test_fields_without_words_are_copied_not_translated():
    engine = DummyEngine()
    result = translate_document(
        [SourceField("n", "<p>2026 – 42 <br> ...</p>", True)],
        "de",
        "en",
        engine=engine,
        glossary=[],
        use_memory=False,
    )
    assert result.text("n") == "<p>2026 – 42 <br> ...</p>"
    assert engine.calls == []


# --- property-based: nothing lost, reordered or left as a placeholder ------------------

WORDS = st.sampled_from(
    [
        "Stadt",
        "Haus",
        "z. B.",
        "Dr.",
        "19. Juni",
        "Wien",
        "3,5",
        "&",
        "<",
        "x1",
        "Rat.",
        "Ja!",
        "Bahnhof",
        "neu",
        "und",
        "Die",
        "„Nein“.",
    ]
)
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
INLINE = st.sampled_from(
    [("strong", ""), ("em", ""), ("a", ' href="/x?a=1&amp;b=2"'), ("b", ""), ("span", ' class="k"')]
)


def _inline_nodes(depth: int):
    text_node = TEXT.map(lambda t: html.escape(t, quote=False))
    if depth == 0:
        return st.one_of(text_node, st.just("<br>"))
    element = st.tuples(INLINE, st.lists(_inline_nodes(depth - 1), min_size=1, max_size=3)).map(
        lambda pair: f"<{pair[0][0]}{pair[0][1]}>{' '.join(pair[1])}</{pair[0][0]}>"
    )
    return st.one_of(text_node, text_node, element, st.just("<br>"))


BLOCK = st.tuples(
    st.sampled_from(["p", "h2", "li"]), st.lists(_inline_nodes(2), min_size=1, max_size=4)
).map(lambda pair: f"<{pair[0]}>{' '.join(pair[1])}</{pair[0]}>")
HTML_FIELD = st.lists(BLOCK, min_size=1, max_size=3).map("\n".join)
PLAIN_FIELD = st.lists(TEXT, min_size=1, max_size=3).map("\n\n".join)
DOCUMENT = st.lists(
    st.one_of(HTML_FIELD.map(lambda t: (t, True)), PLAIN_FIELD.map(lambda t: (t, False))),
    min_size=1,
    max_size=4,
)

_TAG = re.compile(r"<[^>]+>")
_STRAY = re.compile(r"<\s*/?\s*[xX]\s*\d+\s*/?\s*>")


def _words(text: str, is_html: bool) -> Counter[str]:
    if is_html:
        text = html.unescape(_TAG.sub(" ", text))
    return Counter(re.findall(r"\w+", text))


def _tags(text: str, is_html: bool) -> Counter[str]:
    return Counter(_TAG.findall(text)) if is_html else Counter()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=DOCUMENT, mode=st.sampled_from(["keep", "drop", "duplicate", "garble", "reverse"]))
def test_no_segment_is_lost_reordered_or_left_with_placeholders(document, mode):
    fields = [SourceField(f"f{i}", text, is_html) for i, (text, is_html) in enumerate(document)]
    # de -> fr has no dictionary: the dummy changes only what `mode` makes it change.
    engine = DummyEngine(placeholders=mode, pairs=["de-fr"])
    result = translate_document(
        fields, "de", "fr", engine=engine, glossary=[], use_memory=False, run_checks=False
    )
    assert [f.id for f in result.fields] == [f.id for f in fields]
    for source, translated in zip(fields, result.fields, strict=True):
        assert not _STRAY.search(html.unescape(source.text))  # none to begin with
        assert not _STRAY.search(html.unescape(translated.text))
        assert _words(translated.text, source.is_html) == _words(source.text, source.is_html)
        assert _tags(translated.text, source.is_html) == _tags(source.text, source.is_html)
        if mode == "keep":
            assert translated.text == source.text  # nothing moved at all
            assert not translated.issues


@settings(max_examples=40, deadline=None)
@given(document=DOCUMENT)
def test_segments_come_back_in_order(document):
    """An engine that numbers its segments shows each lands where it came from."""

    class Numbering(DummyEngine):
        def translate(self, segments, source, target):
            return [f"{text} N{index}" for index, text in enumerate(segments)]

    fields = [SourceField(f"f{i}", text, is_html) for i, (text, is_html) in enumerate(document)]
    result = translate_document(
        fields,
        "de",
        "fr",
        engine=Numbering(pairs=["de-fr"]),
        glossary=[],
        use_memory=False,
        run_checks=False,
    )
    numbers = [int(n) for f in result.fields for n in re.findall(r"N(\d+)", f.text)]
    distinct = list(dict.fromkeys(numbers))
    assert distinct == sorted(distinct)  # first appearances in document order
    assert distinct == list(range(result.sent_to_engine))
