"""Reading the input: a file or an http(s) URL into a Source, its size limit, and its format."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.utils.translation import gettext as _

from newsdesk.newsroom.importer.records import ImportInputError, Source

FORMATS = ("auto", "json", "jsonl", "feed")
MAX_INPUT_BYTES = 100 * 1024 * 1024


def load_source(path_or_url: str, timeout: float = 30.0) -> Source:
    """The bytes of a local file or of an http(s) URL (fetched with `timeout` seconds)."""
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
    request = urllib.request.Request(  # noqa: S310 (only http and https get here)
        url,
        headers={
            "User-Agent": "newsdesk-import",
            "Accept": "application/json, application/x-ndjson, application/rss+xml, "
            "application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise ImportInputError(
            _("%(url)s answered with HTTP status %(code)s (%(reason)s).")
            % {"url": url, "code": exc.code, "reason": exc.reason}
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            reason = _("no answer within %(seconds)s seconds") % {"seconds": timeout}
        raise ImportInputError(
            _("Cannot fetch %(url)s: %(reason)s.") % {"url": url, "reason": reason}
        ) from None
    except TimeoutError:
        raise ImportInputError(
            _("Cannot fetch %(url)s: no answer within %(seconds)s seconds.")
            % {"url": url, "seconds": timeout}
        ) from None
    except OSError as exc:
        raise ImportInputError(
            _("Cannot fetch %(url)s: %(reason)s.") % {"url": url, "reason": exc}
        ) from None
    if max_bytes == MAX_INPUT_BYTES:
        _check_size(data, url)
    return Source(name=url, data=data, content_type=content_type)


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_INPUT_BYTES:
        raise ImportInputError(
            _("%(name)s is larger than %(megabytes)d MB; split it into smaller files.")
            % {"name": name, "megabytes": MAX_INPUT_BYTES // (1024 * 1024)}
        )


def detect_format(source: Source, requested: str = "auto") -> str:
    """The format ("json", "jsonl" or "feed"): as requested, else from name, type, content."""
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
