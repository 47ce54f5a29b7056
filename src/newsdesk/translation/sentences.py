"""Plain-text helpers: segment normalisation and a sentence splitter that knows German."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_SPACE = re.compile(r"\s+")

# Placeholders as the pipeline writes them: <x1>, </x1>, <x1/>.
PLACEHOLDER = re.compile(r"</?x\d+/?>")

# Words that end with a full stop without ending the sentence (lower-cased, without the stop).
ABBREVIATIONS = frozenset(
    """
    abb abs abt adr allg anm art aufl bd bes betr bspw bzgl bzw ca chr co corp dgl dipl dr
    ebd etc ev evtl exkl fa fam ff frl gegr geb gem ges gest ggf hg hl hr hrsg ing inkl jh
    jr kap kfz kl lt mag max min mio mind mrd mr mrs ms mt nachf nr nrn pkt prof rd rel resp
    sen sog sr st std str tel tsd usw vgl vs wg wiss zt zb zzgl ziff jan feb mär apr jun jul
    aug sep sept okt nov dez mo di mi do fr sa so inc ltd no vol approx dept est fig gen gov
    lt col capt sgt univ ao univ-prof bzgl o.ä u.a z.b d.h u.ä v.a s.o s.u i.e e.g a.m p.m
    """.split()
)

MONTHS = frozenset(
    "januar jänner februar feber märz april mai juni juli august september oktober november "
    "dezember".split()
)

# A sentence may end in . ! ? … followed by closing quotes, brackets or closing placeholders.
_BOUNDARY = re.compile(r"[.!?…]+(?:[\"'»«“”‘’)\]]|</x\d+>|<x\d+/>)*(?=\s)")
_WORD_BEFORE = re.compile(r"([\w.\-]+)[.]*$")
_NEXT_START = re.compile(r"\s+((?:<x\d+/?>|[\"'„“‚‘»«(\[¿¡–-])*\s*)(.)", re.S)


def normalise_segment(text: str) -> str:
    """The form a segment is stored under in the memory: NFC, single spaces, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if not match:
        return False
    word = PLACEHOLDER.sub("", match.group(1)).lower().strip(".")
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # Initials ("J. Smith", "z. B.") and ordinal numbers ("19. Juni", "3. Liga"); a year
    # ("im Jahr 2024.") does end a sentence.
    if len(word) == 1 and word.isalpha():
        return True
    if word.isdigit() and len(word) <= 3:
        return True
    # Dotted abbreviations written without spaces: "z.B.", "u.a.", "U.S."
    return "." in word and all(len(part) <= 2 for part in word.split("."))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; "".join(result) == text, whitespace stays with the sentence.

    German abbreviations ("z. B.", "Dr.", "usw."), initials, ordinal numbers and dates
    ("19. Juni") do not end a sentence, nor does a full stop followed by a lower-case word.
    """
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        following = _NEXT_START.match(text, end)
        if not following:
            continue
        next_char = following.group(2)
        if not (next_char.isupper() or next_char.isdigit() or next_char == "<"):
            continue
        punctuation = match.group(0)
        if punctuation.startswith(".") and not punctuation.startswith(".."):
            if _is_abbreviation(text[start : match.start()]):
                continue
        # The whitespace after the boundary belongs to the sentence before it.
        cut = end + len(text[end:]) - len(text[end:].lstrip())
        pieces.append(text[start:cut])
        start = cut
    if start < len(text):
        pieces.append(text[start:])
    return pieces


# Where a long sentence may be cut: after a comma, semicolon or colon, before a dash.
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)|(?<=\s[–—])\s+")
# Placeholders stay whole when a word has to be cut.
_ATOMS = re.compile(r"</?x\d+/?>|.", re.S)


def cut_long_segment(text: str, limit: int, measure: Callable[[list[str]], list[int]]) -> list[str]:
    """Cut a segment that ``measure`` finds longer than ``limit`` into consecutive pieces that
    fit: at clause boundaries where possible, else into windows of whole words, else (one
    word longer than the limit) of characters. Joined with spaces, the pieces give the text
    back with its whitespace normalised (and a space inside a word cut into characters);
    neighbours are joined again as long as they fit."""
    if measure([text])[0] <= limit:
        return [text]
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    if len(clauses) == 1:
        words = text.split()
        if len(words) > 1:
            middle = len(words) // 2
            clauses = [" ".join(words[:middle]), " ".join(words[middle:])]
        else:
            atoms = _ATOMS.findall(text)
            if len(atoms) < 2:
                return [text]  # nothing left to cut: the engine gets it as it is
            middle = len(atoms) // 2
            return [
                *cut_long_segment("".join(atoms[:middle]), limit, measure),
                *cut_long_segment("".join(atoms[middle:]), limit, measure),
            ]
    pieces = [piece for clause in clauses for piece in cut_long_segment(clause, limit, measure)]
    # Put neighbours back together as long as they fit.
    lengths = measure(pieces)
    merged: list[str] = []
    merged_length = 0
    for piece, length in zip(pieces, lengths, strict=True):
        if merged and merged_length + length <= limit:
            candidate = f"{merged[-1]} {piece}"
            candidate_length = measure([candidate])[0]
            if candidate_length <= limit:
                merged[-1], merged_length = candidate, candidate_length
                continue
        merged.append(piece)
        merged_length = length
    return merged
