"""Importing articles from JSON, JSON Lines and RSS/Atom feeds: reading, converting, saving.

The format is documented in docs/import.md. Reading turns the input into `Record`s (one per
article, each knowing where it came from); `Importer.import_record` validates one record
completely and only then writes it, through the newsroom's actions.

One module per stage: `sources` (a path or URL into a `Source`, its format), `json_records`
and `feeds` (a Source into Records), `html_blocks` (HTML bodies into blocks), `images`
(pictures of image blocks), `importing` (the `Importer`); `records` holds the shapes they
share; slugs come from `newsdesk.newsroom.slugs`, as in the back office. This package
re-exports the public names.
"""

from newsdesk.newsroom.importer.html_blocks import html_to_blocks
from newsdesk.newsroom.importer.images import IMAGE_FORMATS, MAX_IMAGE_BYTES, load_image
from newsdesk.newsroom.importer.importing import (
    LEAD_MAX_LENGTH,
    Importer,
    Outcome,
    read_records,
)
from newsdesk.newsroom.importer.json_records import ARTICLE_INPUT_FIELDS, BLOCK_TYPES, JSON_FIELDS
from newsdesk.newsroom.importer.records import (
    ArticleData,
    BlockData,
    ImportInputError,
    Record,
    Source,
)
from newsdesk.newsroom.importer.sources import (
    FORMATS,
    MAX_INPUT_BYTES,
    detect_format,
    load_source,
)

__all__ = [
    "ARTICLE_INPUT_FIELDS",
    "BLOCK_TYPES",
    "FORMATS",
    "IMAGE_FORMATS",
    "JSON_FIELDS",
    "LEAD_MAX_LENGTH",
    "MAX_IMAGE_BYTES",
    "MAX_INPUT_BYTES",
    "ArticleData",
    "BlockData",
    "ImportInputError",
    "Importer",
    "Outcome",
    "Record",
    "Source",
    "detect_format",
    "html_to_blocks",
    "load_image",
    "load_source",
    "read_records",
]
