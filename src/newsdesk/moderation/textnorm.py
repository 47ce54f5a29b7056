"""Text normalisation for screening: folds obfuscated spellings and maps them back to the original.

``normalise(text)`` returns a ``NormalisedText`` whose ``folded`` form is what word lists are
matched against, and which maps every folded character back to the span of the original text
it came from, so that a hit can be shown and highlighted where the writer put it.

The steps, in order (each one is a function below and documented there):

1. ``_remove_invisibles``: zero-width characters, bidi controls and every other invisible
   format character (Unicode category Cf, plus the few default-ignorable characters that are
   not Cf, such as variation selectors and Hangul fillers) are removed: ``I\u200bdiot`` ->
   ``Idiot``.
2. ``_compose_nfkc``: Unicode NFKC per character cluster: fullwidth (``ｉｄｉｏｔ``),
   mathematical alphanumerics (``𝐢𝐝𝐢𝐨𝐭``), circled letters, ligatures and superscripts
   become plain letters; a letter followed by combining marks is composed (``a\u0308`` -> ä).
3. ``_replace_confusables``: letters of other scripts that look like Latin ones become those
   (Cyrillic а е о р с х, Greek ο ρ α ...). The table comes from the Unicode confusables data
   shipped by ``confusable-homoglyphs``; it is applied before case folding because some
   capitals look Latin where their small letters do not (Cyrillic В, Н, М, Т).
4. ``_fold_case``: Unicode case folding; ß and ẞ become ``ss`` here.
5. ``_fold_diacritics``: ä ö ü become ``ae oe ue`` (so ä/ae, ö/oe, ü/ue and, with step 4,
   ß/ss compare equal); other Latin letters lose their accents (é -> e); stray combining
   marks ("Zalgo" text) are removed.
6. ``_undo_leetspeak``: digits and symbols standing for letters inside a word become those
   letters (0 o, 1 i, 3 e, 4 a, 5 s, 7 t, 8 b, 9 g, @ a, $ s, € e, ! i): ``1d10t`` -> ``idiot``.
   A token without letters is a number and stays as it is (``2026``, ``10 Euro``).
7. ``_join_spaced_letters``: three or more single letters separated by the same run of
   spaces, dots, dashes, underscores and the like are joined: ``a r s c h``, ``A.r.s.c.h``,
   ``d_u_m_m`` -> one word. Only runs of *single* letters are joined, so ordinary words stay
   apart; spaced-out words next to each other run together (``f u c k y o u``).
8. ``_collapse_repeats``: a letter repeated three or more times is cut to two: ``idiooooot``
   -> ``idioot``, ``Arrrrschloch`` -> ``arrschloch``. Two are kept because double letters
   carry meaning (``ass`` is not ``as``); the matcher in ``terms`` lets each single letter of
   an entry stand once or twice, so these still match ``idiot`` and ``arschloch``.

Precomputed tables are built on first use (not at import), and every step first checks with
one regex or C call whether it has anything to do; on ordinary text most steps do nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A letter in Python's Unicode regex sense: a word character that is neither digit nor "_".
LETTER = r"[^\W\d_]"

# Planes scanned when building character tables: BMP, SMP and the tag/variation plane.
_PLANES = (range(0x0, 0x20000), range(0xE0000, 0xE1000))


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A text folded for matching, with the way back to the original.

    ``original``: the text as given. ``folded``: the normalised form (see the module
    docstring). ``_starts[i]``/``_ends[i]`` give the half-open span of ``original`` that
    folded character ``i`` came from; both are ``None`` while the folding kept every
    character in place (then character ``i`` came from ``original[i]``).
    """

    original: str
    folded: str
    _starts: list[int] | None = None
    _ends: list[int] | None = None

    def char_span(self, index: int) -> tuple[int, int]:
        """Span ``(start, end)`` of ``original`` (half-open, in characters) that folded
        character ``index`` came from. Raises ``IndexError`` for an index outside ``folded``."""
        if not 0 <= index < len(self.folded):
            raise IndexError(f"folded index {index} outside 0..{len(self.folded) - 1}")
        if self._starts is None or self._ends is None:
            return index, index + 1
        return self._starts[index], self._ends[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Span of ``original`` that the folded range ``folded[start:end]`` came from.

        ``0 <= start < end <= len(folded)``; returns half-open ``(orig_start, orig_end)`` in
        characters of ``original``. Raises ``ValueError`` for an empty or out-of-range span.
        """
        if not 0 <= start < end <= len(self.folded):
            raise ValueError(f"folded span {start}..{end} is empty or outside the text")
        return self.char_span(start)[0], self.char_span(end - 1)[1]

    def char_spans(self) -> list[tuple[int, int]]:
        """One ``(start, end)`` span of ``original`` per folded character, in order."""
        if self._starts is None or self._ends is None:
            return [(i, i + 1) for i in range(len(self.folded))]
        return list(zip(self._starts, self._ends, strict=True))


class _Work:
    """The text between steps and, once a step changed lengths, its map to the original."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        self.ends: list[int] | None = None

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> None:
        """Replace ``text[a:b]`` by ``new`` for each ``(a, b, new)`` (sorted, disjoint, a < b).

        Every new character maps to the whole span that ``text[a:b]`` came from."""
        text = self.text
        if self.starts is None or self.ends is None:
            starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
        else:
            starts, ends = self.starts, self.ends
        pieces: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for a, b, new in edits:
            pieces.append(text[pos:a])
            new_starts += starts[pos:a]
            new_ends += ends[pos:a]
            if new:
                pieces.append(new)
                new_starts += [starts[a]] * len(new)
                new_ends += [ends[b - 1]] * len(new)
            pos = b
        pieces.append(text[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        self.text = "".join(pieces)
        self.starts, self.ends = new_starts, new_ends

    def substitute(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> None:
        """Replace every non-empty match of ``pattern`` by ``replace(match)``, keeping the map."""
        if pattern.search(self.text) is None:
            return
        self.edit((m.start(), m.end(), replace(m)) for m in pattern.finditer(self.text))


def _char_class(chars: Iterable[int]) -> str:
    """A regex character class (``[...]``) for the given code points, as ranges."""
    points = sorted(set(chars))
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "[" + "".join(parts) + "]" if parts else "[^\\s\\S]"


def _scan(predicate: Callable[[str], bool]) -> list[int]:
    return [cp for plane in _PLANES for cp in plane if predicate(chr(cp))]


# Default-ignorable characters outside category Cf: combining grapheme joiner, Hangul and
# halfwidth fillers, Khmer inherent vowels, Mongolian free variation selectors, variation
# selectors. They render as nothing and are used to split words invisibly.
_IGNORABLE_NOT_CF = (
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]
    + list(range(0x180B, 0x1810))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
)


@functools.cache
def _invisible_pattern() -> re.Pattern[str]:
    invisible = _scan(lambda c: unicodedata.category(c) == "Cf") + _IGNORABLE_NOT_CF
    return re.compile(_char_class(invisible) + "+")


def _remove_invisibles(work: _Work) -> None:
    """Step 1: delete invisible format characters (Cf and other default-ignorables)."""
    work.substitute(_invisible_pattern(), lambda m: "")


@functools.cache
def _cluster_pattern() -> re.Pattern[str]:
    marks = _char_class(_scan(lambda c: unicodedata.combining(c) != 0))
    # Clusters NFKC may change: any non-ASCII character, or any character before a mark,
    # with the combining marks that follow it.
    return re.compile(rf"(?:[^\x00-\x7f]|.(?={marks})){marks}*", re.S)


def _compose_nfkc(work: _Work) -> None:
    """Step 2: NFKC, applied to each character with its combining marks.

    The same as NFKC of the whole text except across clusters (conjoining Hangul jamo),
    which matters to no word list; per cluster, the map to the original stays exact."""
    if unicodedata.is_normalized("NFKC", work.text):
        return
    work.substitute(_cluster_pattern(), lambda m: unicodedata.normalize("NFKC", m.group()))


# Homoglyphs the Unicode data lists only towards a non-ASCII letter; the target here.
_EXTRA_CONFUSABLES = {"β": "ß", "ϐ": "ß", "κ": "k", "τ": "t", "ι": "i", "ѵ": "v"}


@functools.cache
def _confusables() -> tuple[re.Pattern[str], dict[int, str]]:
    """Pattern of, and translation table for, characters that look like a Latin letter."""
    from confusable_homoglyphs.confusables import confusables_data

    def latin_target(char: str) -> str | None:
        for glyph in sorted(g["c"] for g in confusables_data.get(char, ())):
            if len(glyph) == 1 and (glyph.isascii() and glyph.isalpha() or glyph == "ß"):
                return glyph
        return None

    table: dict[int, str] = {}
    for char in confusables_data:
        # The data lists no accented Latin letter (ä, é) as a homoglyph: those stay.
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        target = latin_target(char)
        if target == "l" and char.isupper():
            target = "I"  # the data's prototype for every I-like glyph is "l"
        if target is not None:
            table[ord(char)] = target
    for char, target in _EXTRA_CONFUSABLES.items():
        table[ord(char)] = target
    return re.compile(_char_class(table)), table


def _replace_confusables(work: _Work) -> None:
    """Step 3: letters of other scripts that look like a Latin letter become that letter.

    One character for one, so the map does not change. Genuine Cyrillic or Greek text is
    folded too; that is harmless, as the folded form is only used for matching."""
    if work.text.isascii():
        return
    pattern, table = _confusables()
    if pattern.search(work.text) is not None:
        work.text = work.text.translate(table)


@functools.cache
def _multi_casefold_pattern() -> re.Pattern[str]:
    return re.compile(_char_class(_scan(lambda c: len(c.casefold()) != 1)))


def _fold_case(work: _Work) -> None:
    """Step 4: Unicode case folding (``casefold``); ß, ẞ -> ``ss``.

    Characters that fold to several (ß, ŉ, İ) are expanded first, so that the rest is one
    character for one and the map stays exact."""
    if work.text.isascii():
        work.text = work.text.lower()
        return
    work.substitute(_multi_casefold_pattern(), lambda m: m.group().casefold())
    work.text = work.text.casefold()


_UMLAUT_BASES = frozenset("aou")
_DIAERESIS = "\u0308"


@functools.cache
def _diacritics() -> tuple[re.Pattern[str], dict[str, str]]:
    """Pattern and replacements for Latin letters with diacritics and for stray marks."""
    replacements: dict[str, str] = {}
    latin = list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00))
    for cp in latin:
        char = chr(cp)
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[:1], decomposed[1:]
        if not marks or not (base.isascii() and base.isalpha()):
            continue
        umlaut = _DIAERESIS in marks and base.lower() in _UMLAUT_BASES
        replacements[char] = base + ("e" if umlaut else "")
    stray_marks = _scan(lambda c: unicodedata.category(c) in ("Mn", "Me"))
    pattern = re.compile(f"{_char_class(map(ord, replacements))}|{_char_class(stray_marks)}+")
    return pattern, replacements


def _fold_diacritics(work: _Work) -> None:
    """Step 5: ä ö ü -> ae oe ue; é -> e and the like; leftover combining marks removed."""
    if work.text.isascii():
        return
    pattern, replacements = _diacritics()
    work.substitute(pattern, lambda m: replacements.get(m.group(), ""))


_LEET = str.maketrans("013457890@$€!", "oieastbgoasei")
# Runs of leet characters inside a word (letters on both sides); at a word's start (one or
# two, before letters) and at its end (one or two, after letters). "!" counts only inside a
# word ("Idiot!" is punctuation), "@" only at the start or inside.
_LEET_PATTERN = re.compile(
    rf"(?<={LETTER})[013457890@$€!]+(?={LETTER})"
    rf"|(?<![\w@$€!])[013457890@$€]{{1,2}}(?={LETTER})"
    rf"|(?<={LETTER})[013457890$€]{{1,2}}(?![\w@$€!])"
)


def _undo_leetspeak(work: _Work) -> None:
    """Step 6: digits and symbols written for letters inside words become the letters.

    One character for one. A token of digits alone stays a number, as does a run of three
    or more digits at a word's edge ("100er")."""
    if _LEET_PATTERN.search(work.text) is not None:
        work.text = _LEET_PATTERN.sub(lambda m: m.group().translate(_LEET), work.text)


_SEPARATOR = r"[\s.\-_*+~·•/\\|']"
# A single letter, a separator, a single letter, then the same separator and a single letter
# again at least once ("a r s c h", "A.r.s.c.h", "a - r - s").
_SPACED_RUN = re.compile(
    rf"(?<![^\W_]){LETTER}({_SEPARATOR}{{1,3}}){LETTER}(?![^\W_])(?:\1{LETTER}(?![^\W_]))+"
)
_SEPARATORS = re.compile(rf"{_SEPARATOR}+")


def _join_spaced_letters(work: _Work) -> None:
    """Step 7: join runs of three or more single letters separated by the same one to three
    spaces, dots, dashes, underscores, asterisks, slashes or the like (``a r s c h``).

    Only the separators are removed; every letter keeps its own span."""
    text = work.text
    if _SPACED_RUN.search(text) is None:
        return
    work.edit(
        (sep.start(), sep.end(), "")
        for run in _SPACED_RUN.finditer(text)
        for sep in _SEPARATORS.finditer(text, run.start(), run.end())
    )


_REPEAT = re.compile(rf"({LETTER})\1\1+")


def _collapse_repeats(work: _Work) -> None:
    """Step 8: three or more of the same letter in a row become two (``ooooo`` -> ``oo``)."""
    work.substitute(_REPEAT, lambda m: m.group(1) * 2)


_STEPS = (
    _remove_invisibles,
    _compose_nfkc,
    _replace_confusables,
    _fold_case,
    _fold_diacritics,
    _undo_leetspeak,
    _join_spaced_letters,
    _collapse_repeats,
)


def normalise(text: str) -> NormalisedText:
    """Fold ``text`` for matching (the eight steps of the module docstring).

    Takes any ``str`` and never raises for its content; returns a ``NormalisedText`` whose
    ``folded`` string is the matching form and which maps each folded character back to a
    span of ``text``. Raises ``TypeError`` if ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalise() takes a str, not {type(text).__name__}")
    work = _Work(text)
    for step in _STEPS:
        step(work)
    return NormalisedText(text, work.text, work.starts, work.ends)
