"""Pooling: ``max_pool`` and ``average_pool`` over 1, 2 or 3 spatial axes.

Both walk the pooling window's taps (Π pool_size strided slices of the padded input), never
the output positions: max pooling keeps a running maximum, average pooling a running sum. The
max VJP sends each output gradient to the first tap that holds the maximum (as TensorFlow does);
the average VJP spreads g / count over the window, where count is the number of non-padding
elements in it (``"same"`` padding averages only real inputs, as Keras does).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.backend.allocator import retain_freed_memory
from keraslite.ops.conv_utils import (
    conv_pads,
    from_channels_last,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    tap_slices,
    to_channels_last,
)
from keraslite.ops.core import value_of


def _setup(name: str, inputs: Any, pool_size: Any, strides: Any, padding: str,
           data_format: Any) -> tuple:
    retain_freed_memory()
    v = value_of(inputs)
    rank = xp.ndim(v) - 2
    if rank < 1:
        raise ValueError(
            f"{name} expects inputs of shape (batch, *spatial, channels) with 1 to 3 spatial "
            f"axes. Received: inputs.shape={tuple(xp.shape(v))}"
        )
    fmt = normalize_data_format(data_format)
    pool = normalize_tuple(pool_size, rank, "pool_size")
    strides = pool if strides is None else normalize_tuple(strides, rank, "strides")
    padding = normalize_padding(padding)
    x = to_channels_last(v, fmt)
    sizes = [conv_pads(n, k, s, 1, padding) for n, k, s in zip(x.shape[1:-1], pool, strides)]
    pads = tuple(p for p, _ in sizes)
    out = tuple(o for _, o in sizes)
    if min(out) <= 0:
        raise ValueError(
            f"{name}: pool_size {pool} is larger than the input's spatial shape "
            f"{x.shape[1:-1]}; use padding='same' or a smaller pool_size. Received: "
            f"inputs.shape={tuple(v.shape)}"
        )
    return x, fmt, pool, strides, pads, out


def _padded(x: Any, pads: tuple, fill: float) -> Any:
    if not any(b or a for b, a in pads):
        return x
    return xp.pad(x, ((0, 0),) + pads + ((0, 0),), constant_values=fill)


def _unpad(dxp: Any, pads: tuple, shape: tuple) -> Any:
    if not any(b or a for b, a in pads):
        return dxp
    return dxp[(slice(None),) + tuple(slice(b, b + n) for (b, _), n in zip(pads, shape[1:-1]))]


def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: Any = None) -> Tensor:
    """Max pooling: y[n, o, c] = max_t x_pad[n, o s + t, c] over the window's taps t.

    Args:
        inputs: ``(batch, *spatial, channels)`` (or channels first).
        pool_size: an int or one per spatial axis.
        strides: default ``pool_size``.
        padding: ``"valid"`` or ``"same"`` (padding never wins the maximum).
        data_format: ``"channels_last"`` or ``"channels_first"``.

    """
    x, fmt, pool, strides, pads, out = _setup("max_pool", inputs, pool_size, strides, padding,
                                              data_format)
    low = -xp.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min
    xpad = _padded(x, pads, low)
    taps = list(itertools.product(*map(range, pool)))
    ones = (1,) * len(pool)
    first = xpad[tap_slices(taps[0], strides, ones, out)]
    y = xp.maximum(first, xpad[tap_slices(taps[1], strides, ones, out)]) if len(taps) > 1 \
        else first.copy()
    for tap in taps[2:]:
        xp.maximum(y, xpad[tap_slices(tap, strides, ones, out)], out=y)

    # Windows that do not overlap (stride >= pool) write disjoint slices: no accumulation.
    disjoint = all(s >= k for s, k in zip(strides, pool))
    if xpad is x and all(s == k for s, k in zip(strides, pool)):
        return node(from_channels_last(y, fmt), (inputs,),
                    _tiled_max_vjp(x, y, fmt, taps, pool))

    def vjp(g):
        g = to_channels_last(g, fmt)
        dxp = xp.zeros(xpad.shape, g.dtype)
        todo = None
        for i, tap in enumerate(taps):
            where = tap_slices(tap, strides, ones, out)
            hit = xpad[where] == y
            if todo is None:
                todo = ~hit
            else:
                hit &= todo
                if i + 1 < len(taps):
                    todo ^= hit
            if disjoint:
                xp.multiply(g, hit, out=dxp[where])
            else:
                dxp[where] += g * hit
        return (from_channels_last(_unpad(dxp, pads, x.shape), fmt),)

    return node(from_channels_last(y, fmt), (inputs,), vjp)


def _tiled_max_vjp(x: Any, y: Any, fmt: str, taps: list, pool: tuple) -> Any:
    """The max-pool VJP when the windows tile the input (see :func:`tiled_max_backward`)."""

    def vjp(g):
        return (from_channels_last(tiled_max_backward(x, y, to_channels_last(g, fmt), pool),
                                   fmt),)

    return vjp


def tiled_max_forward(x: Any, pool: tuple, out: Any = None) -> Any:
    """Max pooling of the channels-last ``x`` with stride = pool and valid padding, into
    ``out`` when given: a running maximum over the Π pool taps' strided slices.
    """
    shape = tuple(n // k for n, k in zip(x.shape[1:-1], pool))
    taps = list(itertools.product(*map(range, pool)))
    ones = (1,) * len(pool)
    first = x[tap_slices(taps[0], pool, ones, shape)]
    if len(taps) == 1:
        if out is None:
            return first.copy()
        out[...] = first
        return out
    y = xp.maximum(first, x[tap_slices(taps[1], pool, ones, shape)], out=out)
    for tap in taps[2:]:
        xp.maximum(y, x[tap_slices(tap, pool, ones, shape)], out=y)
    return y


def tiled_split(x_shape: tuple, pool: tuple) -> tuple:
    """``(split, lone, covered)`` for windows that tile ``x_shape`` (channels last): the
    covered part of x viewed as ``split`` = ``(N, o1, k1, o2, k2, ..., C)``, the maxima as
    ``lone`` = ``(N, o1, 1, o2, 1, ..., C)``, and the index of the covered part.
    """
    out = tuple(n // k for n, k in zip(x_shape[1:-1], pool))
    split = (x_shape[0],) + sum(((o, k) for o, k in zip(out, pool)), ()) + (x_shape[-1],)
    lone = (x_shape[0],) + sum(((o, 1) for o in out), ()) + (x_shape[-1],)
    covered = (slice(None),) + tuple(slice(0, o * k) for o, k in zip(out, pool)) + \
        (slice(None),)
    return split, lone, covered


def first_max_mask(x: Any, y: Any, pool: tuple, hit: Any, todo: Any) -> Any:
    """``hit`` (bool, ``split``) ← where each window of ``x`` first holds its maximum ``y``.

    x is compared with the maxima once, then a few passes over the boolean mask clear the
    later ties, window tap by window tap in row-major order (as TensorFlow picks). ``todo``:
    a bool work array of y's shape.
    """
    split, lone, covered = tiled_split(x.shape, pool)
    xp.equal(x[covered].reshape(split), y.reshape(lone), out=hit)  # splitting axes: a view
    keep_first([hit[(slice(None),) + sum(((slice(None), t) for t in tap), ()) + (slice(None),)]
                for tap in itertools.product(*map(range, pool))], todo)
    return hit


def keep_first(hits: list, todo: Any) -> None:
    """In place over the boolean arrays ``hits`` (one per window tap, in tap order): each
    position stays True only in the first of them where it is True (later ties cleared).
    ``todo``: a boolean work array of one hit's shape.
    """
    for i, h in enumerate(hits):
        if i == 0:
            xp.logical_not(h, out=todo)
        else:
            xp.logical_and(h, todo, out=h)
            if i + 1 < len(hits):
                xp.logical_xor(todo, h, out=todo)


def tiled_max_backward(x: Any, y: Any, g: Any, pool: tuple, work: tuple | None = None) -> Any:
    """The input gradient of max pooling with stride = pool and valid padding, channels
    last (a remainder past the last window gets no gradient): g at each window's first
    maximum (:func:`first_max_mask`). ``work``: ``(hit, todo, dx)`` arrays reused from step
    to step (``hit`` and ``dx`` of x's shape, ``todo`` of y's; dx zero past the covered part).
    """
    split, lone, covered = tiled_split(x.shape, pool)
    exact = all(o * k == n for o, k, n in zip(y.shape[1:-1], pool, x.shape[1:-1]))
    if work is None:
        hit = xp.empty(split, bool)
        todo = xp.empty(y.shape, bool)
        dx = xp.empty(x.shape, g.dtype) if exact else xp.zeros(x.shape, g.dtype)
    else:
        hit, todo, dx = work
        hit = hit.reshape(-1)[:math.prod(split)].reshape(split)
    first_max_mask(x, y, pool, hit, todo)
    if exact:
        xp.multiply(hit, g.reshape(lone), out=dx.reshape(split))
    else:  # assigned: a reshape of the strided dx[covered] might copy (CuPy)
        dx[covered] = xp.multiply(hit, g.reshape(lone)).reshape(dx[covered].shape)
    return dx


def _window_counts(size_in: tuple, pool: tuple, strides: tuple, pads: tuple,
                   out: tuple) -> Any:
    """How many real (non-padding) inputs each window covers, broadcastable to the output."""
    count = None
    for axis, (n, k, s, (before, _), o) in enumerate(zip(size_in, pool, strides, pads, out)):
        start = xp.arange(o) * s - before
        per = xp.minimum(start + k, n) - xp.maximum(start, 0)
        shape = [1] * (len(pool) + 2)
        shape[axis + 1] = o
        per = per.reshape(shape)
        count = per if count is None else count * per
    return count


def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: Any = None) -> Tensor:
    """Average pooling: y[n, o, c] = Σ_t x_pad[n, o s + t, c] / count(o).

    count(o) is Π pool_size for ``"valid"``; with ``"same"`` it counts only the real inputs
    under the window (padding is not averaged in), as Keras does.
    """
    x, fmt, pool, strides, pads, out = _setup("average_pool", inputs, pool_size, strides,
                                              padding, data_format)
    xpad = _padded(x, pads, 0)
    taps = list(itertools.product(*map(range, pool)))
    ones = (1,) * len(pool)
    dtype = x.dtype if x.dtype.kind == "f" else xp.dtype("float32")
    total = xpad[tap_slices(taps[0], strides, ones, out)].astype(dtype)
    for tap in taps[1:]:
        total += xpad[tap_slices(tap, strides, ones, out)]
    if any(b or a for b, a in pads):
        count = _window_counts(x.shape[1:-1], pool, strides, pads, out).astype(dtype)
    else:
        count = dtype.type(math.prod(pool))
    total /= count

    def vjp(g):
        share = to_channels_last(g, fmt) / count
        dxp = xp.zeros(xpad.shape, share.dtype)
        for tap in taps:
            dxp[tap_slices(tap, strides, ones, out)] += share
        return (from_channels_last(_unpad(dxp, pads, x.shape), fmt),)

    return node(from_channels_last(total, fmt), (inputs,), vjp)
