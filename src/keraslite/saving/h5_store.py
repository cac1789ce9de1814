"""HDF5 weights files (``model.weights.h5`` inside ``.keras``, and ``.weights.h5``).

h5py is an optional dependency (``pip install "keraslite[h5]"``), imported only here and only
when a file is written or read. Reading refuses what a weights file never needs and a hostile
one could use: links (soft or external), external or virtual datasets, non-numeric data, and
datasets declaring far more memory than the file stores (a "shape bomb").
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy

from keraslite.saving.resolve import UnsafeFileError

# A dataset that would expand to more than this many bytes per byte stored is refused, once
# it is larger than the floor. (Real weights, even compressed, are far below.)
MAX_EXPANSION = 1000
EXPANSION_FLOOR_BYTES = 1 << 26  # 64 MiB
_NUMERIC_KINDS = "biuf"


def require_h5py() -> Any:
    """Import h5py, or explain how to install it."""
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "Saving and loading .keras and .weights.h5 files needs h5py, an optional "
            "dependency of keraslite. Install it with: pip install \"keraslite[h5]\" (or pip "
            "install h5py). Received: h5py is not installed"
        ) from None
    return h5py


def write_h5(target: Any, entries: list[tuple[str, str | None, dict]],
             attrs: dict | None = None) -> None:
    """Write ``(path, name, {key: array})`` entries as Keras does: ``<path>/vars/<key>``.

    Args:
        target: a path or a writable binary file object.
        entries: from :func:`keraslite.saving.state.collect`.
        attrs: extra root attributes (strings), e.g. training metadata.

    """
    h5py = require_h5py()
    with h5py.File(target, "w") as f:
        for path, name, arrays in entries:
            group = f.create_group(f"{path}/vars" if path else "vars")
            if name:
                group.attrs["name"] = name
            for key, array in arrays.items():
                group.create_dataset(key, data=numpy.asarray(array))
        for key, value in (attrs or {}).items():
            f.attrs[key] = value


def h5_bytes(entries: list[tuple[str, str | None, dict]]) -> bytes:
    """The HDF5 file of ``entries`` as bytes (for a ``.keras`` archive)."""
    buffer = io.BytesIO()
    write_h5(buffer, entries)
    return buffer.getvalue()


class H5Reader:
    """Reads a Keras weights file with the safety checks described in the module docstring.

    Args:
        source: a path, bytes, or a readable binary file object.
        what: how to name the file in errors.

    """

    def __init__(self, source: Any, what: str = "weights file") -> None:
        h5py = require_h5py()
        self._h5py = h5py
        self.what = what
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        try:
            self.file = h5py.File(source, "r")
        except (OSError, ValueError) as error:
            raise ValueError(
                f"Could not read the {what}: it is not a valid HDF5 file (truncated or "
                f"corrupt?). Received error: {error}"
            ) from None

    def __enter__(self) -> H5Reader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.file.close()

    @property
    def attrs(self) -> dict:
        return {k: _attr(v) for k, v in self.file.attrs.items()}

    def group(self, path: str) -> Any:
        """The group at ``path`` (``""`` is the root), checked link by link; None if absent."""
        current = self.file
        for part in [p for p in path.split("/") if p]:
            if part in (".", ".."):
                raise UnsafeFileError(f"Invalid group path in the {self.what}: {path!r}")
            if part not in current:
                return None
            link = current.get(part, getlink=True)
            if not isinstance(link, self._h5py.HardLink):
                raise UnsafeFileError(
                    f"Refusing the {self.what}: '{path}' is a {type(link).__name__}; weights "
                    "files never need links, and external ones can read other files.")
            current = current[part]
            if not isinstance(current, self._h5py.Group):
                raise UnsafeFileError(f"Invalid {self.what}: '{path}' is not a group.")
        return current

    def read_vars(self, path: str) -> list | None:
        """The arrays under ``<path>/vars`` in index order, or None if there is no such group."""
        group = self.group(f"{path}/vars" if path else "vars")
        if group is None:
            return None
        return self.read_datasets(group, f"{path}/vars" if path else "vars")

    def read_named_vars(self, path: str) -> dict | None:
        """``{key: array}`` under ``<path>/vars`` whatever the keys (a layer's own
        ``save_own_variables`` may choose them), or None if there is no such group.
        """
        where = f"{path}/vars" if path else "vars"
        group = self.group(where)
        if group is None:
            return None
        return {name: self.dataset(group, name, f"{where}/{name}") for name in group.keys()}

    def read_datasets(self, group: Any, where: str, names: list[str] | None = None) -> list:
        """Datasets of ``group`` (``"0"``, ``"1"``, ... unless ``names`` are given)."""
        if names is None:
            keys = list(group.keys())
            names = [str(i) for i in range(len(keys))]
            if sorted(keys) != sorted(names):
                raise UnsafeFileError(
                    f"Invalid {self.what}: the variables at '{where}' should be numbered 0.."
                    f"{len(keys) - 1}. Received: {sorted(keys)[:10]}")
        return [self.dataset(group, name, f"{where}/{name}") for name in names]

    def dataset(self, group: Any, name: str, where: str) -> numpy.ndarray:
        """One dataset's value, after checking it is plain, local, numeric and not a bomb."""
        h5py = self._h5py
        if name not in group:
            raise ValueError(f"Invalid {self.what}: '{where}' is missing.")
        link = group.get(name, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise UnsafeFileError(f"Refusing the {self.what}: '{where}' is a "
                                  f"{type(link).__name__}.")
        ds = group[name]
        if not isinstance(ds, h5py.Dataset):
            raise UnsafeFileError(f"Invalid {self.what}: '{where}' is not a dataset.")
        if ds.external or ds.is_virtual:
            raise UnsafeFileError(f"Refusing the {self.what}: '{where}' stores its data outside"
                                  " the file (external or virtual dataset).")
        if ds.dtype.kind not in _NUMERIC_KINDS or ds.dtype.fields is not None:
            raise UnsafeFileError(f"Refusing the {self.what}: '{where}' holds non-numeric data "
                                  f"(dtype {ds.dtype}).")
        if ds.attrs.get("dtype") is not None and _attr(ds.attrs["dtype"]) == "bfloat16":
            raise TypeError(f"'{where}' is stored as bfloat16, which keraslite does not support.")
        declared = math.prod(ds.shape or ()) * ds.dtype.itemsize
        stored = ds.id.get_storage_size()
        if declared > EXPANSION_FLOOR_BYTES and declared > MAX_EXPANSION * max(stored, 1):
            raise UnsafeFileError(
                f"Refusing the {self.what}: '{where}' declares {declared} bytes but stores only "
                f"{stored}; this looks like a decompression (shape) bomb.")
        try:
            return numpy.asarray(ds[()])
        except OSError as error:
            raise ValueError(f"Could not read '{where}' from the {self.what} (truncated or "
                             f"corrupt?). Received error: {error}") from None


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, numpy.ndarray):
        return [_attr(v) for v in value.tolist()]
    if isinstance(value, numpy.generic):
        return value.item()
    return value
