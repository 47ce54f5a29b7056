"""Installed translation models: download, verify, convert and install them atomically.

Each language pair lives in ``NEWSDESK_MODEL_DIR/<source>-<target>/`` as a CTranslate2 model
(``model.bin``, ``config.json``, vocabulary) with ``source.spm``/``target.spm`` beside it and a
``newsdesk-model.json`` manifest: name, version, where it came from, the archive's SHA-256 and
the SHA-256 of every file (for ``verify``). Installing builds the new directory beside the old
one and swaps it in with a rename, so a failed or interrupted install leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

MANIFEST = "newsdesk-model.json"
PAIR = re.compile(r"^[a-z]{2,3}-[a-z]{2,3}$")

# Where the OPUS-MT releases of the pairs newsdesk is usually run with are published. The
# project publishes no checksums for them: the SHA-256 is computed and recorded at install
# time (pass --sha256, or use an index with checksums, to have it verified).
OPUS_MT_RELEASES = {
    "de-en": (
        "opus-mt-de-en",
        "opus-2020-02-26",
        "https://object.pouta.csc.fi/OPUS-MT-models/de-en/opus-2020-02-26.zip",
    ),
    "en-de": (
        "opus-mt-en-de",
        "opus-2020-02-26",
        "https://object.pouta.csc.fi/OPUS-MT-models/en-de/opus-2020-02-26.zip",
    ),
    # With de-en and en-de these make German <-> French through English (de-en + en-fr).
    # Both are SentencePiece releases (the OPUS-MT-train model cards of the pairs).
    "en-fr": (
        "opus-mt-en-fr",
        "opus-2020-02-26",
        "https://object.pouta.csc.fi/OPUS-MT-models/en-fr/opus-2020-02-26.zip",
    ),
    "fr-en": (
        "opus-mt-fr-en",
        "opus-2020-02-26",
        "https://object.pouta.csc.fi/OPUS-MT-models/fr-en/opus-2020-02-26.zip",
    ),
}

Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)
# An index lists a few dozen models; anything much larger is not one.
MAX_INDEX_BYTES = 10 * 1024 * 1024


class ModelError(Exception):
    """Installing, removing or verifying a model failed; the message says why."""


@dataclass(frozen=True)
class InstalledModel:
    pair: str
    name: str
    version: str
    path: Path
    origin: str
    sha256: str
    files: dict[str, str]
    # (tokens the model may write, its vocabulary) when its output is restricted (vmap.txt).
    output_vocabulary: tuple[int, int] | None = None

    @property
    def source(self) -> str:
        return self.pair.split("-")[0]

    @property
    def target(self) -> str:
        return self.pair.split("-")[1]

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def size(self) -> int:
        return sum(
            (self.path / name).stat().st_size for name in self.files if (self.path / name).exists()
        )


def check_pair(pair: str) -> str:
    if not PAIR.match(pair):
        raise ModelError(f"{pair!r} is not a language pair; write it like de-en")
    return pair


def read_manifest(directory: Path) -> InstalledModel | None:
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return InstalledModel(
        pair=data["pair"],
        name=data["name"],
        version=data["version"],
        path=directory,
        origin=data.get("origin", ""),
        sha256=data.get("sha256", ""),
        files=dict(data.get("files", {})),
        output_vocabulary=_pair_of_ints(data.get("output_vocabulary")),
    )


def _pair_of_ints(value: Any) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    return None


def store_signature(model_dir: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """What changes whenever a model is installed, replaced or removed: each pair folder's
    name with its manifest's device, inode, modification time (ns) and size (the installer
    replaces the manifest atomically, so a new one has a new inode). Stat calls only."""
    if not model_dir.is_dir():
        return ()
    entries = []
    for child in sorted(model_dir.iterdir()):
        if PAIR.match(child.name):
            try:
                stat = (child / MANIFEST).stat()
            except OSError:
                continue
            entries.append((child.name, stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def installed_models(model_dir: Path) -> list[InstalledModel]:
    if not model_dir.is_dir():
        return []
    found = []
    for child in sorted(model_dir.iterdir()):
        if child.is_dir() and PAIR.match(child.name):
            model = read_manifest(child)
            if model is not None:
                found.append(model)
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- downloading -----------------------------------------------------------------------


def download(
    url: str,
    destination: Path,
    *,
    expected_sha256: str = "",
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> str:
    """Stream url into destination; returns its SHA-256. On any failure nothing is left.

    ``timeout``: seconds to wait for the server at each step (connecting, each read);
    ``progress`` is told (bytes so far, total or None) after each chunk."""
    import httpx

    from newsdesk.core import http_client as http

    partial = destination.with_name(destination.name + ".part")
    digest = hashlib.sha256()
    received = 0
    try:
        http.check_url(url)
        with http.client(timeout=timeout) as session, session.stream("GET", url) as response:
            if response.status_code != 200:
                raise ModelError(f"{url} answered HTTP {response.status_code}")
            length_header = response.headers.get("content-length")
            total = int(length_header) if length_header and length_header.isdigit() else None
            with partial.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress:
                        progress(received, total)
            if total is not None and received != total:
                raise ModelError(
                    f"download of {url} was interrupted after {received} of {total} bytes"
                )
    except (httpx.HTTPError, http.FetchError) as exc:
        partial.unlink(missing_ok=True)
        problem = http.fetch_error(exc, url, timeout=timeout).problem
        raise ModelError(f"download of {url} failed after {received} bytes: {problem}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    actual = digest.hexdigest()
    if expected_sha256 and actual != expected_sha256.lower():
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"checksum mismatch for {url}: expected {expected_sha256}, got {actual}; "
            "the file was discarded"
        )
    partial.replace(destination)
    return actual


def resolve_release(pair: str, index_url: str = "", timeout: float = 30.0) -> dict[str, str]:
    """Where to download a pair: from the JSON index at index_url, or the built-in list.

    The index is ``{"models": [{"pair", "name", "version", "url", "sha256"}]}``; a relative
    url is taken relative to the index.
    """
    check_pair(pair)
    if index_url:
        from newsdesk.core import http_client as http

        try:
            index = http.fetch_bytes(index_url, timeout=timeout, max_bytes=MAX_INDEX_BYTES)
        except http.FetchError as exc:
            raise ModelError(f"the model index {index_url} cannot be read: {exc.problem}") from None
        try:
            entries = json.loads(index.body)["models"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"the model index {index_url} cannot be read: {exc}") from None
        for entry in entries:
            if isinstance(entry, dict) and entry.get("pair") == pair and entry.get("url"):
                return {
                    "name": str(entry.get("name") or f"model-{pair}"),
                    "version": str(entry.get("version") or "unknown"),
                    "url": urljoin(index_url, str(entry["url"])),
                    "sha256": str(entry.get("sha256") or ""),
                }
        raise ModelError(f"the model index {index_url} has no model for {pair}")
    if pair not in OPUS_MT_RELEASES:
        raise ModelError(
            f"no known release for {pair}; use --from PATH or --url URL, or set "
            "NEWSDESK_MODEL_INDEX_URL to an index that lists it"
        )
    name, version, url = OPUS_MT_RELEASES[pair]
    return {"name": name, "version": version, "url": url, "sha256": ""}


# --- installing ------------------------------------------------------------------------


@contextlib.contextmanager
def _without_pytorch() -> Iterator[None]:
    """Import CTranslate2's converters without PyTorch.

    Importing ``ctranslate2.converters`` imports PyTorch and transformers when they are
    installed (for its Hugging Face converter; ~9 s); the OPUS-MT converter needs neither.
    """
    blocked = [
        name for name in ("torch", "transformers", "huggingface_hub") if name not in sys.modules
    ]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def convert_opus_mt(release_dir: Path, output_dir: Path, quantization: str = "int8") -> None:
    """An OPUS-MT (Marian) release directory to a CTranslate2 model (no PyTorch needed)."""
    if "ctranslate2.converters" not in sys.modules:
        with _without_pytorch():
            import ctranslate2.converters  # noqa: F401
    from ctranslate2.converters import OpusMTConverter

    try:
        OpusMTConverter(str(release_dir)).convert(
            str(output_dir), quantization=quantization, force=True
        )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"the OPUS-MT release cannot be converted: {exc}") from None
    for name in ("source.spm", "target.spm"):
        shutil.copy2(release_dir / name, output_dir / name)


# CTranslate2's vocabulary map: a line "<source n-gram>\t<target tokens>" per rule; the line
# with an empty n-gram lists the tokens that are always candidates.
VOCABULARY_MAP = "vmap.txt"
# Below this share of the vocabulary, restricting the output layer is worth it.
RESTRICT_BELOW = 0.9


def _model_vocabulary(directory: Path) -> list[str] | None:
    """The target vocabulary of a CTranslate2 model directory, in id order (None if unknown)."""
    for name in ("shared_vocabulary", "target_vocabulary"):
        json_file, text_file = directory / f"{name}.json", directory / f"{name}.txt"
        if json_file.exists():
            data = json.loads(json_file.read_text(encoding="utf-8"))
            return [str(token) for token in data] if isinstance(data, list) else None
        if text_file.exists():
            return text_file.read_text(encoding="utf-8").split("\n")[:-1]
    return None


def target_candidates(directory: Path) -> tuple[list[str], int] | None:
    """The tokens the model can usefully write, and the size of its vocabulary.

    OPUS-MT models share one vocabulary between source and target (de-en: 58,101 tokens, the
    union of two 32k sentencepiece vocabularies), but were trained to write only the pieces of
    ``target.spm``: the target side of their training data was cut with it, so a source-only
    piece was never a right answer, and the target side could not even spell it back. Scoring
    only those pieces (and the special tokens) saves nearly half of the output layer at every
    decoding step. None when the model's vocabulary cannot be read or the target pieces make up
    most of it (Argos packages: one sentencepiece model for both sides).
    """
    import sentencepiece as spm

    try:
        vocabulary = _model_vocabulary(directory)
        processor = spm.SentencePieceProcessor(model_file=str(directory / "target.spm"))
    except (OSError, ValueError, RuntimeError):
        return None
    if not vocabulary:
        return None
    known = set(vocabulary)
    pieces = [
        processor.id_to_piece(index)
        for index in range(processor.get_piece_size())
        if not (processor.is_control(index) or processor.is_unknown(index))
    ]
    # No space may appear in a token of the map (it separates them); sentencepiece writes
    # spaces as "▁", so none does in practice.
    candidates = [piece for piece in pieces if piece in known and " " not in piece]
    if len(candidates) >= RESTRICT_BELOW * len(vocabulary):
        return None
    return candidates, len(vocabulary)


def _existing_map(path: Path, vocabulary_size: int | None) -> tuple[int, int] | None:
    """(candidates, vocabulary size) of a map that only lists fixed candidates (as newsdesk
    writes them); None for any other map (n-gram rules of a model's own)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != 1 or not lines[0].startswith("\t") or vocabulary_size is None:
        return None
    return len(lines[0][1:].split(" ")), vocabulary_size


def write_vocabulary_map(directory: Path) -> tuple[int, int] | None:
    """Write the model's vocabulary map (``vmap.txt``) restricting its output to the target
    pieces; returns (candidates, vocabulary size), or None when it would not help. A map that
    came with the model stays as it is. Written to a temporary name and renamed: never read
    half."""
    path = directory / VOCABULARY_MAP
    if path.exists():
        vocabulary = _model_vocabulary(directory)
        return _existing_map(path, len(vocabulary) if vocabulary else None)
    found = target_candidates(directory)
    if found is None:
        return None
    candidates, size = found
    _replace_atomically(path, "\t" + " ".join(candidates) + "\n")
    return len(candidates), size


def _replace_atomically(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file of its own beside it and a rename: a reader
    never sees half, and two processes writing at once do not share a temporary file."""
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def record_vocabulary_map(model: InstalledModel, written: tuple[int, int]) -> None:
    """Add a map written after the install to the model's manifest (its counts, and its
    checksum for ``verify``), replacing the manifest in one rename."""
    manifest_path = model.path / MANIFEST
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    data["output_vocabulary"] = list(written)
    data.setdefault("files", {})[VOCABULARY_MAP] = sha256_file(model.path / VOCABULARY_MAP)
    _replace_atomically(manifest_path, json.dumps(data, indent=2))


def _languages_from_readme(release_dir: Path) -> tuple[str, str] | None:
    try:
        text = (release_dir / "README.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    source = re.search(r"source language\(s\):\s*([a-z]{2,3})\b", text)
    target = re.search(r"target language\(s\):\s*([a-z]{2,3})\b", text)
    return (source.group(1), target.group(1)) if source and target else None


def _find_root(directory: Path, marker: str) -> Path | None:
    """The directory holding `marker` (archives often wrap everything in one folder)."""
    if (directory / marker).exists():
        return directory
    for candidate in sorted(directory.rglob(marker)):
        return candidate.parent
    return None


def _prepare(
    source_dir: Path, staging: Path, pair: str | None, say: Callable[[str], None]
) -> tuple[str, str, str]:
    """Turn an unpacked release into a model in staging; returns (pair, format, name hint)."""
    opus = _find_root(source_dir, "decoder.yml")
    if opus is not None:
        languages = _languages_from_readme(opus)
        found_pair = f"{languages[0]}-{languages[1]}" if languages else None
        pair = pair or found_pair
        if not pair:
            raise ModelError("the release does not say its languages; pass --pair, e.g. de-en")
        for needed in ("source.spm", "target.spm"):
            if not (opus / needed).exists():
                raise ModelError(f"the OPUS-MT release lacks {needed}")
        say("converting the OPUS-MT release to CTranslate2 (int8)")
        convert_opus_mt(opus, staging)
        return pair, "opus-mt", f"opus-mt-{pair}"
    argos = _find_root(source_dir, "metadata.json")
    if argos is not None and (argos / "model" / "model.bin").exists():
        try:
            metadata = json.loads((argos / "metadata.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelError(f"the Argos package's metadata.json is not JSON: {exc}") from None
        found_pair = f"{metadata.get('from_code')}-{metadata.get('to_code')}"
        pair = pair or found_pair
        spm_file = argos / "sentencepiece.model"
        if not spm_file.exists():
            raise ModelError("only Argos packages with sentencepiece.model are supported")
        say("copying the Argos package's CTranslate2 model")
        shutil.copytree(argos / "model", staging, dirs_exist_ok=True)
        shutil.copy2(spm_file, staging / "source.spm")
        shutil.copy2(spm_file, staging / "target.spm")
        return pair, "argos", f"argos-{pair}-{metadata.get('package_version', '')}".rstrip("-")
    ct2 = _find_root(source_dir, "model.bin")
    if ct2 is not None and (ct2 / "source.spm").exists() and (ct2 / "target.spm").exists():
        if not pair:
            manifest = read_manifest(ct2)
            pair = manifest.pair if manifest else None
        if not pair:
            raise ModelError("a bare CTranslate2 model does not say its languages; pass --pair")
        say("copying the CTranslate2 model")
        shutil.copytree(ct2, staging, dirs_exist_ok=True)
        (staging / MANIFEST).unlink(missing_ok=True)
        return pair, "ctranslate2", f"ct2-{pair}"
    raise ModelError(
        "not a model: expected an OPUS-MT release (decoder.yml, .npz, .spm), an Argos "
        "package (metadata.json, model/) or a CTranslate2 model with source/target.spm"
    )


def _check_loads(directory: Path) -> None:
    """Raise ModelError unless the model and its sentencepiece files load.

    Always on the CPU with int8, whatever NEWSDESK_MT_DEVICE says: the check is about the
    files (the same model.bin loads on CUDA), ``newsdesk models install`` often runs on a
    machine without the workers' GPU (a shared model volume), and a GPU load here would take
    GPU memory beside a running worker. Whether the device and compute type work is checked
    where it matters, when the engine starts (translation.engines.device.choose_device)."""
    import ctranslate2
    import sentencepiece as spm

    try:
        ctranslate2.Translator(str(directory), device="cpu", compute_type="int8")
        spm.SentencePieceProcessor(model_file=str(directory / "source.spm"))
        spm.SentencePieceProcessor(model_file=str(directory / "target.spm"))
    except (RuntimeError, OSError, ValueError) as exc:
        raise ModelError(f"the installed model does not load: {exc}") from None


def install_from_path(
    path: Path,
    model_dir: Path,
    *,
    pair: str | None = None,
    name: str = "",
    version: str = "",
    origin: str = "",
    archive_sha256: str = "",
    expected_sha256: str = "",
    replace: bool = True,
    step: Callable[[str], None] | None = None,
) -> InstalledModel:
    """Install from a zip/.argosmodel file or an unpacked directory, atomically. ``step`` is
    told what is being done next (unpacking, converting, checking), for a progress display."""
    say = step or (lambda _what: None)
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path} does not exist")
    if pair:
        check_pair(pair)
    model_dir.mkdir(parents=True, exist_ok=True)
    if path.is_file():
        archive_sha256 = archive_sha256 or sha256_file(path)
        if expected_sha256 and archive_sha256 != expected_sha256.lower():
            raise ModelError(
                f"checksum mismatch for {path}: expected {expected_sha256}, got {archive_sha256}"
            )
    work = Path(tempfile.mkdtemp(prefix=".install-", dir=model_dir))
    try:
        if path.is_file():
            if not zipfile.is_zipfile(path):
                raise ModelError(f"{path} is neither a directory nor a zip archive")
            unpacked = work / "unpacked"
            say(f"unpacking {path.name}")
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    target = (unpacked / member).resolve()
                    if not target.is_relative_to(unpacked.resolve()):
                        raise ModelError(f"{path} holds a file outside its folder: {member}")
                archive.extractall(unpacked)  # noqa: S202  (members checked above)
        else:
            unpacked = path
        staging = work / "model"
        staging.mkdir()
        found_pair, fmt, name_hint = _prepare(unpacked, staging, pair, say)
        check_pair(found_pair)
        say("finding the tokens of the target language")
        restricted = write_vocabulary_map(staging)
        destination = model_dir / found_pair
        if destination.exists() and not replace:
            raise ModelError(f"{found_pair} is already installed; remove it first or use --force")
        files = {
            str(p.relative_to(staging)): sha256_file(p)
            for p in sorted(staging.rglob("*"))
            if p.is_file()
        }
        manifest = {
            "pair": found_pair,
            "name": name or name_hint,
            "version": version or "unknown",
            "format": fmt,
            "origin": origin or str(path),
            "sha256": archive_sha256,
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": files,
            # Tokens the model may write / its vocabulary (see target_candidates).
            "output_vocabulary": list(restricted) if restricted else None,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        say("checking that the model loads")
        _check_loads(staging)
        # Swap in: the old model (if any) moves aside first, then the new one takes its name.
        old = work / "old"
        if destination.exists():
            os.replace(destination, old)
        os.replace(staging, destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    installed = read_manifest(destination)
    assert installed is not None
    return installed


def install_pair(
    pair: str,
    model_dir: Path,
    *,
    index_url: str = "",
    url: str = "",
    expected_sha256: str = "",
    progress: Progress | None = None,
    replace: bool = True,
    step: Callable[[str], None] | None = None,
) -> InstalledModel:
    """Download a pair's release (from url, the index or the built-in list) and install it."""
    check_pair(pair)
    release = (
        {"name": "", "version": "", "url": url, "sha256": ""}
        if url
        else resolve_release(pair, index_url)
    )
    expected = expected_sha256 or release["sha256"]
    model_dir.mkdir(parents=True, exist_ok=True)
    downloads = Path(tempfile.mkdtemp(prefix=".download-", dir=model_dir))
    try:
        archive = downloads / "release.zip"
        actual = download(release["url"], archive, expected_sha256=expected, progress=progress)
        return install_from_path(
            archive,
            model_dir,
            pair=pair,
            name=release["name"],
            version=release["version"],
            origin=release["url"],
            archive_sha256=actual,
            replace=replace,
            step=step,
        )
    finally:
        shutil.rmtree(downloads, ignore_errors=True)


def remove(pair: str, model_dir: Path) -> InstalledModel:
    check_pair(pair)
    model = read_manifest(model_dir / pair)
    if model is None:
        raise ModelError(f"no model is installed for {pair}")
    trash = Path(tempfile.mkdtemp(prefix=".remove-", dir=model_dir))
    os.replace(model_dir / pair, trash / pair)
    shutil.rmtree(trash, ignore_errors=True)
    return model


def verify(model: InstalledModel) -> list[str]:
    """Problems with an installed model (missing or changed files, does not load)."""
    problems = []
    for name, expected in sorted(model.files.items()):
        file = model.path / name
        if not file.exists():
            problems.append(f"{name} is missing")
        elif sha256_file(file) != expected:
            problems.append(f"{name} has changed since it was installed")
    if not problems:
        try:
            _check_loads(model.path)
        except ModelError as exc:
            problems.append(str(exc))
    return problems
