"""Array helpers of ``keras.utils``: ``pad_sequences`` and ``normalize``."""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.backend import xp


def pad_sequences(sequences: Any, maxlen: int | None = None, dtype: Any = "int32",
                  padding: str = "pre", truncating: str = "pre", value: Any = 0.0) -> Any:
    """Pad (or truncate) a list of sequences to one length: an array ``(n, maxlen, ...)``.

    Args:
        sequences: a list of sequences (lists or arrays of ids, or of equal-shaped vectors).
        maxlen: the common length (default: the longest sequence).
        dtype: the output's dtype.
        padding: ``"pre"`` or ``"post"``: where the padding goes.
        truncating: ``"pre"`` or ``"post"``: which end of a longer sequence is cut off.
        value: the padding value.

    Raises:
        ValueError: for an unknown ``padding``/``truncating`` or a non-sequence entry.
    """
    for argument, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"`{argument}` must be 'pre' or 'post'. Received: "
                             f"{argument}={given!r}")
    rows = []
    for i, seq in enumerate(sequences):
        try:
            rows.append(xp.asarray(seq))
            len(seq)
        except TypeError:
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable "
                             f"{seq!r} at index {i}. Received: sequences[{i}]={seq!r}") from None
    if maxlen is None:
        maxlen = max((len(r) for r in rows), default=0)
    inner = next((r.shape[1:] for r in rows if len(r)), ())
    kind = xp.dtype(dtype).kind if dtype is not object else "O"
    if isinstance(value, str) and kind not in "OUS":
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: str. Use "
                         "dtype=object (or a string dtype) to pad sequences of strings. "
                         f"Received: value={value!r}, dtype={dtype!r}")
    for i, row in enumerate(rows):
        if len(row) and row.shape[1:] != inner:
            raise ValueError(f"Shape of sample {row.shape[1:]} of sequence at position {i} "
                             f"is different from expected shape {inner} (the first "
                             "non-empty sequence's)")
    out = xp.full((len(rows), maxlen) + tuple(inner), value, dtype=dtype)
    for i, row in enumerate(rows):
        if not len(row) or not maxlen:
            continue
        row = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if padding == "post":
            out[i, :len(row)] = row
        else:
            out[i, maxlen - len(row):] = row
    return out


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """``x`` divided by its ``order``-norm along ``axis`` (zero norms left as 1).

    Math: ``x / ||x||_p`` with ``p = order``.
    """
    if hasattr(x, "value") and not isinstance(x, xp.ndarray):
        return ops.divide(x, ops.maximum(ops.norm(x, ord=order, axis=axis, keepdims=True),
                                         1e-12))
    x = xp.asarray(x)
    norm = xp.atleast_1d(xp.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / xp.expand_dims(norm, axis or -1)
