"""Rearranging elements: flips, rolls, axis moves, padding, stacking and slicing.

Each op only moves (or copies) elements, so each gradient moves them back: a flip is undone by
the same flip, a roll by the opposite roll, padding by slicing (or, for the reflecting modes,
by adding up every copy). Most are composites of :mod:`keraslite.ops.shape`.
"""

from __future__ import annotations

import builtins
from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.shape import broadcast_to, concatenate, getitem, reshape, transpose


def _normalized(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def flip(x: Any, axis: Any = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes when None); so is the gradient."""
    axis = _normalized(axis)
    return node(xp.flip(value_of(x), axis), (x,), lambda g: (xp.flip(g, axis),))


def roll(x: Any, shift: Any, axis: Any = None) -> Tensor:
    """Shift elements cyclically by ``shift`` along ``axis`` (of the flattened array when None).

    The gradient is rolled back by -shift.
    """
    axis = _normalized(axis)
    shift = _normalized(shift)
    back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
    v = xp.asarray(value_of(x))
    return node(xp.roll(v, shift, axis), (x,), lambda g: (xp.roll(g, back, axis),))


def moveaxis(x: Any, source: Any, destination: Any) -> Tensor:
    """Move axes ``source`` to positions ``destination``; the others keep their order."""
    nd = len(xp.shape(value_of(x)))
    src = [s % nd for s in ((source,) if isinstance(source, int) else source)]
    dst = [d % nd for d in ((destination,) if isinstance(destination, int) else destination)]
    order = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, order)


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    nd = len(xp.shape(value_of(x)))
    order = list(range(nd))
    a, b = axis1 % nd, axis2 % nd
    order[a], order[b] = order[b], order[a]
    return transpose(x, order)


def ravel(x: Any) -> Tensor:
    """Flatten to one dimension."""
    return reshape(x, (-1,))


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list:
    """Split along ``axis`` into a list of its slices (each one rank lower)."""
    shape = xp.shape(value_of(x))
    nd = len(shape)
    ax = axis % nd
    n = shape[ax]
    if num is not None and num != n:
        raise ValueError(f"unstack: `num` must equal the size of axis {axis}, {n}. "
                         f"Received: num={num}")
    return [getitem(x, (builtins.slice(None),) * ax + (i,)) for i in range(n)]


def _at_least(x: Any, rank: int) -> Any:
    shape = xp.shape(value_of(x))
    if len(shape) >= rank:
        return x
    return reshape(x, (1,) * (rank - len(shape)) + tuple(shape))


def hstack(xs: Any) -> Tensor:
    """Join along the second axis (along the first for 1-D inputs)."""
    xs = [_at_least(x, 1) for x in xs]
    return concatenate(xs, axis=0 if len(xp.shape(value_of(xs[0]))) == 1 else 1)


def vstack(xs: Any) -> Tensor:
    """Join along the first axis, after making 1-D inputs rows."""
    return concatenate([_at_least(x, 2) for x in xs], axis=0)


def slice(inputs: Any, start_indices: Any, shape: Any) -> Tensor:  # noqa: A001 - the Keras name
    """The block of size ``shape`` that starts at ``start_indices`` (one entry per axis).

    A size of -1 takes everything up to the end of that axis.
    """
    starts = [int(s) for s in xp.asarray(value_of(start_indices)).reshape(-1)]
    sizes = [int(n) for n in xp.asarray(value_of(shape)).reshape(-1)]
    key = tuple(builtins.slice(s, None if n == -1 else s + n) for s, n in zip(starts, sizes))
    return getitem(inputs, key)


def meshgrid(*x: Any, indexing: str = "xy") -> list:
    """Coordinate grids from 1-D coordinate vectors, as ``numpy.meshgrid``.

    With ``indexing="xy"`` the first two output axes are swapped (matrix ``"ij"`` keeps them).
    Each grid broadcasts its vector, so the gradient sums it back.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'. Received: {indexing!r}")
    sizes = [int(xp.size(value_of(t))) for t in x]
    n = len(x)
    full = list(sizes)
    if indexing == "xy" and n > 1:
        full[0], full[1] = full[1], full[0]
    grids = []
    for i, t in enumerate(x):
        where = i if indexing == "ij" or n < 2 else {0: 1, 1: 0}.get(i, i)
        shape = [1] * n
        shape[where] = sizes[i]
        grids.append(broadcast_to(reshape(t, tuple(shape)), tuple(full)))
    return grids


_COPY_MODES = {"constant", "edge", "reflect", "symmetric", "wrap", "circular"}


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
    """Pad ``x`` with ``pad_width`` (per axis ``(before, after)``, as ``numpy.pad``).

    Modes: "constant" (with ``constant_values``, default 0), "edge", "reflect", "symmetric"
    and "wrap" (also called "circular"). Every output element is a copy of one input element
    or a constant, so the VJP adds each output gradient into the element it copies: padding an
    index array with the same mode tells which one that is.
    """
    if mode not in _COPY_MODES:
        raise ValueError(
            f"pad: mode must be one of {sorted(_COPY_MODES)}. Received: mode={mode!r}"
        )
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "pad: `constant_values` can only be set with mode='constant'. Received: "
            f"mode={mode!r}, constant_values={constant_values}"
        )
    mode = "wrap" if mode == "circular" else mode
    v = xp.asarray(value_of(x))
    width = xp.asarray(value_of(pad_width), dtype=xp.int64)
    width = tuple(map(tuple, xp.broadcast_to(width.reshape(-1, 2) if width.size > 1
                                             else width.reshape(1, 1), (v.ndim, 2)).tolist()))
    if mode == "constant":
        fill = 0 if constant_values is None else value_of(constant_values)
        out = xp.pad(v, width, mode="constant", constant_values=fill)
        inner = tuple(builtins.slice(b, b + n) for (b, _), n in zip(width, v.shape))
        return node(out, (x,), lambda g: (g[inner],))
    out = xp.pad(v, width, mode=mode)

    def vjp(g):
        source = xp.pad(xp.arange(v.size).reshape(v.shape), width, mode=mode)
        flat = xp.bincount(source.reshape(-1), weights=g.reshape(-1), minlength=v.size)
        return (flat.reshape(v.shape).astype(g.dtype, copy=False),)

    return node(out, (x,), vjp)
