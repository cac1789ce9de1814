"""Reductions over axes, each with its gradient: the output gradient is broadcast back."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.ops.core import value_of


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _axes(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim for a in axis) if ndim else ()


def _restore(g, shape: tuple, axis: Any, keepdims: bool):
    """Reshape a reduced gradient so that it broadcasts against the input of ``shape``."""
    if not keepdims:
        kept = list(shape)
        for a in _axes(axis, len(shape)):
            kept[a] = 1
        g = xp.reshape(g, kept)
    return g


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Σ over ``axis``.  Each input element receives the output gradient."""
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    shape = v.shape
    out = xp.sum(v, axis=axis, keepdims=keepdims)
    return node(out, (x,), lambda g: (xp.broadcast_to(_restore(g, shape, axis, keepdims), shape),))


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``.  Each input element receives gradient / (number averaged)."""
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    shape = v.shape
    count = 1
    for a in _axes(axis, v.ndim):
        count *= shape[a]
    out = xp.mean(v, axis=axis, keepdims=keepdims)
    if v.dtype.kind != "f":
        return Tensor(out)

    def vjp(g):
        return (xp.broadcast_to(_restore(g, shape, axis, keepdims) / count, shape),)

    return node(out, (x,), vjp)


def _extreme(fn, x: Any, axis: Any, keepdims: bool) -> Tensor:
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    out = fn(v, axis=axis, keepdims=keepdims)

    def vjp(g):
        out_k = _restore(out, v.shape, axis, keepdims)
        hit = v == out_k
        share = hit / xp.sum(hit, axis=axis, keepdims=True)
        return (_restore(g, v.shape, axis, keepdims) * share,)

    return node(out, (x,), vjp)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis``; the gradient goes to the maximal element(s), split on ties."""
    return _extreme(xp.max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis``; the gradient goes to the minimal element(s), split on ties."""
    return _extreme(xp.min, x, axis, keepdims)


amax = max
amin = min


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum along ``axis`` (no gradient)."""
    return Tensor(xp.argmax(value_of(x), axis=axis, keepdims=keepdims))


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum along ``axis`` (no gradient)."""
    return Tensor(xp.argmin(value_of(x), axis=axis, keepdims=keepdims))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Log Σ exp(x), computed stably (-inf where every entry is -inf).

    d/dx = softmax(x) along ``axis``.
    """
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    m = xp.max(v, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    e = xp.exp(v - m)
    s = xp.sum(e, axis=axis, keepdims=True)
    out_k = xp.log(s) + m
    out = out_k if keepdims else out_k.reshape(xp.sum(v, axis=axis).shape)
    return node(out, (x,), lambda g: (_restore(g, v.shape, axis, keepdims) * (e / s),))


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Population variance over ``axis`` (composite: mean of squared deviations)."""
    from keraslite.ops.math import square, subtract

    return mean(square(subtract(x, mean(x, axis=axis, keepdims=True))), axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation over ``axis`` (composite)."""
    from keraslite.ops.math import sqrt

    return sqrt(var(x, axis=axis, keepdims=keepdims))
