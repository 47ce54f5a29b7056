"""What of an article is translated: its parts as pipeline fields, and their fingerprint."""

from __future__ import annotations

import hashlib
import json

from newsdesk.newsroom.models import Article, Block
from newsdesk.translation.pipeline import SourceField

# Per block kind: (attribute, is HTML) of every part that readers read.
BLOCK_PARTS: dict[str, list[tuple[str, bool]]] = {
    Block.Kind.PARAGRAPH: [("text", True)],
    Block.Kind.SUBHEADING: [("text", False)],
    Block.Kind.QUOTE: [("text", False), ("attribution", False)],
    Block.Kind.IMAGE: [("caption", False)],
    Block.Kind.FACTBOX: [("title", False), ("text", True)],
}
ARTICLE_PARTS = ("kicker", "headline", "lead")


def block_field_id(block: Block, part: str) -> str:
    return f"{block.key}:{part}"


def source_fields(article: Article) -> list[SourceField]:
    """The article's translatable parts in reading order; empty parts are left out."""
    fields = [
        SourceField(name, getattr(article, name), False)
        for name in ARTICLE_PARTS
        if getattr(article, name).strip()
    ]
    for block in article.blocks.all():
        for part, is_html in BLOCK_PARTS.get(block.kind, []):
            text = getattr(block, part)
            if not text.strip():
                continue
            if "\n" not in text:
                fields.append(SourceField(block_field_id(block, part), text, is_html))
                continue
            # The pipeline reads a line break inside HTML as a space; fact boxes are written
            # line by line, so each line is a field of its own.
            for number, line in enumerate(text.split("\n")):
                if line.strip():
                    fields.append(
                        SourceField(f"{block_field_id(block, part)}:{number}", line, is_html)
                    )
    return fields


def part_text(content: dict[str, str], block: Block, part: str) -> str | None:
    """A block part's translation from an edition's content (lines joined back), or None."""
    key = block_field_id(block, part)
    if key in content:
        return content[key]
    source_lines = getattr(block, part).split("\n")
    if len(source_lines) < 2 or not any(f"{key}:{n}" in content for n in range(len(source_lines))):
        return None
    return "\n".join(
        content.get(f"{key}:{n}", "") if line.strip() else line
        for n, line in enumerate(source_lines)
    )


def fingerprint(fields: list[SourceField]) -> str:
    data = json.dumps([[f.id, f.text, f.is_html] for f in fields], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def target_languages(article: Article) -> list[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES if code != article.language]
