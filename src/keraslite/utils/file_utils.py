"""``keraslite.utils.get_file``: download once into Keras' cache, verified and atomic.

Files land where Keras 3 puts them (``$KERAS_HOME/<cache_subdir>``, by default
``~/.keras/datasets``), so keraslite and Keras share one cache. A download is written to a
temporary file in the same folder, checked against ``file_hash``, and only then renamed into
place: an interrupted or corrupted download never leaves a file behind under the final name.
Archives (tar, tar.gz, zip) are extracted without letting any member escape the target folder.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
from typing import Any

_CHUNK = 1 << 16


def keras_home() -> str:
    """``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` when the home is not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _hasher(algorithm: str, file_hash: str | None = None) -> Any:
    """sha256 for "sha256" (or "auto" with a 64-character hash), else md5, as Keras."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()  # noqa: S324 - Keras' published md5 checksums, not security


def hash_file(fpath: Any, algorithm: Any = "sha256", chunk_size: int = _CHUNK) -> str:
    """The hex digest of a file ("sha256", "md5", or a hashlib object)."""
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: Any, file_hash: str, algorithm: str = "auto",
                  chunk_size: int = _CHUNK) -> bool:
    """Whether the file's hash equals ``file_hash``."""
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def _inside(base: str, name: str) -> bool:
    path = os.path.realpath(os.path.join(base, name))
    try:
        return os.path.commonpath([path, base]) == base
    except ValueError:
        return False


def _safe_members(archive: Any, base: str) -> list:
    """The members whose paths (and link targets) stay inside ``base``; the others are
    skipped with a warning.
    """
    base = os.path.realpath(base)
    keep = []
    if isinstance(archive, zipfile.ZipFile):
        members = [(m, m.filename, None) for m in archive.infolist()]
    else:
        members = []
        for m in archive.getmembers():
            link = None
            if m.issym():
                link = os.path.join(os.path.dirname(m.name), m.linkname)
            elif m.islnk():
                link = m.linkname
            if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
                link = os.pardir  # devices, fifos: never extracted
            members.append((m, m.name, link))
    for member, name, link in members:
        if _inside(base, name) and (link is None or _inside(base, link)):
            keep.append(member)
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: '{name}'.",
                          stacklevel=3)
    return keep


def extract_archive(file_path: Any, path: Any = ".", archive_format: Any = "auto") -> bool:
    """Extract a tar(.gz/.bz2/.xz) or zip archive into ``path``; False if it is neither.

    The archive goes to a temporary folder next to ``path`` first, renamed when complete.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise NotImplementedError(f"archive_format={kind!r}: use 'tar', 'zip' or 'auto'")
        opener, matches = (tarfile.open, tarfile.is_tarfile) if kind == "tar" else \
            (zipfile.ZipFile, zipfile.is_zipfile)
        if not matches(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".extracting-", dir=parent)
        try:
            with opener(file_path) as archive:
                members = _safe_members(archive, staging)
                kwargs = {}
                if kind == "tar" and sys.version_info >= (3, 12):
                    kwargs["filter"] = "data"
                archive.extractall(staging, members=members, **kwargs)
            if os.path.isdir(path):
                shutil.rmtree(path)
            os.replace(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True
    return False


def _download(origin: str, target: str, file_hash: str | None, algorithm: str) -> None:
    """Stream ``origin`` into a temporary file beside ``target``, check it, rename it."""
    print(f"Downloading data from {origin}")
    folder = os.path.dirname(target)
    fd, partial = tempfile.mkstemp(prefix=os.path.basename(target) + ".", suffix=".part",
                                   dir=folder)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(origin) as response:
            total = response.headers.get("Content-Length")
            from keraslite.utils.progbar import Progbar

            bar = Progbar(int(total) if total else None, unit_name="B")
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                done += len(chunk)
                bar.update(done)
            if total and done != int(total):
                raise OSError(f"the connection closed after {done} of {total} bytes")
        if file_hash is not None and not validate_file(partial, file_hash, algorithm):
            raise ValueError(
                f"Incomplete or corrupted file detected. The {algorithm} file hash of the data "
                f"downloaded from {origin} does not match the provided value of {file_hash}. "
                "Nothing was saved; try again (or check `file_hash`).")
        os.replace(partial, target)
    except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
        reason = getattr(error, "reason", None) or getattr(error, "code", None) or error
        raise OSError(
            f"Could not download '{os.path.basename(target)}' from {origin} ({reason}). If "
            f"this machine is offline, download that URL on another machine and put the file "
            f"at {target} (the cache keraslite shares with Keras: $KERAS_HOME or ~/.keras); "
            "its checksum is verified when it is used.") from error
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def get_file(fname: Any = None, origin: str | None = None, untar: bool = False,
             md5_hash: str | None = None, file_hash: str | None = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: bool = False, archive_format: Any = "auto", cache_dir: Any = None,
             force_download: bool = False) -> str:
    """Download a file from ``origin`` unless it is already in the cache; return its path.

    Args:
        fname: the file's name in the cache (default: the last part of ``origin``'s path).
            With ``extract``, a name without a dot names the extraction folder.
        origin: the URL.
        untar: deprecated; as ``extract=True`` for a tar archive.
        md5_hash: deprecated; as ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 or md5 hex digest; a cached file that does not match
            is downloaded again, a download that does not match is rejected.
        cache_subdir: the folder under ``cache_dir`` ("datasets").
        hash_algorithm: "sha256", "md5" or "auto" (by the hash's length).
        extract: extract the archive (tar or zip) and return the extraction folder.
        archive_format: "auto", "tar", "zip", a list of them, or None.
        cache_dir: the cache root (default ``$KERAS_HOME``, else ``~/.keras``).
        force_download: download even when a cached copy exists.

    Returns:
        The path of the downloaded file (or of the extraction folder with ``extract``).

    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else keras_home())
    if not os.access(base, os.W_OK) and os.path.exists(base):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    given = fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname or fname in (os.curdir, os.pardir):
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the "
                         f"file's parent directory, use the `cache_dir` argument. Received: "
                         f"fname={fname}")
    extraction_dir = None
    if extract or untar:
        if given and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and \
            not validate_file(target, file_hash, hash_algorithm):
        print("A local file was found, but it seems to be incomplete or outdated because the "
              f"{hash_algorithm} file hash does not match the original value of {file_hash} so "
              "we will re-download the data.")
        download = True
    if download:
        _download(origin, target, file_hash, hash_algorithm)
    if extraction_dir is None:
        return target
    if download or not os.path.isdir(extraction_dir):
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
    return extraction_dir
