"""Reading the input: a file or an http(s) URL into a Source, its size limit, and its format."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from django.utils.translation import gettext as _

from newsdesk.core import http_client as http
from newsdesk.newsroom.importer.records import ImportInputError, Source

FORMATS = ("auto", "json", "jsonl", "feed")
MAX_INPUT_BYTES = 100 * 1024 * 1024
# What a server may send, best first (servers that offer several formats look at it).
ACCEPT = (
    "application/json, application/x-ndjson, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class SourceTooLarge(ImportInputError):
    """The input is larger than the limit (MAX_INPUT_BYTES for a file or feed)."""

    def __init__(self, name: str, max_bytes: int) -> None:
        super().__init__(
            _("%(name)s is larger than %(megabytes)d MB; split it into smaller files.")
            % {"name": name, "megabytes": max_bytes // (1024 * 1024)}
        )


def load_source(path_or_url: str, timeout: float = 30.0) -> Source:
    """The bytes of a local file or of an http(s) URL (waiting at most `timeout` seconds for
    the server at each step), at most MAX_INPUT_BYTES. ImportInputError (SourceTooLarge when
    too large) says why it cannot be read."""
    scheme = urllib.parse.urlsplit(path_or_url).scheme.lower()
    if scheme in ("http", "https"):
        return fetch(path_or_url, timeout)
    path = Path(path_or_url)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise ImportInputError(_("%(path)s does not exist.") % {"path": path_or_url}) from None
    except IsADirectoryError:
        raise ImportInputError(
            _("%(path)s is a directory, not a file.") % {"path": path_or_url}
        ) from None
    except OSError as exc:
        raise ImportInputError(
            _("Cannot read %(path)s: %(reason)s.")
            % {"path": path_or_url, "reason": exc.strerror or exc}
        ) from None
    _check_size(data, path_or_url)
    return Source(name=path_or_url, data=data)


def fetch(url: str, timeout: float, max_bytes: int = MAX_INPUT_BYTES) -> Source:
    """The body of the http(s) `url` (at most `max_bytes` bytes), waiting at most `timeout`
    seconds for the server at each step. SourceTooLarge past `max_bytes`; ImportInputError,
    worded for the report, when the server refuses, does not answer or cannot be reached."""
    try:
        fetched = http.fetch_bytes(
            url, timeout=timeout, max_bytes=max_bytes, headers={"Accept": ACCEPT}
        )
    except http.ResponseTooLarge:
        raise SourceTooLarge(url, max_bytes) from None
    except http.FetchError as exc:
        raise ImportInputError(_fetch_problem(exc, timeout)) from None
    return Source(name=url, data=fetched.body, content_type=fetched.content_type)


def _fetch_problem(exc: http.FetchError, timeout: float) -> str:
    if exc.status is not None:
        return _("%(url)s answered with HTTP status %(code)s (%(reason)s).") % {
            "url": exc.url,
            "code": exc.status,
            "reason": exc.reason,
        }
    if exc.timed_out:
        return _("Cannot fetch %(url)s: no answer within %(seconds)s seconds.") % {
            "url": exc.url,
            "seconds": timeout,
        }
    return _("Cannot fetch %(url)s: %(reason)s.") % {"url": exc.url, "reason": exc.reason}


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_INPUT_BYTES:
        raise SourceTooLarge(name, MAX_INPUT_BYTES)


def detect_format(source: Source, requested: str = "auto") -> str:
    """The format ("json", "jsonl" or "feed"): as requested, else from name, type, content.
    ImportInputError for an unknown requested format or when none can be told."""
    if requested != "auto":
        if requested not in FORMATS:
            raise ImportInputError(_("Unknown format %(format)s.") % {"format": requested})
        return requested
    suffix = Path(urllib.parse.urlsplit(source.name).path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".xml", ".rss", ".atom", ".rdf"):
        return "feed"
    content_type = source.content_type.split(";")[0].strip().lower()
    if content_type in ("application/x-ndjson", "application/jsonl", "application/json-lines"):
        return "jsonl"
    if content_type == "application/json":
        return "json"
    if "xml" in content_type or "rss" in content_type or "atom" in content_type:
        return "feed"
    start = source.data.lstrip()[:1]
    if start == b"<":
        return "feed"
    if start in (b"[", b"{"):
        try:
            json.loads(source.data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return "jsonl"
        return "json"
    raise ImportInputError(
        _("Cannot tell the format of %(name)s; give --format json, jsonl or feed.")
        % {"name": source.name}
    )
