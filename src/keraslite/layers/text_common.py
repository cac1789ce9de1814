"""Shared pieces of the text and categorical preprocessing layers.

Strings never leave the host: they are held as NumPy object arrays of Python ``str`` (bytes
are decoded as UTF-8), and only the numbers a layer outputs become Tensors. This module holds
the input conversion, the iteration over ``adapt`` data, and the encoding of integer ids as
``one_hot`` / ``multi_hot`` / ``count`` vectors that the lookup, hashing and category
encoding layers share.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.layers.symbolic import KerasTensor

ENCODING_MODES = ("one_hot", "multi_hot", "count")


def string_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` names strings: ``"string"``, ``str``, ``bytes``, object, ``tf.string``."""
    if dtype in ("string", "str", str, bytes, object):
        return True
    try:
        return xp.dtype(dtype).kind in "OUS"
    except TypeError:
        return False


def _decode(value: Any, encoding: str = "utf-8") -> str:
    if isinstance(value, bytes):
        return value.decode(encoding)
    if isinstance(value, str):
        return value
    raise TypeError(f"Expected strings, found a {type(value).__name__} ({value!r:.40}). "
                    "Received: a non-string value in string data")


def to_strings(x: Any, encoding: str = "utf-8") -> Any:
    """``x`` (a str, list, array or Tensor of strings or bytes) as an object array of str."""
    if isinstance(x, Tensor):
        x = x.value
    if hasattr(x, "to_numpy"):
        x = x.to_numpy()
    array = xp.asarray(x, dtype=object) if not isinstance(x, str) else xp.asarray(x, object)
    if array.dtype.kind != "O":
        array = array.astype(object)
    flat = array.reshape(-1)
    if any(not isinstance(v, str) for v in flat):
        out = xp.empty(array.shape, dtype=object)
        out.reshape(-1)[:] = [_decode(v, encoding) for v in flat]
        return out
    return array


def to_numbers(x: Any) -> Any:
    """``x`` as an int64 array (floats are truncated, as Keras' casts do)."""
    if isinstance(x, Tensor):
        x = x.value
    array = xp.asarray(x)
    if array.dtype.kind not in "iub":
        if array.dtype.kind == "f":
            return array.astype(xp.int64)
        raise TypeError(f"Expected integer ids. Received: data of dtype {array.dtype}")
    return array.astype(xp.int64)


def adapt_batches(data: Any, steps: int | None, layer: str) -> tuple[bool, Any]:
    """``(whole, batches)``: ``whole`` is True for one in-memory collection (a list, tuple,
    array or Tensor: its first axis lists samples), False for an iterable of batches (a
    dataset, generator or PyDataset; each batch may be an ``(x, y)`` tuple, whose x is used).
    """
    if isinstance(data, (list, tuple, str, Tensor)) or hasattr(data, "__array_interface__") \
            or hasattr(data, "to_numpy"):
        return True, iter([data])
    if hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        items: Any = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__"):
        items = iter(data)
    else:
        raise TypeError(f"{layer}.adapt() expects a list, a NumPy array, a Tensor, or an "
                        "iterable of batches (a tf.data.Dataset, a generator, a PyDataset). "
                        f"Received: {type(data).__name__}")
    if steps is not None:
        items = itertools.islice(items, steps)
    return False, (b[0] if isinstance(b, tuple) else b for b in items)



def checked_ids(ids: Any, mode: str, depth: int) -> Any:
    """``ids`` after checking that each lies in ``[-1, depth)`` (``-1``: skipped); in
    ``one_hot`` mode a trailing axis of 1 is dropped.
    """
    if ids.size and (ids.max() >= depth or ids.min() < -1):
        bad = int(ids.max() if ids.max() >= depth else ids.min())
        raise ValueError(f"Found an id out of range [0, {depth}): {bad}. Ids must be smaller "
                         f"than num_tokens/depth ({depth}). Received: an input containing {bad}")
    if mode == "one_hot" and ids.ndim > 1 and ids.shape[-1] == 1:
        ids = ids[..., 0]
    return ids

def encode(ids: Any, mode: str, depth: int, weights: Any = None) -> Any:
    """Integer ids as ``one_hot`` / ``multi_hot`` / ``count`` vectors of ``depth`` (floatx).

    As in Keras, for ``multi_hot`` and ``count`` the last axis lists the ids of one sample (a
    1-D array is one sample); ``-1`` entries are ignored (a dropped mask or padding), and
    ``weights`` (``count`` only) weigh each id. For ``one_hot`` each id becomes a vector; a
    trailing axis of 1 is dropped first.

    Math: ``multi_hot[..., j] = 1 if j in ids[..., :]``, ``count[..., j] = sum_k w_k [ids_k = j]``.
    """
    ids = xp.asarray(ids, dtype=xp.int64)
    dtype = floatx() if weights is None else xp.asarray(weights).dtype
    if ids.ndim == 0:
        ids = ids.reshape(1)
    ids = checked_ids(ids, mode, depth)
    if mode == "one_hot":
        flat = ids.reshape(-1)
        out = xp.zeros((flat.size, depth + 1), dtype)
        out[xp.arange(flat.size), xp.where(flat >= 0, flat, depth)] = 1
        return out[:, :depth].reshape(ids.shape + (depth,))
    rows = ids.reshape(-1, ids.shape[-1])
    out = xp.zeros((rows.shape[0], depth), dtype)
    keep = rows >= 0  # -1: a dropped mask or padding
    flat = (xp.arange(rows.shape[0])[:, None] * depth + rows)[keep]
    cells, inverse = xp.unique(flat, return_inverse=True)  # sorting beats xp.add.at
    if mode == "multi_hot":
        out.reshape(-1)[cells] = 1
    else:
        w = None if weights is None else xp.asarray(weights, dtype).reshape(rows.shape)[keep]
        out.reshape(-1)[cells] = xp.bincount(inverse.reshape(-1), weights=w,
                                             minlength=len(cells))
    return out.reshape(ids.shape[:-1] + (depth,))

def encoded_shape(shape: tuple, mode: str, depth: int | None) -> tuple:
    """The output shape of :func:`encode` for an input ``shape`` (Keras' rule)."""
    shape = tuple(shape)
    if mode == "int":
        return shape
    if not shape:
        return (depth,)
    if mode == "one_hot":
        return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
    return shape[:-1] + (depth,)


def as_batch(x: Any) -> Any:
    """A Python list or tuple of values as one array (strings as an object array)."""
    array = xp.asarray(x)
    return array.astype(object) if array.dtype.kind in "US" else array


class DataLayerCalls:
    """Mixed in before ``Layer``: a Python list given to the layer is one batch of values (as
    in ``StringLookup(...)(["a", "b"])``), not a list of separate inputs.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], (list, tuple)) and not any(
                isinstance(v, KerasTensor) for v in args[0]):
            args = (as_batch(args[0]),) + args[1:]
        return super().__call__(*args, **kwargs)


def spec(shape: tuple, dtype: str) -> KerasTensor:
    return KerasTensor(shape, dtype=dtype)


def listed(value: Any) -> Any:
    """Arrays and Tensors as (nested) lists, for configs; None and paths as they are."""
    if value is None or isinstance(value, (str, os.PathLike)):
        return value
    if isinstance(value, Tensor):
        value = value.value
    if hasattr(value, "tolist"):
        return value.tolist()
    return list(value)


def sort_key(token: Any) -> Any:
    """Keras breaks count ties by comparing tokens (UTF-8 bytes for strings), larger first."""
    return token.encode("utf-8") if isinstance(token, str) else token
