"""Text normalisation for screening: folds obfuscated spellings and maps them back to the original.

``normalise(text)`` returns a ``NormalisedText`` whose ``folded`` form is what word lists are
matched against, and which maps every folded character back to the span of the original text
it came from, so that a hit can be shown and highlighted where the writer put it.

The steps, in order (each one is a function below and documented there):

1. ``_remove_invisibles``: zero-width characters, bidi controls and every other invisible
   format character (Unicode category Cf, plus the few default-ignorable characters that are
   not Cf, such as variation selectors and Hangul fillers) are removed: ``I\u200bdiot`` ->
   ``Idiot``.
2. ``_compose_nfkc``: Unicode NFKC: fullwidth (``ｉｄｉｏｔ``),
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

Steps 1 to 5 only concern non-ASCII characters: they run on each character cluster (a
character with the combining marks after it, so the map stays exact) and are cached per
cluster; the rest of the text is only lower-cased. The confusables table is built on first
use, not at import. Steps 6 to 8 find their few candidates with one regex each.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import NamedTuple

# A letter in Python's Unicode regex sense: a word character that is neither digit nor "_".
LETTER = r"[^\W\d_]"


# One step's edits of lengths: (start, end, new length) in the text as the step found it;
# the history keeps a function giving them, so that they can be worked out on demand.
_Edits = list[tuple[int, int, int]]


class NormalisedText:
    """A text folded for matching, with the way back to the original.

    ``original``: the text as given. ``folded``: the normalised form (see the module
    docstring). Each folded character came from a span of ``original``; ``char_span`` and
    ``original_span`` give it. The map is built on first use from the edits the steps made,
    as most screened texts never need it.
    """

    __slots__ = ("_ends", "_history", "_starts", "folded", "original")

    def __init__(
        self, original: str, folded: str, history: tuple[Callable[[], _Edits], ...] = ()
    ) -> None:
        self.original = original
        self.folded = folded
        self._history = history
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    def __repr__(self) -> str:
        return f"NormalisedText({self.original!r} -> {self.folded!r})"

    def _map(self) -> tuple[list[int], list[int]]:
        if self._starts is None or self._ends is None:
            starts, ends = list(range(len(self.original))), list(range(1, len(self.original) + 1))
            for edits in self._history:
                starts, ends = _replay(edits(), starts, ends)
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    def char_span(self, index: int) -> tuple[int, int]:
        """Span ``(start, end)`` of ``original`` (half-open, in characters) that folded
        character ``index`` came from. Raises ``IndexError`` for an index outside ``folded``."""
        if not 0 <= index < len(self.folded):
            raise IndexError(f"folded index {index} outside 0..{len(self.folded) - 1}")
        if not self._history:
            return index, index + 1
        starts, ends = self._map()
        return starts[index], ends[index]

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
        if not self._history:
            return [(i, i + 1) for i in range(len(self.folded))]
        return list(zip(*self._map(), strict=True))


def _replay(edits: _Edits, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """The map after one step's edits: kept characters keep their spans; the new
    characters of an edit map to the whole span of the characters they replace."""
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for a, b, length in edits:
        new_starts += starts[pos:a]
        new_ends += ends[pos:a]
        new_starts += [starts[a]] * length
        new_ends += [ends[b - 1]] * length
        pos = b
    new_starts += starts[pos:]
    new_ends += ends[pos:]
    return new_starts, new_ends


class _Work:
    """The text between steps and the edits of lengths made so far."""

    __slots__ = ("history", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.history: list[Callable[[], _Edits]] = []

    def edit(self, edits: list[tuple[int, int, str]]) -> None:
        """Replace ``text[a:b]`` by ``new`` for each ``(a, b, new)`` (sorted, disjoint, a < b)."""
        if not edits:
            return
        text = self.text
        pieces: list[str] = []
        pos = 0
        for a, b, new in edits:
            pieces += (text[pos:a], new)
            pos = b
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        if any(b - a != len(new) for a, b, new in edits):
            lengths = [(a, b, len(new)) for a, b, new in edits]
            self.history.append(lambda: lengths)


def _is_letter(char: str) -> bool:
    return char.isalpha()


# Steps 1 to 5 concern only non-ASCII characters (and ASCII letters before a combining
# mark); they run on each cluster (a character and the combining marks after it) and are
# cached per cluster, as ordinary text repeats the same few (ä, ö, ü, ß, quotes, dashes).

# Default-ignorable characters outside category Cf: combining grapheme joiner, Hangul and
# halfwidth fillers, Khmer inherent vowels, Mongolian free variation selectors, variation
# selectors. They render as nothing and are used to split words invisibly.
_IGNORABLE_NOT_CF = frozenset(
    chr(cp)
    for cp in (
        [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]
        + list(range(0x180B, 0x1810))
        + list(range(0xFE00, 0xFE10))
        + list(range(0xE0100, 0xE01F0))
    )
)


def _remove_invisibles(text: str) -> str:
    """Step 1: delete invisible format characters (Cf and other default-ignorables)."""
    return "".join(
        c for c in text if unicodedata.category(c) != "Cf" and c not in _IGNORABLE_NOT_CF
    )


def _compose_nfkc(text: str) -> str:
    """Step 2: Unicode NFKC (compatibility forms to plain ones, combining marks composed)."""
    return unicodedata.normalize("NFKC", text)


# Homoglyphs the Unicode data lists only towards a non-ASCII letter; the target here.
_EXTRA_CONFUSABLES = {"β": "ß", "ϐ": "ß", "κ": "k", "τ": "t", "ι": "i", "ѵ": "v"}


@functools.cache
def _confusables() -> dict[int, str]:
    """Translation table: characters that look like a Latin letter -> that letter."""
    from confusable_homoglyphs.confusables import confusables_data

    def latin_target(char: str) -> str | None:
        for glyph in sorted(g["c"] for g in confusables_data.get(char, ())):
            if len(glyph) == 1 and (glyph.isascii() and glyph.isalpha() or glyph == "ß"):
                return str(glyph)
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
    return table


def _replace_confusables(text: str) -> str:
    """Step 3: letters of other scripts that look like a Latin letter become that letter.

    Runs before case folding, as some capitals look Latin where their small letters do
    not (Cyrillic В, Н, М, Т). Genuine Cyrillic or Greek text is folded too; that is
    harmless, as the folded form is only used for matching."""
    return text.translate(_confusables())


def _fold_case(text: str) -> str:
    """Step 4: Unicode case folding (``casefold``); ß and ẞ become ``ss``."""
    return text.casefold()


_UMLAUT_BASES = frozenset("aou")
_DIAERESIS = "\u0308"


def _fold_diacritics(text: str) -> str:
    """Step 5: ä ö ü -> ae oe ue; other Latin letters lose their accents (é -> e); every
    combining mark left over (one that composes with nothing: "Zalgo" text) is removed."""
    folded = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if unicodedata.category(base) in ("Mn", "Me"):
            continue
        if marks and base.isascii() and base.isalpha():
            folded.append(base + ("e" if _DIAERESIS in marks and base in _UMLAUT_BASES else ""))
        else:
            folded.append(char)
    return "".join(folded)


@functools.lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    """Steps 1 to 5 on one cluster; the result is case-folded."""
    return _fold_diacritics(
        _fold_case(_replace_confusables(_compose_nfkc(_remove_invisibles(cluster))))
    )


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _clusters(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the clusters in ``text[start:end]``: each character that is not a combining
    mark starts one."""
    cluster_start = start
    for i in range(start + 1, end):
        if not unicodedata.combining(text[i]):
            yield cluster_start, i
            cluster_start = i
    yield cluster_start, end


def _character_edits(text: str) -> list[tuple[int, int, str]]:
    """Steps 1 to 5 as edits of ``text``, one per cluster that changes."""
    edits = []
    for run in _NON_ASCII.finditer(text):
        start, end = run.span()
        if start > 0 and unicodedata.combining(text[start]):
            start -= 1  # the ASCII letter the mark belongs to ("a" + U+0308)
        for a, b in _clusters(text, start, end):
            folded = _fold_cluster(text[a:b])
            if folded != text[a:b]:
                edits.append((a, b, folded))
    return edits


class _FoldedRun(NamedTuple):
    folded: str
    starts_with_mark: bool  # belongs to the letter before it: the run cannot stand alone
    keeps_map: bool  # every cluster is one character that folds to one character


# Steps 1 to 5 per run of non-ASCII characters seen ("ä", "ß", "„", "ІДИОТ"); bounded.
_RUN_CACHE: dict[str, _FoldedRun] = {}
_RUN_CACHE_SIZE = 65536


def _fold_run(run: str) -> _FoldedRun:
    cached = _RUN_CACHE.get(run)
    if cached is None:
        pieces = [_fold_cluster(run[a:b]) for a, b in _clusters(run, 0, len(run))]
        cached = _FoldedRun(
            "".join(pieces),
            unicodedata.combining(run[0]) != 0,
            len(pieces) == len(run) and all(len(piece) == 1 for piece in pieces),
        )
        if len(_RUN_CACHE) < _RUN_CACHE_SIZE:
            _RUN_CACHE[run] = cached
    return cached


def _fold_characters(work: _Work) -> None:
    """Steps 1 to 5 on every non-ASCII cluster, then ASCII case folding (``lower``).

    Ordinary runs come from the cache as text; the exact edits, needed only for the map
    back to the original, are worked out on demand (``_character_edits``)."""
    text = work.text
    if not text.isascii():
        pieces: list[str] = []
        pos = 0
        keeps_map = True
        for run in _NON_ASCII.finditer(text):
            folded = _fold_run(run.group())
            if folded.starts_with_mark:  # rare (decomposed input): take the exact path
                work.edit(_character_edits(text))
                break
            pieces += (text[pos : run.start()], folded.folded)
            pos = run.end()
            keeps_map = keeps_map and folded.keeps_map
        else:
            pieces.append(text[pos:])
            work.text = "".join(pieces)
            if not keeps_map:
                work.history.append(functools.partial(_length_edits, text))
    # Folded clusters are already folded; lower() changes no length outside them.
    work.text = work.text.lower()


def _length_edits(text: str) -> _Edits:
    return [(a, b, len(new)) for a, b, new in _character_edits(text)]


_LEET_CHARS = "013457890@$€!"
_LEET = str.maketrans(_LEET_CHARS, "oieastbgoasei")
_LEET_RUN = re.compile(r"[013457890@$€!]+")
_WORD_OR_LEET = re.compile(r"[\w@$€!]")


def _undo_leetspeak(work: _Work) -> None:
    """Step 6: digits and symbols written for letters inside words become the letters.

    A run of 0 1 3 4 5 7 8 9 @ $ € ! is read as letters when it has a letter on both
    sides; or when it is one or two characters at the start of a word, before a letter
    ("1diot", "@rsch"), or at the end, after one ("a$$"): there "!" is punctuation and "@"
    a mention, so they stay. A token without letters is a number (``2026``, ``10 Euro``),
    and so is a run of three or more digits at a word's edge (``100er``)."""
    text = work.text
    if not any(char in text for char in _LEET_CHARS):
        return
    edits = []
    for run in _LEET_RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        letter_before, letter_after = _is_letter(before), _is_letter(after)
        if letter_before and letter_after:
            leet = True
        elif end - start > 2 or "!" in run.group():
            leet = False
        elif letter_after:
            leet = not _WORD_OR_LEET.match(before)
        elif letter_before:
            leet = "@" not in run.group() and not _WORD_OR_LEET.match(after)
        else:
            leet = False
        if leet:
            edits.append((start, end, run.group().translate(_LEET)))
    work.edit(edits)


_SEPARATOR = r"[\s.\-_*+~·•/\\|']"
# Two single letters in a row, the first after a separator: any run of three has this.
_SPACED_HINT = re.compile(rf"{_SEPARATOR}{LETTER}{_SEPARATOR}{{1,3}}{LETTER}(?![^\W_])")
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
    if _SPACED_HINT.search(text) is None:
        return
    work.edit(
        [
            (sep.start(), sep.end(), "")
            for run in _SPACED_RUN.finditer(text)
            for sep in _SEPARATORS.finditer(text, run.start(), run.end())
        ]
    )


_REPEAT = re.compile(r"(.)\1\1+", re.S)


def _collapse_repeats(work: _Work) -> None:
    """Step 8: three or more of the same letter in a row become two (``ooooo`` -> ``oo``)."""
    work.edit(
        [
            (m.start(), m.end(), m.group(1) * 2)
            for m in _REPEAT.finditer(work.text)
            if _is_letter(m.group(1))
        ]
    )


_STEPS = (_fold_characters, _undo_leetspeak, _join_spaced_letters, _collapse_repeats)


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
    return NormalisedText(text, work.text, tuple(work.history))
