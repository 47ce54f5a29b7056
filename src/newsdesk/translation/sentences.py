"""Plain-text helpers: segment normalisation and a sentence splitter that knows German."""

from __future__ import annotations

import re
import unicodedata

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
