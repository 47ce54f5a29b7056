"""Word lists that a community team edits as text, and their compiled matcher.

A list is plain text, one entry per line. Blank lines are skipped; ``#`` starts a comment
(a whole line or the rest of one). Entries are single words of letters, written as people
write them (umlauts, ß, any case); they are folded like the comments they are matched
against (``textnorm.normalise``), so ``Scheiße`` also finds ``SCHEISSE``, ``Sch3iße`` and
``S c h e i s s e``. The forms:

``word``
    The whole word and its inflections: the word followed by one of the German endings
    -e -en -er -es -em -n -s -in -innen or the English ones -s -es -ed -ing -er -ers.
    ``idiot`` finds Idiot, Idioten, Idiotin, idiots; ``anal`` finds anal, anale but not
    Analyse or Kanal.
``=word``
    The whole word exactly, no endings: ``=sau`` finds Sau but not Sauer.
``stem*``
    Any word starting with the stem: ``arsch*`` finds Arschloch, Arschgeige.
``*stem``
    Any word ending with the stem and an optional ending of the list above: the last part
    of a compound. ``*idiot`` finds Vollidiot, Vollidioten (and Idiot itself).
``*stem*``
    Any word containing the stem: ``*arsch*`` finds Vollarsch, Arschloch, Vollarschgeige.
``!entry``
    An exception, in any of the forms above: a word it matches never hits, whichever entry
    would have found it. ``!passau`` with ``*sau``; ``!analy*`` with ``*anal*``.

Umlaut plurals are different words for the matcher (``arsch`` does not find Ärsche): list
them. Verb forms are best caught with ``stem*`` (``fick*``). Multi-word phrases are not
supported; a word list finds words, and ``sau`` finds the second word of "Drecks sau".

Letters repeated for emphasis are allowed: every single letter of an entry may appear once
or twice (``idiot`` finds "idioooot", ``arschloch`` finds "Arrrrschloch"), while a double
letter of an entry must be double (``ass`` does not find "as").

Errors (``TermListError``, carrying the 1-based line number): an entry that is empty or
only wildcards (``*``), a ``*`` anywhere but at the start or end, an entry with anything but
letters after folding (digits, spaces, punctuation), a wildcard stem shorter than three
letters (``*ab*`` would hit nearly every comment), ``=`` combined with ``*``, a line longer
than ``MAX_LINE_LENGTH``, and a list without entries where one is required (line 0).
Parsing is all or nothing: a list with an error compiles to nothing, so the caller keeps
the list it had.

Matching: all stems go into one Aho-Corasick automaton (``pyahocorasick``) that finds every
candidate in one pass over the folded comment, so thousands of entries cost little more
than a few; each candidate is confirmed by its entry's small regex, and the words that hit
by one regex for all exceptions.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from .textnorm import LETTER, NormalisedText, normalise

MAX_LINE_LENGTH = 200
MIN_WILDCARD_STEM = 3

# German -e -en -er -es -em -n -s -in -innen; English -s -es -ed -ing -er -ers.
ENDINGS = ("innen", "ing", "ers", "en", "er", "es", "em", "ed", "in", "e", "n", "s")
_ENDINGS = "(?:" + "|".join(ENDINGS) + ")?"
_NOT_LETTER_AFTER = f"(?!{LETTER})"
_NOT_LETTER_BEFORE = f"(?<!{LETTER})"
_LETTERS = f"{LETTER}*"
_ONLY_LETTERS = re.compile(f"{LETTER}+")
_RUN = re.compile(r"(.)\1*", re.S)


class TermListError(ValueError):
    """A word list that cannot be used. ``line`` is the 1-based line of the faulty entry,
    or 0 for a fault of the whole list; ``message`` says what is wrong."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


class Kind(enum.Enum):
    """How an entry's stem must sit in a word (see the module docstring)."""

    WORD = "word"  # word
    EXACT = "exact"  # =word
    PREFIX = "prefix"  # stem*
    SUFFIX = "suffix"  # *stem
    INFIX = "infix"  # *stem*


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a word list: ``text`` as written (without comment), its 1-based
    ``line``, its ``kind``, the folded ``stem`` and whether it is an ``exception``."""

    text: str
    line: int
    kind: Kind
    stem: str
    exception: bool = False


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A hit: the ``entry`` that found it and the half-open span ``start``..``end`` (in
    characters) of the whole word in the original text, which is ``text``."""

    entry: Entry
    start: int
    end: int
    text: str

    @property
    def line(self) -> int:
        """The line of the word list that holds the entry."""
        return self.entry.line


def _parse_line(raw: str, number: int) -> Entry | None:
    if len(raw) > MAX_LINE_LENGTH:
        raise TermListError(
            number, f"line is {len(raw)} characters long, at most {MAX_LINE_LENGTH}"
        )
    written = raw.split("#", 1)[0].strip()
    if not written:
        return None
    body = written
    exception = body.startswith("!")
    if exception:
        body = body[1:].lstrip()
    exact = body.startswith("=")
    if exact:
        body = body[1:].lstrip()
    leading, trailing = body.startswith("*"), body.endswith("*") and len(body) > 1
    stem_written = body[1 if leading else 0 : len(body) - 1 if trailing else len(body)]
    if not stem_written.strip("*"):
        raise TermListError(number, f"entry {written!r} has no letters")
    if "*" in stem_written:
        raise TermListError(
            number, f"entry {written!r}: '*' may only stand at the start or the end of an entry"
        )
    if exact and (leading or trailing):
        raise TermListError(number, f"entry {written!r}: '=' (exact word) cannot take '*'")
    stem = normalise(stem_written).folded
    if not _ONLY_LETTERS.fullmatch(stem):
        raise TermListError(
            number,
            f"entry {written!r} must be one word of letters (folded: {stem!r}); "
            "digits, spaces and punctuation are not allowed",
        )
    if (leading or trailing) and len(stem) < MIN_WILDCARD_STEM:
        raise TermListError(
            number,
            f"entry {written!r}: a stem with '*' needs at least {MIN_WILDCARD_STEM} letters",
        )
    if leading:
        kind = Kind.INFIX if trailing else Kind.SUFFIX
    elif trailing:
        kind = Kind.PREFIX
    else:
        kind = Kind.EXACT if exact else Kind.WORD
    return Entry(written, number, kind, stem, exception)


def parse_entries(source: str) -> list[Entry]:
    """Every entry of the list text ``source``, in order (exceptions included).

    Raises ``TermListError`` for the first faulty line."""
    entries = []
    for number, raw in enumerate(source.splitlines(), start=1):
        entry = _parse_line(raw, number)
        if entry is not None:
            entries.append(entry)
    return entries


@dataclass
class _Node:
    children: dict[tuple[str, bool], _Node] = field(default_factory=dict)
    leaves: list[tuple[Entry, str]] = field(default_factory=list)


def _runs(stem: str) -> Iterator[tuple[str, bool]]:
    """The letters of a folded stem as (letter, doubled) runs."""
    for run in _RUN.finditer(stem):
        yield run.group(1), len(run.group()) > 1


def _run_pattern(letter: str, doubled: bool) -> str:
    # A single letter may be doubled in the text; a double one must be double.
    char = re.escape(letter)
    return char * 2 if doubled else f"{char}{char}?"


def _stem_pattern(stem: str) -> str:
    return "".join(_run_pattern(letter, doubled) for letter, doubled in _runs(stem))


def _trie_pattern(items: Iterable[tuple[Entry, str]]) -> str:
    """One regex alternation for ``(entry, tail)`` items, the stems sharing prefixes."""
    root = _Node()
    for entry, tail in items:
        node = root
        for run in _runs(entry.stem):
            node = node.children.setdefault(run, _Node())
        node.leaves.append((entry, tail))

    def emit(node: _Node) -> str:
        branches = [_run_pattern(*run) + emit(child) for run, child in node.children.items()]
        branches += [tail for _, tail in node.leaves]
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(sorted(set(branches), key=branches.index)) + ")"

    return emit(root)


class _Place(NamedTuple):
    """Where an entry's stem sits: at a word's start or anywhere, and the regex after it
    when searching a text and when matching one whole word (exceptions)."""

    at_word_start: bool
    in_text: str
    in_word: str


_PLACES = {
    Kind.WORD: _Place(True, _ENDINGS + _NOT_LETTER_AFTER, _ENDINGS),
    Kind.EXACT: _Place(True, _NOT_LETTER_AFTER, ""),
    Kind.PREFIX: _Place(True, "", _LETTERS),
    Kind.SUFFIX: _Place(False, _ENDINGS + _NOT_LETTER_AFTER, _ENDINGS),
    Kind.INFIX: _Place(False, "", _LETTERS),
}


def _whole_word_pattern(entries: list[Entry]) -> re.Pattern[str] | None:
    """One regex that ``fullmatch``-es a single word matched by any of ``entries``."""
    start = [(e, _PLACES[e.kind].in_word) for e in entries if _PLACES[e.kind].at_word_start]
    inside = [(e, _PLACES[e.kind].in_word) for e in entries if not _PLACES[e.kind].at_word_start]
    branches = []
    if start:
        branches.append(_trie_pattern(start))
    if inside:
        branches.append(_LETTERS + _trie_pattern(inside))
    return re.compile("|".join(branches)) if branches else None


_DOUBLES = re.compile(r"(.)\1+", re.S)


def _skeleton(text: str) -> str:
    """``text`` with every run of one character cut to one (``wasser`` -> ``waser``)."""
    # split() keeps the captured character between the pieces; faster than sub(r"\1").
    return "".join(_DOUBLES.split(text))


class _Check(NamedTuple):
    """How to confirm a candidate: the entry, whether its stem must start a word, and the
    regex for stem and tail, matched at the candidate's place in the folded text."""

    entry: Entry
    at_word_start: bool
    pattern: re.Pattern[str]


class _SkeletonMap:
    """Maps positions in ``_skeleton(folded)`` back to positions in ``folded``."""

    def __init__(self, folded: str) -> None:
        self._positions: list[int] = []  # skeleton position of each shortened run
        self._removed: list[int] = []  # characters removed up to and with that run
        removed = 0
        for run in _DOUBLES.finditer(folded):
            self._positions.append(run.start() - removed)
            removed += run.end() - run.start() - 1
            self._removed.append(removed)

    def __call__(self, position: int) -> int:
        runs_before = bisect.bisect_left(self._positions, position)
        return position + (self._removed[runs_before - 1] if runs_before else 0)


class TermList:
    """A compiled word list. Build it with ``parse_term_list``; ``find`` screens a text.

    The folded stems go into one Aho-Corasick automaton, which finds every place where a
    stem may stand in one pass over the text, with doubled letters cut to one on both
    sides; a small regex per entry then confirms the candidate (double letters, word
    boundaries, endings), and one regex for all exceptions checks the words that hit."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        """``entries``: parsed entries (``parse_entries``); exceptions among them are kept
        apart. The first of two entries with the same kind and stem wins."""
        seen: set[tuple[Kind, str, bool]] = set()
        unique = []
        for entry in entries:
            identity = (entry.kind, entry.stem, entry.exception)
            if identity not in seen:
                seen.add(identity)
                unique.append(entry)
        self.entries: tuple[Entry, ...] = tuple(e for e in unique if not e.exception)
        self.exceptions: tuple[Entry, ...] = tuple(e for e in unique if e.exception)
        self._exception_pattern = _whole_word_pattern(list(self.exceptions))
        checks: dict[str, list[_Check]] = {}
        for entry in self.entries:
            place = _PLACES[entry.kind]
            pattern = re.compile(_stem_pattern(entry.stem) + place.in_text)
            checks.setdefault(_skeleton(entry.stem), []).append(
                _Check(entry, place.at_word_start, pattern)
            )
        self._automaton: ahocorasick.Automaton | None = None
        if checks:
            self._automaton = ahocorasick.Automaton()
            for key, key_checks in checks.items():
                self._automaton.add_word(key, (len(key), tuple(key_checks)))
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.entries)

    def _is_exception(self, word: str) -> bool:
        return self._exception_pattern is not None and bool(self._exception_pattern.fullmatch(word))

    def find(self, text: str | NormalisedText) -> list[TermMatch]:
        """Every word of ``text`` that an entry finds, in text order, one hit per word (by
        the entry on the earliest line).

        ``text``: the original string, or its ``normalise`` result when several lists
        screen the same text. Each ``TermMatch`` carries the entry (and so its line) and
        the word's span in the original text. Never raises for the text's content."""
        normalised = text if isinstance(text, NormalisedText) else normalise(text)
        if self._automaton is None:
            return []
        folded = normalised.folded
        candidates = list(self._automaton.iter(_skeleton(folded)))
        if not candidates:
            return []
        to_folded = _SkeletonMap(folded)
        words = _Words(folded)
        by_word: dict[tuple[int, int], Entry] = {}
        for end, (length, checks) in candidates:
            start = to_folded(end - length + 1)
            for check in checks:
                if check.at_word_start and start > 0 and _LETTER_AT.match(folded, start - 1):
                    continue
                if check.pattern.match(folded, start) is None:
                    continue
                word = words.around(start)
                known = by_word.get(word)
                if known is None or check.entry.line < known.line:
                    by_word[word] = check.entry
        matches = []
        for (word_start, word_end), entry in sorted(by_word.items()):
            if self._is_exception(folded[word_start:word_end]):
                continue
            start, end = normalised.original_span(word_start, word_end)
            matches.append(TermMatch(entry, start, end, normalised.original[start:end]))
        return matches


_LETTER_AT = re.compile(LETTER)
_LETTERS_FROM = re.compile(_LETTERS)


class _Words:
    """The span of the word (run of letters) around a position of a folded text."""

    def __init__(self, folded: str) -> None:
        self._folded = folded
        self._reversed = folded[::-1]

    def around(self, position: int) -> tuple[int, int]:
        size = len(self._folded)
        end = _LETTERS_FROM.match(self._folded, position)
        start = _LETTERS_FROM.match(self._reversed, size - position)
        assert end is not None and start is not None  # "*" always matches
        return size - start.end(), end.end()


def parse_term_list(source: str, *, require_entries: bool = True) -> TermList:
    """Parse and compile the word-list text ``source`` (syntax: module docstring).

    ``require_entries``: raise when the list has no entry (exceptions do not count).
    Raises ``TermListError`` (with the line number) for the first faulty line; nothing is
    compiled then, so the caller can keep its previous list."""
    entries = parse_entries(source)
    if require_entries and not any(not e.exception for e in entries):
        raise TermListError(0, "the word list has no entries")
    return TermList(entries)
