"""Fields to segments and back: inline markup and protected terms become placeholders.

A field (HTML or plain text) is cut into blocks, each block into sentences. In HTML a block
ends at every element that is not phrasing content in HTML's content model (``<p>``,
``<li>``, ``<div>``, ``<td>``...); phrasing elements (``<a>``, ``<font>``, ``<label>``,
``<ins>``...) and unknown or custom elements stay inside the sentence as numbered placeholders
(``<x1>``…``</x1>``, ``<x2/>``) so that the engine sees whole sentences and never an
attribute. Plain text is cut at blank lines (and before list items); a single line break is
whitespace inside the sentence. Glossary terms and placeholder-like source text become
``<xN/>`` too. The ``alt`` and ``title`` of any element are segments of their own; every
other attribute is copied byte for byte.

After translation :func:`restore` puts every tag back exactly once, even when the engine
dropped, repeated or garbled placeholders, puts back the line breaks and no-break spaces the
engine never saw (next to the same words, else at the same relative place), and says what it
had to repair.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from newsdesk.translation.sentences import split_sentences

# Elements that are not phrasing content (HTML's content model, obsolete ones included):
# each starts a new block. Everything else, unknown and custom elements too, is inline.
BLOCK_TAGS = frozenset(
    "address article aside base blockquote body caption center col colgroup dd details dialog "
    "dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head "
    "header hgroup hr html legend li link listing main menu meta nav noframes ol optgroup "
    "option p plaintext pre search section summary table tbody td tfoot th thead title tr ul "
    "xmp".split()
)
# Elements without an end tag; the inline ones become standalone placeholders (<x1/>).
VOID_TAGS = frozenset("area br embed img input keygen param source track wbr".split())
# Their content is neither text to translate nor markup to parse: copied as it is (inside a
# sentence as one standalone placeholder).
OPAQUE_TAGS = frozenset({"script", "style", "template", "textarea", "pre", "svg", "math"})
_RAW_TEXT_TAGS = frozenset({"script", "style"})  # the parser hands over their text unescaped
# Attributes that readers see: translated as segments of their own.
TRANSLATED_ATTRIBUTES = frozenset({"alt", "title"})
# No-break spaces (no-break, narrow no-break, figure space) and their HTML entity spellings.
NO_BREAK_SPACES = "\u00a0\u202f\u2007"
_NO_BREAK_ENTITIES = {
    "\u00a0": ("&nbsp;", "&#160;", "&#xa0;", "&#xA0;", "&NonBreakingSpace;"),
    "\u202f": ("&#8239;", "&#x202f;", "&#x202F;"),
    "\u2007": ("&#8199;", "&#x2007;", "&numsp;"),
}

# What engines send back, tolerantly: "< x1 >", "</ x1>", "<x1 />", "<X1>".
_OUTPUT_MARKER = re.compile(r"<\s*(/?)\s*[xX]\s*(\d+)\s*(/?)\s*>")
# Source text that looks like a placeholder (it must be protected, not taken for one).
_LOOKALIKE = _OUTPUT_MARKER
# A start tag's name and attributes, as Python's HTMLParser reads them.
_TAG_NAME = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)


def _escape(
    text: str, is_html: bool, spelling: dict[str, str] | None = None, quote: bool = False
) -> str:
    """Text in output form: escaped for HTML, no-break spaces spelled as in the source."""
    if not is_html:
        return text
    text = html.escape(text, quote=quote)
    for char, written in (spelling or {}).items():
        text = text.replace(char, written)
    return text


def no_break_spelling(source_html: str) -> dict[str, str]:
    """How the source writes each no-break space it holds as an entity (``&nbsp;``...), so
    that the translation writes it the same way; a raw character stays raw."""
    spelling = {}
    for char, entities in _NO_BREAK_ENTITIES.items():
        for entity in entities:
            if entity in source_html:
                spelling[char] = entity
                break
    return spelling


@dataclass(frozen=True)
class AttributeValue:
    """Where an attribute segment came from: its name and its value as written."""

    name: str
    raw: str  # the value as written between its quotes (entities and all), trimmed
    quoted: bool


@dataclass(frozen=True)
class AttributeSlot:
    """A translated attribute value inside a tag: the span of ``Tag.start`` it replaces."""

    start: int
    end: int
    segment: Segment


@dataclass(frozen=True)
class Tag:
    """What a placeholder stands for.

    kind "pair": an inline element, ``start`` and ``end`` are its tags as written in the source.
    kind "void": ``start`` is the output text for it (a ``<br>``, a glossary term's target in
    output form, a protected literal); ``plain`` is how it reads in plain text, ``source_plain``
    how it read in the source. ``attributes``: its alt and title values, translated apart.
    """

    kind: Literal["pair", "void"]
    start: str
    end: str = ""
    plain: str = ""
    source_plain: str = ""
    glossary_term: str = ""
    attributes: tuple[AttributeSlot, ...] = ()

    def render_start(self, attribute_text: Callable[[Segment], str] | None = None) -> str:
        """The start tag with each translated attribute value from ``attribute_text`` (the
        source's values without it)."""
        if not self.attributes or attribute_text is None:
            return self.start
        out, position = [], 0
        for slot in self.attributes:
            out += [self.start[position : slot.start], attribute_text(slot.segment)]
            position = slot.end
        out.append(self.start[position:])
        return "".join(out)


@dataclass
class Segment:
    """One unit sent to the engine: a sentence with its local placeholders <x1>, <x2/>...

    ``attribute`` is set for the value of an alt or title attribute (output escaped for an
    attribute value; the source bytes kept when the translation reads the same). ``spelling``
    says how the field writes no-break spaces (see :func:`no_break_spelling`)."""

    text: str
    tags: dict[int, Tag]
    trailing: str = ""
    attribute: AttributeValue | None = None
    spelling: dict[str, str] = field(default_factory=dict)

    @property
    def translatable(self) -> bool:
        return any(ch.isalpha() for ch in _OUTPUT_MARKER.sub("", self.text))

    def plain_source(self) -> str:
        return _plain(self.text, self.tags, use_source=True)

    def attribute_segments(self) -> list[Segment]:
        """The alt and title segments of this segment's tags, in the order they appear."""
        return [
            slot.segment for _number, tag in sorted(self.tags.items()) for slot in tag.attributes
        ]


@dataclass
class FieldLayout:
    """A field cut into verbatim parts (str, already in output form) and segments, in order."""

    is_html: bool
    parts: list[str | Segment] = field(default_factory=list)

    @property
    def segments(self) -> list[Segment]:
        return [part for part in self.parts if isinstance(part, Segment)]

    def all_segments(self) -> Iterator[Segment]:
        """Every segment to translate in document order, a sentence's attribute values (which
        stand inside it) just before the sentence."""
        for segment in self.segments:
            yield from segment.attribute_segments()
            yield segment


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

    def open(self, name: str, tag: Tag) -> None:
        self.tags.append(tag)
        self.open_stack.append((name, len(self.tags) - 1, len(self.items)))
        self.items.append(_Ref("open", len(self.tags) - 1))

    def close(self, name: str) -> None:
        raw = f"</{name}>"
        for position in range(len(self.open_stack) - 1, -1, -1):
            if self.open_stack[position][0] == name:
                _name, index, _item = self.open_stack.pop(position)
                opened = self.tags[index]
                self.tags[index] = Tag("pair", opened.start, raw, attributes=opened.attributes)
                self.items.append(_Ref("close", index))
                return
        self.add_void(Tag("void", raw))  # a stray end tag is kept as it was

    def finish(self) -> None:
        # Tags never closed inside the block stay where they are, as standalone markers.
        for _name, index, item_index in self.open_stack:
            opened = self.tags[index]
            self.tags[index] = Tag("void", opened.start, attributes=opened.attributes)
            self.items[item_index] = _Ref("void", index)
        self.open_stack = []

    def markup(self) -> str:
        """The run's text with its tags as run-wide placeholders (<x0>, </x0>, <x1/>...)."""
        pieces: list[str] = []
        for item in self.items:
            if isinstance(item, _Text):
                # "<" cannot be in the text here as a marker: look-alikes were protected.
                pieces.append(item.text)
            elif item.role == "open":
                pieces.append(f"<x{item.tag_index}>")
            elif item.role == "close":
                pieces.append(f"</x{item.tag_index}>")
            else:
                pieces.append(f"<x{item.tag_index}/>")
        return "".join(pieces)


@dataclass
class _BlockTag:
    """A block-level tag with translated attributes: copied, its alt and title translated."""

    raw: str
    attributes: tuple[AttributeSlot, ...]


class _HtmlSplitter(HTMLParser):
    def __init__(self, glossary: Sequence[GlossaryEntry], spelling: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.glossary = glossary
        self.spelling = spelling
        self.chunks: list[str | _Run | _BlockTag] = []
        self.run = _Run()
        self.opaque: str | None = None  # the opaque element we are in
        self.opaque_depth = 0
        self.opaque_inline: list[str] | None = None  # its markup, when it stands in a sentence

    def flush(self) -> None:
        if self.run.items:
            self.run.finish()
            self.chunks.append(self.run)
        self.run = _Run()

    def raw(self, text: str) -> None:
        self.flush()
        self.chunks.append(text)

    def opaque_text(self, text: str) -> None:
        if self.opaque_inline is not None:
            self.opaque_inline.append(text)
        else:
            self.chunks.append(text)

    def attribute_slots(self, raw: str) -> tuple[AttributeSlot, ...]:
        return _attribute_slots(raw, self.glossary, self.spelling)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if self.opaque:
            self.opaque_depth += tag == self.opaque
            self.opaque_text(raw)
            return
        slots = self.attribute_slots(raw)
        if tag in OPAQUE_TAGS:
            self.opaque, self.opaque_depth = tag, 1
            if tag in BLOCK_TAGS:
                self.raw(raw)
            else:
                self.opaque_inline = [raw]
        elif tag in BLOCK_TAGS:
            self.flush()
            self.chunks.append(_BlockTag(raw, slots) if slots else raw)
        elif tag in VOID_TAGS:
            self.run.add_void(Tag("void", raw, plain=" " if tag == "br" else "", attributes=slots))
        else:
            self.run.open(tag, Tag("pair", raw, attributes=slots))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}/>"
        if self.opaque:
            self.opaque_text(raw)
            return
        slots = self.attribute_slots(raw)
        if tag in BLOCK_TAGS:
            self.flush()
            self.chunks.append(_BlockTag(raw, slots) if slots else raw)
        else:
            self.run.add_void(Tag("void", raw, plain=" " if tag == "br" else "", attributes=slots))

    def handle_endtag(self, tag: str) -> None:
        if self.opaque:
            if tag == self.opaque:
                self.opaque_depth -= 1
            if self.opaque_depth > 0:
                self.opaque_text(f"</{tag}>")
                return
            self.opaque = None
            if self.opaque_inline is not None:
                markup = "".join([*self.opaque_inline, f"</{tag}>"])
                self.opaque_inline = None
                self.run.add_void(Tag("void", markup))
            else:
                self.chunks.append(f"</{tag}>")
        elif tag in BLOCK_TAGS:
            self.raw(f"</{tag}>")
        elif tag in VOID_TAGS:
            self.run.add_void(Tag("void", f"</{tag}>"))
        else:
            self.run.close(tag)

    def handle_data(self, data: str) -> None:
        if self.opaque:
            # Kept as it was: script and style text comes raw, other text escaped again.
            raw_text = self.opaque in _RAW_TEXT_TAGS
            self.opaque_text(data if raw_text else _escape(data, True, self.spelling))
        else:
            self.run.add_text(data)

    def handle_comment(self, data: str) -> None:
        if self.run.items and not self.opaque:  # inside a sentence: it stays there
            self.run.add_void(Tag("void", f"<!--{data}-->"))
        else:
            self.markup(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.markup(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.markup(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.markup(f"<![{data}]>")

    def markup(self, text: str) -> None:
        if self.opaque:
            self.opaque_text(text)
        else:
            self.raw(text)

    def close(self) -> None:
        super().close()
        if self.opaque_inline is not None:  # an opaque element never closed: kept as it was
            self.run.add_void(Tag("void", "".join(self.opaque_inline)))
            self.opaque_inline = None


def _attribute_slots(
    raw: str, glossary: Sequence[GlossaryEntry], spelling: dict[str, str]
) -> tuple[AttributeSlot, ...]:
    """The alt and title values of a start tag that hold words, each as a segment."""
    name = _TAG_NAME.match(raw)
    if name is None:
        return ()
    slots = []
    position = name.end()
    while True:
        match = _ATTRIBUTE.match(raw, position)
        if not match or match.end() == position:
            break
        position = match.end()
        value = match.group(3)
        if match.group(1).lower() not in TRANSLATED_ATTRIBUTES or not value:
            continue
        quoted = value[:1] in ("'", '"')
        start, end = match.start(3) + quoted, match.end(3) - quoted
        inner = raw[start:end]
        start += len(inner) - len(inner.lstrip())
        end -= len(inner) - len(inner.rstrip())
        segment = _attribute_segment(
            AttributeValue(match.group(1).lower(), raw[start:end], quoted), glossary, spelling
        )
        if segment is not None:
            slots.append(AttributeSlot(start, end, segment))
    return tuple(slots)


def _attribute_segment(
    value: AttributeValue, glossary: Sequence[GlossaryEntry], spelling: dict[str, str]
) -> Segment | None:
    run = _Run()
    run.add_text(html.unescape(value.raw))
    _protect(run, glossary, True, spelling, quote=True)
    text, tags = _renumber(run.markup(), run.tags)
    segment = Segment(text, tags, attribute=value, spelling=spelling)
    return segment if segment.translatable else None


def _glossary_pattern(glossary: Sequence[GlossaryEntry]) -> re.Pattern[str] | None:
    if not glossary:
        return None
    alternatives = []
    for entry in sorted(glossary, key=lambda e: len(e.term), reverse=True):
        # A space in a term matches any space, a no-break space or a line break too.
        escaped = r"\s+".join(re.escape(word) for word in entry.term.split())
        alternatives.append(escaped if entry.case_sensitive else f"(?i:{escaped})")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _protect(
    run: _Run,
    glossary: Sequence[GlossaryEntry],
    is_html: bool,
    spelling: dict[str, str] | None = None,
    quote: bool = False,
) -> None:
    """Turn glossary terms and placeholder look-alikes inside the run's text into void tags."""
    pattern = _glossary_pattern(glossary)
    lookup = {" ".join(e.term.split()): e for e in glossary}
    lookup_folded = {
        " ".join(e.term.split()).casefold(): e for e in glossary if not e.case_sensitive
    }
    new_items: list[_Item] = []

    def out(text: str) -> str:
        return _escape(text, is_html, spelling, quote)

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
                spaced = " ".join(found.split())
                entry = lookup.get(spaced) or lookup_folded[spaced.casefold()]
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


def _run_to_segments(run: _Run, is_html: bool, spelling: dict[str, str]) -> list[str | Segment]:
    """Cut a run into sentences (keeping tag pairs inside one segment) with local numbering."""
    joined = run.markup()
    stripped = joined.strip()
    if not stripped:
        return [_escape(joined, is_html, spelling)]
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
        result.append(_escape(lead, is_html, spelling))
    for sentence in merged:
        body = sentence.rstrip()
        trailing = sentence[len(body) :]
        text, tags = _renumber(body, run.tags)
        result.append(Segment(text, tags, _escape(trailing, is_html, spelling), spelling=spelling))
    if tail:
        result.append(_escape(tail, is_html, spelling))
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


# Plain text: a blank line ends a paragraph, and a line that starts a list item ends the
# line before it; any other line break is whitespace inside a sentence.
_PLAIN_BLOCK_BREAK = re.compile(r"(\n[^\S\n]*\n\s*|\n(?=[^\S\n]*(?:[-*•–]|\d{1,3}[.)])[^\S\n]))")


def split_field(text: str, is_html: bool, glossary: Sequence[GlossaryEntry] = ()) -> FieldLayout:
    """Cut one field into verbatim parts and segments; joining them back gives the field."""
    layout = FieldLayout(is_html)
    spelling = no_break_spelling(text) if is_html else {}
    chunks: list[str | _Run | _BlockTag] = []
    if is_html:
        parser = _HtmlSplitter(glossary, spelling)
        parser.feed(text)
        parser.close()
        parser.flush()
        chunks = parser.chunks
    else:
        for piece in _PLAIN_BLOCK_BREAK.split(text):
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
        elif isinstance(chunk, _BlockTag):
            position = 0
            for slot in chunk.attributes:
                layout.parts += [chunk.raw[position : slot.start], slot.segment]
                position = slot.end
            layout.parts.append(chunk.raw[position:])
        else:
            _protect(chunk, glossary, is_html, spelling)
            layout.parts.extend(_run_to_segments(chunk, is_html, spelling))
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


def restore(
    segment: Segment,
    output: str,
    is_html: bool,
    attribute_text: Callable[[Segment], str] | None = None,
) -> Restored:
    """Put the segment's tags back into the engine output, each exactly once, well nested, and
    the line breaks and no-break spaces of the source (which the engine never sees).

    ``attribute_text`` gives the translated alt and title values of the segment's tags in
    output form (without it, tags keep the source's values)."""
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
    tidied, spaces_lost = _put_back_spaces(_tidy(tokens), segment)
    if spaces_lost:
        repairs.append("dropped")
    text = _render(tidied, segment, is_html, attribute_text)
    if segment.attribute is not None and is_html:
        value = segment.attribute
        if html.unescape(text) == html.unescape(value.raw):
            text = value.raw  # untranslated: the attribute keeps its bytes
        elif not value.quoted:
            text = f'"{text}"'
    return Restored(text, _render_plain(tokens, segment), repairs)


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
    """Engines pad placeholders with spaces ("<x1> Wien </x1>"): move them outside the tag.
    (Only ordinary spaces: a line break or no-break space there is the source's own.)"""
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
        if isinstance(previous, _Marker) and previous.role == "open" and token[:1] == " ":
            token = token.lstrip(" ")
            before = result[-2] if len(result) >= 2 else None
            if isinstance(before, str) and before and not before[-1:].isspace():
                result.insert(len(result) - 1, " ")
        if isinstance(following, _Marker) and following.role == "close" and token[-1:] == " ":
            token = token.rstrip(" ")
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


def _render(
    tokens: list[_Token],
    segment: Segment,
    is_html: bool,
    attribute_text: Callable[[Segment], str] | None = None,
) -> str:
    quote = segment.attribute is not None
    out: list[str] = []
    for token in tokens:
        if isinstance(token, str):
            out.append(_escape(token, is_html, segment.spelling, quote))
        else:
            tag = segment.tags[token.number]
            out.append(tag.end if token.role == "close" else tag.render_start(attribute_text))
    return "".join(out)


# --- line breaks and no-break spaces -------------------------------------------------------

# Whitespace that means something: a run with a line break, a tab or a no-break space in it.
_KEPT_SPACE = re.compile(r"\s*[^\S ]\s*")
_WORD_BEFORE = re.compile(r"(\w+)[^\w\s\x00]*$")
_WORD_AFTER = re.compile(r"[^\w\s\x00]*(\w+)")


@dataclass
class _Space:
    text: str  # the whitespace as the source has it
    ratio: float  # where it stands in the source, 0 to 1
    before: str  # the word before it (case-folded), or ""
    after: str  # the word after it


def _spaces(segment: Segment) -> list[_Space]:
    flat = _OUTPUT_MARKER.sub("\x00", segment.text)
    found = []
    for match in _KEPT_SPACE.finditer(flat):
        before = _WORD_BEFORE.search(flat, 0, match.start())
        after = _WORD_AFTER.match(flat, match.end())
        found.append(
            _Space(
                match.group(0),
                match.start() / max(len(flat), 1),
                before.group(1).casefold() if before else "",
                after.group(1).casefold() if after else "",
            )
        )
    return found


def _put_back_spaces(tokens: list[_Token], segment: Segment) -> tuple[list[_Token], int]:
    """The engine reads every run of whitespace as one space (the memory's form). Put each
    line break and no-break space of the source back: where the output already has the same
    whitespace, else in place of an ordinary space next to the same word (a number, a name),
    else at about the same relative place. Returns the tokens and how many found no place."""
    if not _KEPT_SPACE.search(segment.text):
        return tokens, 0
    markers = [token for token in tokens if not isinstance(token, str)]
    flat = "".join(
        token.replace("\x00", "") if isinstance(token, str) else "\x00" for token in tokens
    )
    kept = [(m.start(), m.end(), m.group(0)) for m in _KEPT_SPACE.finditer(flat)]
    plain = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r" +", flat)]
    replacements: dict[int, tuple[int, str]] = {}  # start -> (end, new whitespace)
    lost = 0
    for space in _spaces(segment):
        same = [span for span in kept if span[2] == space.text]
        if same:
            kept.remove(min(same, key=lambda span: abs(span[0] / len(flat) - space.ratio)))
            continue
        free = [span for span in plain if span[0] not in replacements]
        if not free:
            lost += 1
            continue

        def fit(span: tuple[int, int, str], space: _Space = space) -> tuple[int, float]:
            before = _WORD_BEFORE.search(flat, 0, span[0])
            after = _WORD_AFTER.match(flat, span[1])
            score = 2 * bool(space.before and before and before.group(1).casefold() == space.before)
            score += bool(space.after and after and after.group(1).casefold() == space.after)
            return -score, abs(span[0] / len(flat) - space.ratio)

        start, end, _text = min(free, key=fit)
        replacements[start] = (end, space.text)
    if not replacements:
        return tokens, lost
    pieces, position = [], 0
    for start in sorted(replacements):
        end, text = replacements[start]
        pieces += [flat[position:start], text]
        position = end
    pieces.append(flat[position:])
    texts = "".join(pieces).split("\x00")
    result: list[_Token] = []
    for index, text in enumerate(texts):
        if text:
            result.append(text)
        if index < len(markers):
            result.append(markers[index])
    return result, lost


def _render_plain(tokens: list[_Token], segment: Segment) -> str:
    parts = []
    for token in tokens:
        if isinstance(token, str):
            parts.append(token)
        elif token.role == "void":
            parts.append(segment.tags[token.number].plain)
    return re.sub(r"\s+", " ", "".join(parts)).strip()
