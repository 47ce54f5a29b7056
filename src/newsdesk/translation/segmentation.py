"""Fields to segments and back: inline markup and protected terms become placeholders.

A field (HTML or plain text) is cut into blocks (``<p>``, ``<li>``, lines of plain text), each
block into sentences. Inline tags (``<a href>``, ``<strong>``, ``<em>``, ``<br>``...) become
numbered placeholders (``<x1>``…``</x1>``, ``<x2/>``) so that the engine sees whole
sentences and never an attribute; glossary terms and placeholder-like source text become
``<xN/>`` too. After translation :func:`restore` puts every tag back exactly once, even when
the engine dropped, repeated or garbled placeholders, and says what it had to repair.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from newsdesk.translation.sentences import split_sentences

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup "
    "time u var".split()
)
VOID_INLINE_TAGS = frozenset({"br", "wbr", "img"})
# Their content is neither text to translate nor markup to parse.
OPAQUE_TAGS = frozenset({"script", "style", "template", "textarea", "pre"})

# What engines send back, tolerantly: "< x1 >", "</ x1>", "<x1 />", "<X1>".
_OUTPUT_MARKER = re.compile(r"<\s*(/?)\s*[xX]\s*(\d+)\s*(/?)\s*>")
# Source text that looks like a placeholder (it must be protected, not taken for one).
_LOOKALIKE = _OUTPUT_MARKER


@dataclass(frozen=True)
class Tag:
    """What a placeholder stands for.

    kind "pair": an inline element, ``start`` and ``end`` are its tags as written in the source.
    kind "void": ``start`` is the output text for it (a ``<br>``, a glossary term's target in
    output form, a protected literal); ``plain`` is how it reads in plain text, ``source_plain``
    how it read in the source.
    """

    kind: Literal["pair", "void"]
    start: str
    end: str = ""
    plain: str = ""
    source_plain: str = ""
    glossary_term: str = ""


@dataclass
class Segment:
    """One unit sent to the engine: a sentence with its local placeholders <x1>, <x2/>..."""

    text: str
    tags: dict[int, Tag]
    trailing: str = ""

    @property
    def translatable(self) -> bool:
        return any(ch.isalpha() for ch in _OUTPUT_MARKER.sub("", self.text))

    def plain_source(self) -> str:
        return _plain(self.text, self.tags, use_source=True)


@dataclass
class FieldLayout:
    """A field cut into verbatim parts (str, already in output form) and segments, in order."""

    is_html: bool
    parts: list[str | Segment] = field(default_factory=list)

    @property
    def segments(self) -> list[Segment]:
        return [part for part in self.parts if isinstance(part, Segment)]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    target: str  # equal to term for "do not translate"
    case_sensitive: bool = True


@dataclass
class _Text:
    text: str


@dataclass
class _Ref:
    role: Literal["open", "close", "void"]
    tag_index: int


_Item = _Text | _Ref


class _Run:
    """Text and inline tags between two block boundaries."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.tags: list[Tag] = []
        self.open_stack: list[tuple[str, int, int]] = []  # (tag name, tag index, item index)

    def add_text(self, text: str) -> None:
        if self.items and isinstance(self.items[-1], _Text):
            self.items[-1].text += text
        else:
            self.items.append(_Text(text))

    def add_void(self, tag: Tag) -> None:
        self.tags.append(tag)
        self.items.append(_Ref("void", len(self.tags) - 1))

    def open(self, name: str, raw: str) -> None:
        self.tags.append(Tag("pair", raw))
        self.open_stack.append((name, len(self.tags) - 1, len(self.items)))
        self.items.append(_Ref("open", len(self.tags) - 1))

    def close(self, name: str) -> None:
        raw = f"</{name}>"
        for position in range(len(self.open_stack) - 1, -1, -1):
            if self.open_stack[position][0] == name:
                _name, index, _item = self.open_stack.pop(position)
                self.tags[index] = Tag("pair", self.tags[index].start, raw)
                self.items.append(_Ref("close", index))
                return
        self.add_void(Tag("void", raw))  # a stray end tag is kept as it was

    def finish(self) -> None:
        # Tags never closed inside the block stay where they are, as standalone markers.
        for _name, index, item_index in self.open_stack:
            self.tags[index] = Tag("void", self.tags[index].start)
            self.items[item_index] = _Ref("void", index)
        self.open_stack = []


class _HtmlSplitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str | _Run] = []
        self.run = _Run()
        self.opaque: str | None = None

    def flush(self) -> None:
        if self.run.items:
            self.run.finish()
            self.chunks.append(self.run)
        self.run = _Run()

    def raw(self, text: str) -> None:
        self.flush()
        self.chunks.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if self.opaque:
            self.chunks.append(raw)
        elif tag in VOID_INLINE_TAGS:
            self.run.add_void(Tag("void", raw, plain=" " if tag == "br" else ""))
        elif tag in INLINE_TAGS:
            self.run.open(tag, raw)
        else:
            self.raw(raw)
            if tag in OPAQUE_TAGS:
                self.opaque = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}/>"
        if self.opaque:
            self.chunks.append(raw)
        elif tag in INLINE_TAGS or tag in VOID_INLINE_TAGS:
            self.run.add_void(Tag("void", raw, plain=" " if tag == "br" else ""))
        else:
            self.raw(raw)

    def handle_endtag(self, tag: str) -> None:
        if self.opaque:
            if tag == self.opaque:
                self.opaque = None
            self.chunks.append(f"</{tag}>")
        elif tag in INLINE_TAGS:
            self.run.close(tag)
        elif tag in VOID_INLINE_TAGS:
            self.run.add_void(Tag("void", f"</{tag}>"))
        else:
            self.raw(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.opaque:
            self.chunks.append(data)  # raw text of script/style/pre, kept as it was
        else:
            self.run.add_text(data)

    def handle_comment(self, data: str) -> None:
        self.raw(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.raw(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.raw(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.raw(f"<![{data}]>")


def _glossary_pattern(glossary: Sequence[GlossaryEntry]) -> re.Pattern[str] | None:
    if not glossary:
        return None
    alternatives = []
    for entry in sorted(glossary, key=lambda e: len(e.term), reverse=True):
        escaped = re.escape(entry.term)
        alternatives.append(escaped if entry.case_sensitive else f"(?i:{escaped})")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _protect(run: _Run, glossary: Sequence[GlossaryEntry], is_html: bool) -> None:
    """Turn glossary terms and placeholder look-alikes inside the run's text into void tags."""
    pattern = _glossary_pattern(glossary)
    lookup = {e.term: e for e in glossary}
    lookup_folded = {e.term.casefold(): e for e in glossary if not e.case_sensitive}
    new_items: list[_Item] = []

    def out(text: str) -> str:
        return html.escape(text, quote=False) if is_html else text

    for item in run.items:
        if not isinstance(item, _Text):
            new_items.append(item)
            continue
        text = item.text
        spans: list[tuple[int, int, Tag]] = []
        for match in _LOOKALIKE.finditer(text):
            literal = match.group(0)
            spans.append(
                (
                    match.start(),
                    match.end(),
                    Tag("void", out(literal), plain=literal, source_plain=literal),
                )
            )
        if pattern is not None:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e, _t in spans):
                    continue
                found = match.group(0)
                entry = lookup.get(found) or lookup_folded[found.casefold()]
                target = entry.target if entry.target != entry.term else found
                spans.append(
                    (
                        match.start(),
                        match.end(),
                        Tag(
                            "void",
                            out(target),
                            plain=target,
                            source_plain=found,
                            glossary_term=entry.term,
                        ),
                    )
                )
        if not spans:
            new_items.append(item)
            continue
        position = 0
        for start, end, tag in sorted(spans, key=lambda s: s[0]):
            if start > position:
                new_items.append(_Text(text[position:start]))
            run.tags.append(tag)
            new_items.append(_Ref("void", len(run.tags) - 1))
            position = end
        if position < len(text):
            new_items.append(_Text(text[position:]))
    run.items = new_items


def _run_to_segments(run: _Run, is_html: bool) -> list[str | Segment]:
    """Cut a run into sentences (keeping tag pairs inside one segment) with local numbering."""
    pieces: list[str] = []
    for item in run.items:
        if isinstance(item, _Text):
            # "<" cannot be in the text here as a marker: look-alikes were protected.
            pieces.append(item.text)
        elif item.role == "open":
            pieces.append(f"<x{item.tag_index}>")
        elif item.role == "close":
            pieces.append(f"</x{item.tag_index}>")
        else:
            pieces.append(f"<x{item.tag_index}/>")
    joined = "".join(pieces)
    stripped = joined.strip()
    if not stripped:
        return [html.escape(joined, quote=False) if is_html else joined]
    lead = joined[: len(joined) - len(joined.lstrip())]
    tail = joined[len(joined.rstrip()) :]
    sentences = split_sentences(stripped)

    merged: list[str] = []
    open_now: set[str] = set()
    for sentence in sentences:
        if merged and open_now:
            merged[-1] += sentence
        else:
            merged.append(sentence)
        for closing, number, _void in _markers(sentence):
            if closing:
                open_now.discard(number)
            else:
                open_now.add(number)

    result: list[str | Segment] = []
    if lead:
        result.append(html.escape(lead, quote=False) if is_html else lead)
    for sentence in merged:
        body = sentence.rstrip()
        trailing = sentence[len(body) :]
        text, tags = _renumber(body, run.tags)
        result.append(
            Segment(text, tags, html.escape(trailing, quote=False) if is_html else trailing)
        )
    if tail:
        result.append(html.escape(tail, quote=False) if is_html else tail)
    return result


def _renumber(body: str, run_tags: list[Tag]) -> tuple[str, dict[int, Tag]]:
    """Number a segment's placeholders 1, 2, 3... in order of appearance."""
    local: dict[str, int] = {}
    tags: dict[int, Tag] = {}

    def replace(match: re.Match[str]) -> str:
        run_number = match.group(2)
        if run_number not in local:
            local[run_number] = len(local) + 1
            tags[local[run_number]] = run_tags[int(run_number)]
        return f"<{match.group(1)}x{local[run_number]}{match.group(3)}>"

    return _OUTPUT_MARKER.sub(replace, body), tags


def _markers(text: str) -> Iterable[tuple[bool, str, bool]]:
    for match in _OUTPUT_MARKER.finditer(text):
        if match.group(3):
            continue
        yield bool(match.group(1)), match.group(2), bool(match.group(3))


def split_field(text: str, is_html: bool, glossary: Sequence[GlossaryEntry] = ()) -> FieldLayout:
    """Cut one field into verbatim parts and segments; joining them back gives the field."""
    layout = FieldLayout(is_html)
    chunks: list[str | _Run] = []
    if is_html:
        parser = _HtmlSplitter()
        parser.feed(text)
        parser.close()
        parser.flush()
        chunks = parser.chunks
    else:
        for piece in re.split(r"(\n\s*)", text):
            if not piece:
                continue
            if piece.strip():
                run = _Run()
                run.add_text(piece)
                chunks.append(run)
            else:
                chunks.append(piece)
    for chunk in chunks:
        if isinstance(chunk, str):
            layout.parts.append(chunk)
            continue
        _protect(chunk, glossary, is_html)
        layout.parts.extend(_run_to_segments(chunk, is_html))
    return layout


def _plain(text: str, tags: dict[int, Tag], use_source: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        tag = tags.get(int(match.group(2)))
        if tag is None or tag.kind == "pair":
            return ""
        return tag.source_plain if use_source and tag.source_plain else tag.plain

    return _OUTPUT_MARKER.sub(replace, text)


# --- putting tags back -------------------------------------------------------------------


@dataclass
class Restored:
    """A translated segment with its tags back in output form."""

    text: str  # output form (HTML-escaped text for HTML fields)
    plain: str  # the translation as plain text, for the checks
    repairs: list[str]  # what had to be fixed: "dropped", "duplicated", "unknown", "order"


@dataclass
class _Marker:
    role: Literal["open", "close", "void"]
    number: int


_Token = str | _Marker


def restore(segment: Segment, output: str, is_html: bool) -> Restored:
    """Put the segment's tags back into the engine output, each exactly once, well nested."""
    tokens: list[_Token] = []
    repairs: list[str] = []
    seen: set[tuple[str, int]] = set()
    position = 0
    for match in _OUTPUT_MARKER.finditer(output):
        if match.start() > position:
            tokens.append(output[position : match.start()])
        position = match.end()
        number = int(match.group(2))
        tag = segment.tags.get(number)
        if tag is None:
            repairs.append("unknown")
            continue
        if tag.kind == "void":
            role: Literal["open", "close", "void"] = "void"
        elif match.group(1):
            role = "close"
        elif match.group(3):
            repairs.append("garbled")
            continue
        else:
            role = "open"
        if (role, number) in seen:
            repairs.append("duplicated")
            continue
        if role == "close" and ("open", number) not in seen:
            repairs.append("order")  # a closing tag before its opening one: placed anew below
            continue
        seen.add((role, number))
        tokens.append(_Marker(role, number))
    if position < len(output):
        tokens.append(output[position:])

    source_plain_length = max(len(segment.plain_source()), 1)
    for number, tag in sorted(segment.tags.items()):
        if tag.kind == "void":
            if ("void", number) not in seen and not _claim_written_out(tokens, tag, number):
                repairs.append("dropped")
                ratio = _source_ratio(segment, number) / source_plain_length
                _insert_at_ratio(tokens, _Marker("void", number), ratio, spaced=bool(tag.plain))
            continue
        has_open = ("open", number) in seen
        has_close = ("close", number) in seen
        if has_open and has_close:
            continue
        repairs.append("dropped")
        if has_open:
            tokens.append(_Marker("close", number))
        elif not _wrap_inner_text(tokens, segment, number):
            tokens.insert(0, _Marker("open", number))
            tokens.append(_Marker("close", number))

    tokens = _nest(tokens)
    return Restored(_render(tokens, segment, is_html), _render_plain(tokens, segment), repairs)


def _source_ratio(segment: Segment, number: int) -> int:
    """How much plain source text comes before placeholder <xN/>."""
    marker = re.search(rf"<x{number}/>", segment.text)
    if not marker:
        return 0
    return len(_plain(segment.text[: marker.start()], segment.tags, use_source=True))


def _claim_written_out(tokens: list[_Token], tag: Tag, number: int) -> bool:
    """A protected term the engine wrote out itself ("Vienna" for <x2/>) takes its place."""
    if not tag.plain.strip():
        return False
    pattern = re.compile(r"(?<!\w)" + re.escape(tag.plain) + r"(?!\w)")
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            match = pattern.search(token)
            if match:
                replacement: list[_Token] = [
                    token[: match.start()],
                    _Marker("void", number),
                    token[match.end() :],
                ]
                tokens[index : index + 1] = [t for t in replacement if t != ""]
                return True
    return False


def _insert_at_ratio(tokens: list[_Token], marker: _Marker, ratio: float, spaced: bool) -> None:
    """Put a lost standalone marker at about the same relative place, between words."""
    total = sum(len(t) for t in tokens if isinstance(t, str))
    wanted = round(total * min(max(ratio, 0.0), 1.0))
    seen = 0
    for index, token in enumerate(tokens):
        if not isinstance(token, str):
            continue
        if seen + len(token) >= wanted:
            cut = wanted - seen
            spaces = [m.start() for m in re.finditer(r"\s", token)] + [0, len(token)]
            cut = min(spaces, key=lambda s: abs(s - cut))
            before, after = token[:cut], token[cut:]
            if spaced and before and not before[-1].isspace():
                before += " "
            if spaced and after and not after[0].isspace() and after[0].isalnum():
                after = " " + after
            tokens[index : index + 1] = [t for t in (before, marker, after) if t != ""]
            return
        seen += len(token)
    if wanted == 0:
        tokens.insert(0, marker)
    else:
        if spaced and tokens and isinstance(tokens[-1], str) and not tokens[-1][-1:].isspace():
            tokens.append(" ")
        tokens.append(marker)


def _wrap_inner_text(tokens: list[_Token], segment: Segment, number: int) -> bool:
    """Both markers of a pair were lost: wrap the words they held if those came through as is."""
    match = re.search(rf"<x{number}>(.*?)</x{number}>", segment.text, re.S)
    inner = _plain(match.group(1), segment.tags, use_source=False).strip() if match else ""
    if not inner:
        return False
    for index, token in enumerate(tokens):
        if isinstance(token, str) and inner in token:
            start = token.index(inner)
            before, after = token[:start], token[start + len(inner) :]
            replacement: list[_Token] = [
                before,
                _Marker("open", number),
                inner,
                _Marker("close", number),
                after,
            ]
            tokens[index : index + 1] = [t for t in replacement if t != ""]
            return True
    return False


def _nest(tokens: list[_Token]) -> list[_Token]:
    """Make the markers well nested: a pair that crosses another is closed inside it."""
    result: list[_Token] = []
    stack: list[int] = []
    closed_early: set[int] = set()
    for token in tokens:
        if isinstance(token, str) or token.role == "void":
            result.append(token)
        elif token.role == "open":
            stack.append(token.number)
            result.append(token)
        elif token.number in closed_early:
            continue
        else:
            while stack and stack[-1] != token.number:
                inner = stack.pop()
                closed_early.add(inner)
                result.append(_Marker("close", inner))
            if stack:
                stack.pop()
            result.append(token)
    while stack:
        result.append(_Marker("close", stack.pop()))
    return result


def _tidy(tokens: list[_Token]) -> list[_Token]:
    """Engines pad placeholders with spaces ("<x1> Wien </x1>"): move them outside the tag."""
    result: list[_Token] = []
    space_after_close = False
    for index, token in enumerate(tokens):
        if not isinstance(token, str):
            result.append(token)
            if space_after_close and token.role == "close":
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                if isinstance(following, str) and not following[:1].isspace():
                    result.append(" ")
                space_after_close = False
            continue
        previous = tokens[index - 1] if index > 0 else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if isinstance(previous, _Marker) and previous.role == "open" and token[:1].isspace():
            token = token.lstrip()
            before = result[-2] if len(result) >= 2 else None
            if isinstance(before, str) and before and not before[-1:].isspace():
                result.insert(len(result) - 1, " ")
        if isinstance(following, _Marker) and following.role == "close" and token[-1:].isspace():
            token = token.rstrip()
            space_after_close = True
        if token:
            result.append(token)
    # Removed markers leave double spaces behind; a segment neither starts nor ends with one.
    merged: list[_Token] = []
    for token in result:
        if isinstance(token, str) and merged and isinstance(merged[-1], str):
            merged[-1] += token
        else:
            merged.append(token)
    merged = [re.sub(r"[ ]{2,}", " ", t) if isinstance(t, str) else t for t in merged]
    if merged and isinstance(merged[0], str):
        merged[0] = merged[0].lstrip()
    if merged and isinstance(merged[-1], str):
        merged[-1] = merged[-1].rstrip()
    return [t for t in merged if t != ""]


def _render(tokens: list[_Token], segment: Segment, is_html: bool) -> str:
    out: list[str] = []
    for token in _tidy(tokens):
        if isinstance(token, str):
            out.append(html.escape(token, quote=False) if is_html else token)
        else:
            tag = segment.tags[token.number]
            out.append(tag.end if token.role == "close" else tag.start)
    return "".join(out)


def _render_plain(tokens: list[_Token], segment: Segment) -> str:
    parts = []
    for token in tokens:
        if isinstance(token, str):
            parts.append(token)
        elif token.role == "void":
            parts.append(segment.tags[token.number].plain)
    return re.sub(r"\s+", " ", "".join(parts)).strip()
