"""Pictures of image blocks: resolving their sources, reading and checking them, pending ones."""

from __future__ import annotations

import io
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from newsdesk.newsroom.importer.records import ImportInputError, Source
from newsdesk.newsroom.importer.sources import SourceTooLarge, fetch
from newsdesk.newsroom.models import Image
from newsdesk.newsroom.slugs import slugify

MAX_IMAGE_BYTES = 20 * 1024 * 1024
# Image formats browsers show, and the file name extension each is stored with.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def image_base(source: Source) -> str:
    """What relative image sources of `source` are resolved against: its URL, or the path of
    the file's folder ending in "/"."""
    if urllib.parse.urlsplit(source.name).scheme.lower() in ("http", "https"):
        return source.name
    return str(Path(source.name).resolve().parent) + "/"


def resolve_image_source(src: str, base: str) -> str:
    """Where the picture `src` is: an http(s) URL as it is, else `src` joined to `base` (a URL,
    or a folder path; the working directory when empty) as a URL or an absolute file path.
    ValueError when `src` has another scheme (ftp:, data:...)."""
    scheme = urllib.parse.urlsplit(src).scheme.lower()
    if scheme in ("http", "https"):
        return src
    if base.startswith(("http://", "https://")):
        return urllib.parse.urljoin(base, src)
    if scheme and len(scheme) > 1:  # "c:" would be a Windows drive, anything longer a scheme
        raise ValueError(_("%(src)s: give an http(s) URL or a file path.") % {"src": src})
    return str(Path(base or ".", src).resolve())


def load_image(src: str, timeout: float) -> tuple[bytes, str]:
    """The bytes of the picture at `src` (an http(s) URL, fetched waiting at most `timeout`
    seconds for the server, or a file path) and the file name to store it under ("<slug>.png").
    ValueError says what is wrong: unreachable, larger than MAX_IMAGE_BYTES, or not a JPEG,
    PNG, GIF or WebP picture."""
    if src.startswith(("http://", "https://")):
        try:
            data = fetch(src, timeout, max_bytes=MAX_IMAGE_BYTES).data
        except SourceTooLarge:
            raise ValueError(_too_large(src)) from None
        except ImportInputError as exc:
            raise ValueError(str(exc)) from None
    else:
        try:
            with open(src, "rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise ValueError(
                _("Cannot read %(path)s: %(reason)s.")
                % {"path": src, "reason": exc.strerror or exc}
            ) from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(_too_large(src))
    from PIL import Image as Picture
    from PIL import UnidentifiedImageError

    try:
        with Picture.open(io.BytesIO(data)) as picture:
            picture.verify()
            image_format = picture.format or ""
    except (
        Picture.DecompressionBombError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValueError(_("%(src)s is not a picture that can be read.") % {"src": src}) from None
    if image_format not in IMAGE_FORMATS:
        raise ValueError(
            _("%(src)s is a %(format)s picture; use JPEG, PNG, GIF or WebP.")
            % {"src": src, "format": image_format}
        )
    stem = Path(urllib.parse.urlsplit(src).path).stem
    return data, f"{slugify(stem)[:80] or 'bild'}.{IMAGE_FORMATS[image_format]}"


def _too_large(src: str) -> str:
    return _("%(src)s is larger than %(megabytes)d MB.") % {
        "src": src,
        "megabytes": MAX_IMAGE_BYTES // (1024 * 1024),
    }


@dataclass
class PendingImage:
    """A picture checked during validation, stored only when its record is written."""

    data: bytes
    name: str
    alt: str
    credit: str


def same_picture(image: Image, pending: PendingImage) -> bool:
    """Whether the stored `image` has the pending picture's bytes, alt text and credit."""
    if (image.alt_text, image.credit) != (pending.alt, pending.credit):
        return False
    try:
        with image.file.open("rb") as handle:
            return bool(handle.read() == pending.data)
    except OSError:
        return False
