"""Ordering: sort, argsort, top-k and the median.

Sorting permutes the elements, so its gradient is the inverse permutation: each output
gradient goes back to the position its element came from. ``top_k`` and ``median`` are built
from that gather, so they differentiate for free.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.core import cast, value_of
from keraslite.ops.reduction import _axes, mean
from keraslite.ops.shape import getitem, reshape, take_along_axis, transpose


def sort(x: Any, axis: int | None = -1) -> Tensor:
    """Sort in ascending order along ``axis`` (of the flattened array when None).

    With p the sorting permutation, y_i = x_{p(i)}, so the VJP scatters dx_{p(i)} = g_i.
    """
    v = xp.asarray(value_of(x))
    if axis is None:
        v, axis = v.reshape(-1), 0
    order = xp.argsort(v, axis=axis, kind="stable")
    out = xp.take_along_axis(v, order, axis)

    def vjp(g):
        grad = xp.zeros_like(v)
        xp.put_along_axis(grad, order, g, axis)
        return (grad.reshape(xp.shape(value_of(x))),)

    return node(out, (x,), vjp)


def argsort(x: Any, axis: int | None = -1) -> Tensor:
    """The indices that sort ``x`` along ``axis`` (stable; an integer array, no gradient)."""
    return Tensor(xp.argsort(value_of(x), axis=axis, kind="stable"))


def top_k(x: Any, k: int, sorted: bool = True) -> tuple:  # noqa: A002 - the Keras name
    """The ``k`` largest entries along the last axis and their indices, largest first.

    Ties go to the lower index. Returns ``(values, indices)``; ``values`` is a differentiable
    gather of ``x`` (the gradient flows back to the selected entries). The result is always
    sorted, which ``sorted=False`` allows.
    """
    v = xp.asarray(value_of(x))
    if v.dtype.kind in "ui" or v.dtype.kind == "b":
        key = -v.astype(xp.int64)
    else:
        key = -v
    indices = xp.argsort(key, axis=-1, kind="stable")[..., :k]
    return take_along_axis(x, indices, axis=-1), Tensor(indices)


def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    """Whether each target class is among the ``k`` highest predictions of its row.

    A class is in the top k when fewer than k classes score strictly higher, so ties at the
    boundary count as in (as ``tf.math.in_top_k``); a NaN prediction never is.
    """
    t = xp.asarray(value_of(targets)).astype(xp.intp)
    p = xp.asarray(value_of(predictions))
    at_label = xp.take_along_axis(p, t[..., None], axis=-1)
    at_label = xp.where(xp.isnan(at_label), -xp.inf, at_label)
    rank = 1 + xp.sum(p > at_label, axis=-1)
    return Tensor(rank <= k)


def median(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The median along ``axis`` (composite: sort, then the middle element or the mean of the two).

    Integer inputs give ``floatx()``; the gradient goes to the middle element(s).
    """
    v = xp.asarray(value_of(x))
    if v.dtype.kind != "f":
        x = cast(x, floatx())
    axes = _axes(tuple(axis) if isinstance(axis, list) else axis, v.ndim)
    rest = [a for a in range(v.ndim) if a not in axes]
    kept = tuple(v.shape[a] for a in rest)
    grouped = reshape(transpose(x, rest + list(axes)), kept + (-1,))
    n = int(xp.prod([v.shape[a] for a in axes], dtype=xp.int64))
    ordered = sort(grouped, axis=-1)
    out = mean(getitem(ordered, (Ellipsis, slice((n - 1) // 2, n // 2 + 1))), axis=-1)
    if keepdims:
        out = reshape(out, tuple(1 if a in axes else v.shape[a] for a in range(v.ndim)))
    return out
