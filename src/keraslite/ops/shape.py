"""Shape manipulation and indexing, each with its gradient (the inverse rearrangement)."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node, unbroadcast
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.backend.device import scatter_add
from keraslite.ops.core import value_of


def reshape(x: Any, newshape: Any) -> Tensor:
    """Give ``x`` a new shape (one entry may be -1); the gradient is reshaped back."""
    v = xp.asarray(value_of(x))
    shape = v.shape
    return node(v.reshape(newshape), (x,), lambda g: (g.reshape(shape),))


def transpose(x: Any, axes: Any = None) -> Tensor:
    """Permute the axes (reverse them by default); the gradient uses the inverse permutation."""
    v = xp.asarray(value_of(x))
    axes = tuple(range(v.ndim))[::-1] if axes is None else tuple(a % v.ndim for a in axes)
    inverse = tuple(int(i) for i in xp.argsort(xp.asarray(axes)))
    return node(xp.transpose(v, axes), (x,), lambda g: (xp.transpose(g, inverse),))


def expand_dims(x: Any, axis: Any) -> Tensor:
    """Insert a length-1 axis at ``axis``."""
    v = xp.asarray(value_of(x))
    shape = v.shape
    return node(xp.expand_dims(v, axis), (x,), lambda g: (g.reshape(shape),))


def squeeze(x: Any, axis: Any = None) -> Tensor:
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    v = xp.asarray(value_of(x))
    shape = v.shape
    axis = tuple(axis) if isinstance(axis, list) else axis
    return node(xp.squeeze(v, axis), (x,), lambda g: (g.reshape(shape),))


def flatten(x: Any) -> Tensor:
    """Flatten to one dimension."""
    return reshape(x, (-1,))


def broadcast_to(x: Any, shape: tuple) -> Tensor:
    """Broadcast ``x`` to ``shape``; the gradient is summed back."""
    v = xp.asarray(value_of(x))
    return node(xp.broadcast_to(v, shape), (x,), lambda g: (unbroadcast(g, v.shape),))


def concatenate(xs: Any, axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; the gradient is split at the same boundaries."""
    xs = list(xs)
    vals = [xp.asarray(value_of(x)) for x in xs]
    out = xp.concatenate(vals, axis=axis)
    cuts = xp.cumsum([v.shape[axis] for v in vals])[:-1]
    return node(out, tuple(xs), lambda g: tuple(xp.split(g, cuts, axis=axis)))


def stack(xs: Any, axis: int = 0) -> Tensor:
    """Join tensors along a new axis; the gradient is unstacked."""
    xs = list(xs)
    out = xp.stack([value_of(x) for x in xs], axis=axis)
    n = len(xs)
    return node(out, tuple(xs), lambda g: tuple(xp.take(g, i, axis=axis) for i in range(n)))


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Split into pieces (each piece is a differentiable slice)."""
    v = xp.asarray(value_of(x))
    pieces = xp.split(xp.arange(v.shape[axis]), indices_or_sections)
    out = []
    for p in pieces:
        index = [slice(None)] * v.ndim
        index[axis] = slice(int(p[0]), int(p[-1]) + 1) if len(p) else slice(0, 0)
        out.append(getitem(x, tuple(index)))
    return out


def getitem(x: Any, key: Any) -> Tensor:
    """``x[key]`` for any NumPy index; the gradient is scattered back (adding repeats)."""
    v = xp.asarray(value_of(x))
    key = value_of(key) if isinstance(key, Tensor) else key
    basic = all(k is None or k is Ellipsis or isinstance(k, (slice, int, xp.integer))
                and not isinstance(k, bool) for k in (key if isinstance(key, tuple) else (key,)))

    def vjp(g):
        grad = xp.zeros_like(v)
        if basic:  # slices and integers pick each element at most once
            grad[key] = g
        else:
            scatter_add(grad, key, g)
        return (grad,)

    return node(v[key], (x,), vjp)


def take(x: Any, indices: Any, axis: Any = None) -> Tensor:
    """Gather entries of ``x`` at ``indices`` along ``axis`` (flattened when None)."""
    v = xp.asarray(value_of(x))
    idx = xp.asarray(value_of(indices)).astype(xp.intp)
    out = xp.take(v, idx, axis=axis)

    def vjp(g):
        grad = xp.zeros_like(v)
        if axis is None:
            scatter_add(grad.reshape(-1), idx.reshape(-1), g.reshape(-1))
            return (grad,)
        ax = axis % v.ndim
        k = idx.ndim
        g_front = xp.moveaxis(g, tuple(range(ax, ax + k)), tuple(range(k)))
        g_front = g_front.reshape((idx.size,) + g_front.shape[k:])
        scatter_add(xp.moveaxis(grad, ax, 0), idx.reshape(-1), g_front)
        return (grad,)

    return node(out, (x,), vjp)


def take_along_axis(x: Any, indices: Any, axis: int = -1) -> Tensor:
    """Gather along ``axis`` with an index array of the same rank as ``x``.

    Outside ``axis``, ``indices`` and ``x`` broadcast against each other (as in NumPy); the
    gradient scatters each output element back to the entry it was read from, adding repeats.
    """
    v = xp.asarray(value_of(x))
    idx = xp.asarray(value_of(indices)).astype(xp.intp)

    def vjp(g):
        grad = xp.zeros_like(v)
        grid = list(xp.indices(g.shape, sparse=True))
        ax = axis % v.ndim
        for i in range(v.ndim):
            if i != ax and v.shape[i] == 1:
                grid[i] = xp.zeros_like(grid[i])
        grid[ax] = idx
        scatter_add(grad, tuple(grid), g)
        return (grad,)

    return node(xp.take_along_axis(v, idx, axis), (x,), vjp)


def tile(x: Any, repeats: Any) -> Tensor:
    """Repeat the whole array ``repeats`` times along each axis."""
    v = xp.asarray(value_of(x))
    reps = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    reps = (1,) * (v.ndim - len(reps)) + reps
    base = (1,) * (len(reps) - v.ndim) + v.shape

    def vjp(g):
        split_shape = []
        for r, n in zip(reps, base):
            split_shape += [r, n]
        summed = g.reshape(split_shape).sum(axis=tuple(range(0, 2 * len(reps), 2)))
        return (summed.reshape(v.shape),)

    return node(xp.tile(v, reps), (x,), vjp)


def repeat(x: Any, repeats: int, axis: Any = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``axis``."""
    v = xp.asarray(value_of(x))

    def vjp(g):
        if axis is None:
            return (g.reshape(-1, repeats).sum(1).reshape(v.shape),)
        ax = axis % v.ndim
        shape = v.shape[:ax] + (v.shape[ax], repeats) + v.shape[ax + 1 :]
        return (g.reshape(shape).sum(axis=ax + 1),)

    return node(xp.repeat(v, repeats, axis=axis), (x,), vjp)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None) -> Tensor:
    """Encode integer labels as one-hot vectors along a new last axis (no gradient)."""
    idx = xp.asarray(value_of(x)).astype(xp.intp)
    out = (idx[..., None] == xp.arange(num_classes)).astype(dtype or floatx())
    if axis != -1:
        out = xp.moveaxis(out, -1, axis)
    return Tensor(out)


def multi_hot(inputs: Any, num_classes: int | None = None, axis: int = -1, dtype: Any = None,
              sparse: bool = False, **kwargs: Any) -> Tensor:
    """Encode each row of integer labels as one vector with a 1 at every label it holds.

    A 1-D input is one set of labels (output ``(num_classes,)``); a 2-D input holds one set per
    row (output ``(batch, num_classes)``). No gradient.
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot needs `num_classes`. Received: num_classes=None")
    if sparse:
        raise ValueError("keraslite has no sparse tensors; use sparse=False. Received: "
                         "sparse=True")
    idx = xp.asarray(value_of(inputs)).astype(xp.intp)
    hot = one_hot(idx, num_classes, axis=axis, dtype=dtype).value
    return Tensor(xp.max(hot, axis=1 if idx.ndim > 1 else 0))
