"""Reductions over axes, each with its gradient: the output gradient is broadcast back."""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.core import cast, value_of
from keraslite.ops.math import divide, multiply, sqrt, square, subtract
from keraslite.ops.shape import reshape


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


def _extreme(fn, x: Any, axis: Any, keepdims: bool, initial: Any = None) -> Tensor:
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    if initial is None:
        out = fn(v, axis=axis, keepdims=keepdims)
    else:
        out = fn(v, axis=axis, keepdims=keepdims, initial=value_of(initial))

    def vjp(g):
        out_k = _restore(out, v.shape, axis, keepdims)
        hit = v == out_k  # all False where ``initial`` alone is the extreme
        share = hit / xp.maximum(xp.sum(hit, axis=axis, keepdims=True), 1)
        return (_restore(g, v.shape, axis, keepdims) * share,)

    return node(out, (x,), vjp)


def max(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:  # noqa: A001
    """Maximum over ``axis`` (and ``initial``, if given: the result is at least ``initial``).

    The gradient goes to the maximal element(s), split on ties; none where ``initial`` wins.
    """
    return _extreme(xp.max, x, axis, keepdims, initial)


def min(x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:  # noqa: A001
    """Minimum over ``axis`` (and ``initial``, if given: the result is at most ``initial``).

    The gradient goes to the minimal element(s), split on ties; none where ``initial`` wins.
    """
    return _extreme(xp.min, x, axis, keepdims, initial)


def amax(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis`` (as :func:`max`)."""
    return _extreme(xp.max, x, axis, keepdims)


def amin(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis`` (as :func:`min`)."""
    return _extreme(xp.min, x, axis, keepdims)


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
    if xp.asarray(value_of(x)).dtype.kind != "f":
        x = cast(x, floatx())
    return mean(square(subtract(x, mean(x, axis=axis, keepdims=True))), axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation over ``axis`` (composite)."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element along ``axis`` is true (non-zero); boolean, no gradient."""
    return Tensor(xp.asarray(xp.all(value_of(x), axis=_axis(axis), keepdims=keepdims)))


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether some element along ``axis`` is true (non-zero); boolean, no gradient."""
    return Tensor(xp.asarray(xp.any(value_of(x), axis=_axis(axis), keepdims=keepdims)))


def count_nonzero(x: Any, axis: Any = None) -> Tensor:
    """The number of non-zero elements along ``axis`` (an integer, no gradient)."""
    return Tensor(xp.asarray(xp.count_nonzero(value_of(x), axis=_axis(axis))))


def _products_of_others(v, axes: tuple):
    """For each element, the product of the other elements in its reduction group.

    The reduced axes are moved last and flattened; the product of the others is the product of
    the elements before (an exclusive cumulative product) times those after, so zeros need no
    division.
    """
    rest = [a for a in range(v.ndim) if a not in axes]
    moved = xp.transpose(v, rest + list(axes))
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    ones = xp.ones_like(flat[..., :1])
    before = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], -1), -1)
    after = xp.cumprod(xp.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
    others = (before * after).reshape(moved.shape)
    return xp.transpose(others, xp.argsort(rest + list(axes)))


def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    """Π over ``axis``.  ∂/∂x_i = Π_{j≠i} x_j (computed without dividing, so zeros are fine)."""
    axis = _axis(axis)
    v = xp.asarray(value_of(x))
    out = xp.asarray(xp.prod(v, axis=axis, keepdims=keepdims, dtype=dtype))
    if out.dtype.kind != "f" or v.dtype.kind != "f":
        return Tensor(out)

    def vjp(g):
        others = _products_of_others(v, _axes(axis, v.ndim))
        return ((_restore(g, v.shape, axis, keepdims) * others).astype(v.dtype, copy=False),)

    return node(out, (x,), vjp)


def _reverse_cumsum(g, axis: int):
    return xp.flip(xp.cumsum(xp.flip(g, axis), axis), axis)


def cumsum(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running sums y_i = Σ_{j<=i} x_j along ``axis`` (of the flattened array when None).

    VJP: dx_j = Σ_{i>=j} g_i, a cumulative sum of g taken from the end.
    """
    v = xp.asarray(value_of(x))
    out = xp.cumsum(v, axis=axis, dtype=dtype)
    if out.dtype.kind != "f" or v.dtype.kind != "f":
        return Tensor(out)
    ax = 0 if axis is None else axis
    return node(out, (x,), lambda g: (_reverse_cumsum(g, ax).reshape(v.shape),))


def cumprod(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running products y_i = Π_{j<=i} x_j along ``axis`` (of the flattened array when None).

    VJP: dx_j = Σ_{i>=j} g_i y_i / x_j. Where an x_j is zero that division is undefined, and
    the gradient is formed from the products Π_{k<=i, k≠j} x_k directly (quadratic in the
    length of the axis, only for groups that contain a zero).
    """
    v = xp.asarray(value_of(x))
    out = xp.cumprod(v, axis=axis, dtype=dtype)
    if out.dtype.kind != "f" or v.dtype.kind != "f":
        return Tensor(out)
    ax = 0 if axis is None else axis % v.ndim
    flat = v.reshape(-1) if axis is None else v

    def vjp(g):
        if xp.all(flat != 0):
            return ((_reverse_cumsum(g * out, ax) / flat).reshape(v.shape),)
        grad = xp.zeros_like(flat)
        n = flat.shape[ax]
        for j in range(n):  # dy_i/dx_j = Π_{k<=i, k≠j} x_k for i >= j
            without = flat.copy()
            xp.moveaxis(without, ax, 0)[j] = 1
            partial = xp.moveaxis(xp.cumprod(without, ax) * g, ax, 0)[j:]
            xp.moveaxis(grad, ax, 0)[j] = xp.sum(partial, axis=0)
        return (grad.reshape(v.shape),)

    return node(out, (x,), vjp)


def average(x: Any, axis: Any = None, weights: Any = None) -> Tensor:
    """The weighted mean Σ w_i x_i / Σ w_i along ``axis`` (composite; integer inputs give floats).

    ``weights`` has the shape of ``x``, or is 1-D with the length of ``x`` along ``axis``.
    """
    if xp.asarray(value_of(x)).dtype.kind != "f":
        x = cast(x, floatx())
    if weights is None:
        return mean(x, axis=axis)
    nd = len(xp.shape(value_of(x)))
    w_shape = xp.shape(value_of(weights))
    if len(w_shape) == 1 and nd > 1 and axis is not None:
        shape = [1] * nd
        shape[axis % nd] = w_shape[0]
        weights = reshape(weights, tuple(shape))
    return divide(sum(multiply(x, weights), axis=axis),
                  sum(multiply(weights, xp.ones_like(value_of(x))), axis=axis))
