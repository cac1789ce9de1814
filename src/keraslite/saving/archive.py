"""The ``.keras`` zip archive: ``metadata.json``, ``config.json`` and ``model.weights.h5``.

Writing stores the members uncompressed, as Keras 3 does. Reading loads members into memory
(nothing is ever extracted to disk) and refuses archives that are not what they claim:
member names with ``..``, absolute or drive paths, duplicate names, members that declare
more bytes than allowed or far more than they store (zip bombs), and truncated or corrupt
archives.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
import zlib
from typing import Any

from keraslite._version import __version__
from keraslite.saving.resolve import UnsafeFileError

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets/"
# Keras 3 wrote .keras files to this layout; the version names the format that is followed.
FORMAT_KERAS_VERSION = "3.15.1"
# Limits on what a member may declare before a single byte of it is decompressed.
MAX_JSON_BYTES = 256 << 20  # 256 MiB of config
MAX_MEMBER_BYTES = 64 << 30  # 64 GiB of weights
MAX_EXPANSION = 100  # Keras stores members uncompressed; DEFLATE caps out near 1032:1
EXPANSION_FLOOR_BYTES = 1 << 20


def metadata_json() -> str:
    return json.dumps({
        "keras_version": FORMAT_KERAS_VERSION,
        "keraslite_version": __version__,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })


def write_archive(f: Any, config_json: str, weights: bytes,
                  assets: dict[str, bytes] | None = None) -> None:
    """Write the members of a ``.keras`` file to the binary file object ``f``: metadata,
    config, weights, and the layers' ``assets/...`` files if any.
    """
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA, metadata_json())
        zf.writestr(CONFIG, config_json)
        zf.writestr(WEIGHTS, weights)
        for name, data in sorted((assets or {}).items()):
            zf.writestr(name, data)


def is_zip(source: Any) -> bool:
    try:
        return zipfile.is_zipfile(source)
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def read_archive(source: Any, want_weights: bool = True, want_config: bool = True,
                 want_assets: bool = False) -> dict[str, bytes]:
    """The members of a ``.keras`` archive, as bytes, after checking the archive.

    Args:
        source: a path or a readable binary file object.
        want_weights: also read ``model.weights.h5`` (an error if it is missing).
        want_config: also read ``config.json`` (an error if it is missing).
        want_assets: also read the members under ``assets/`` (layers' vocabularies, ...).

    Returns:
        ``{member name: bytes}`` for ``config.json``, ``metadata.json`` (if present) and
        ``model.weights.h5``.

    """
    data = _read_all(source)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ValueError(
            "This is not a valid .keras file: the zip archive is truncated or corrupt "
            f"(an interrupted copy or download?). Received error: {error}"
        ) from None
    with zf:
        infos = zf.infolist()
        _check_names(infos)
        names = {info.filename: info for info in infos}
        wanted = ([CONFIG] if want_config else []) + ([WEIGHTS] if want_weights else [])
        missing = [n for n in wanted if n not in names]
        if missing:
            raise ValueError(
                f"This is not a valid .keras file: it has no {missing[0]!r}. Received members: "
                f"{sorted(names)[:20]}"
            )
        out = {}
        assets = [n for n in names if want_assets and n.startswith(ASSETS)]
        for name in wanted + ([METADATA] if METADATA in names else []) + assets:
            limit = MAX_MEMBER_BYTES if name == WEIGHTS or name in assets else MAX_JSON_BYTES
            out[name] = _read_member(zf, names[name], limit)
    return out


def _read_all(source: Any) -> bytes:
    if hasattr(source, "read"):
        return source.read()
    with open(source, "rb") as f:
        return f.read()


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or "\\" in name or ":" in name \
                or "\x00" in name or (len(name) > 1 and name[1] == ":"):
            raise UnsafeFileError(
                f"Refusing the .keras file: it contains the member {name!r}, whose path escapes "
                "the archive (absolute, drive or '..' path). Keras never writes such names."
            )
        if name in seen:
            raise UnsafeFileError(
                f"Refusing the .keras file: the member {name!r} appears twice, so what is "
                "read would depend on the reader."
            )
        seen.add(name)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    name = info.filename
    if info.file_size > limit:
        raise UnsafeFileError(
            f"Refusing the .keras file: member {name!r} declares {info.file_size} bytes, more "
            f"than the {limit} allowed for it."
        )
    if info.file_size > EXPANSION_FLOOR_BYTES and \
            info.file_size > MAX_EXPANSION * max(info.compress_size, 1):
        raise UnsafeFileError(
            f"Refusing the .keras file: member {name!r} declares {info.file_size} bytes but "
            f"stores only {info.compress_size}; this looks like a zip bomb."
        )
    try:
        with zf.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise ValueError(
            f"This is not a valid .keras file: member {name!r} is truncated or corrupt. "
            f"Received error: {error}"
        ) from None
    if len(data) != info.file_size:
        raise ValueError(
            f"This is not a valid .keras file: member {name!r} should hold {info.file_size} "
            f"bytes but holds {len(data)} (truncated or corrupt)."
        )
    return data


def parse_json(data: bytes, name: str) -> Any:
    """Parse a JSON member with a clear error."""
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"This is not a valid .keras file: {name} is not valid JSON. "
                         f"Received error: {error}") from None
