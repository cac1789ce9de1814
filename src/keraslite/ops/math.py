"""Element-wise arithmetic, each op's forward and its gradient (VJP) side by side.

Binary ops broadcast like NumPy; their gradients are summed back to each input's shape by the
one ``unbroadcast`` helper.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import node, unbroadcast
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.ops.core import float_value, value_of
from keraslite.ops.shape import reshape, transpose


def _shape(v) -> tuple:
    return xp.shape(v)


def add(x1: Any, x2: Any) -> Tensor:
    """x1 + x2.  d/dx1 = 1, d/dx2 = 1."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)
    return node(a + b, (x1, x2), lambda g: (unbroadcast(g, sa), unbroadcast(g, sb)))


def subtract(x1: Any, x2: Any) -> Tensor:
    """x1 - x2.  d/dx1 = 1, d/dx2 = -1."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)
    return node(a - b, (x1, x2), lambda g: (unbroadcast(g, sa), unbroadcast(-g, sb)))


def multiply(x1: Any, x2: Any) -> Tensor:
    """x1 * x2.  d/dx1 = x2, d/dx2 = x1."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)
    return node(a * b, (x1, x2), lambda g: (unbroadcast(g * b, sa), unbroadcast(g * a, sb)))


def divide(x1: Any, x2: Any) -> Tensor:
    """x1 / x2.  d/dx1 = 1/x2, d/dx2 = -x1/x2²."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)
    out = a / b

    def vjp(g):
        gb = g / b
        return unbroadcast(gb, sa), unbroadcast(-gb * out, sb)

    return node(out, (x1, x2), vjp)


true_divide = divide


def negative(x: Any) -> Tensor:
    """-x."""
    return node(-value_of(x), (x,), lambda g: (-g,))


def power(x1: Any, x2: Any) -> Tensor:
    """x1 ** x2.  d/dx1 = x2·x1^(x2-1), d/dx2 = x1^x2·log(x1) (taken where x1 > 0)."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)
    out = a**b

    def vjp(g):
        ga = gb = None
        if isinstance(x1, Tensor) and x1.requires_grad:
            ga = unbroadcast(g * b * a ** (b - 1), sa)
        if isinstance(x2, Tensor) and x2.requires_grad:
            safe = xp.where(a > 0, a, 1)
            gb = unbroadcast(g * out * xp.log(safe), sb)
        return ga, gb

    return node(out, (x1, x2), vjp)


def square(x: Any) -> Tensor:
    """x².  d/dx = 2x."""
    v = value_of(x)
    return node(v * v, (x,), lambda g: (2 * g * v,))


def sqrt(x: Any) -> Tensor:
    """√x.  d/dx = 1 / (2√x)."""
    out = xp.sqrt(value_of(x))
    return node(out, (x,), lambda g: (g / (2 * out),))


def exp(x: Any) -> Tensor:
    """eˣ.  d/dx = eˣ."""
    out = xp.exp(value_of(x))
    return node(out, (x,), lambda g: (g * out,))


def log(x: Any) -> Tensor:
    """Ln x.  d/dx = 1/x."""
    v = value_of(x)
    return node(xp.log(v), (x,), lambda g: (g / v,))


def log1p(x: Any) -> Tensor:
    """ln(1 + x).  d/dx = 1/(1 + x)."""
    v = value_of(x)
    return node(xp.log1p(v), (x,), lambda g: (g / (1 + v),))


def expm1(x: Any) -> Tensor:
    """eˣ - 1.  d/dx = eˣ."""
    v = value_of(x)
    return node(xp.expm1(v), (x,), lambda g: (g * xp.exp(v),))


def abs(x: Any) -> Tensor:  # noqa: A001 - the NumPy/Keras name
    """|x|.  d/dx = sign(x) (0 at 0)."""
    v = value_of(x)
    return node(xp.abs(v), (x,), lambda g: (g * xp.sign(v),))


absolute = abs


def sign(x: Any) -> Tensor:
    """The sign of x (-1, 0 or 1); its gradient is zero everywhere it exists."""
    return Tensor(xp.sign(value_of(x)))


def sin(x: Any) -> Tensor:
    """Sin x.  d/dx = cos x."""
    v = value_of(x)
    return node(xp.sin(v), (x,), lambda g: (g * xp.cos(v),))


def cos(x: Any) -> Tensor:
    """Cos x.  d/dx = -sin x."""
    v = value_of(x)
    return node(xp.cos(v), (x,), lambda g: (-g * xp.sin(v),))


def tanh(x: Any) -> Tensor:
    """Tanh x.  d/dx = 1 - tanh²x."""
    out = xp.tanh(value_of(x))
    return node(out, (x,), lambda g: (g * (1 - out * out),))


def maximum(x1: Any, x2: Any) -> Tensor:
    """Element-wise max; the gradient goes to the larger input (split evenly on ties)."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)

    def vjp(g):
        wa = (a > b) + 0.5 * (a == b)
        return unbroadcast(g * wa, sa), unbroadcast(g * (1 - wa), sb)

    return node(xp.maximum(a, b), (x1, x2), vjp)


def minimum(x1: Any, x2: Any) -> Tensor:
    """Element-wise min; the gradient goes to the smaller input (split evenly on ties)."""
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)

    def vjp(g):
        wa = (a < b) + 0.5 * (a == b)
        return unbroadcast(g * wa, sa), unbroadcast(g * (1 - wa), sb)

    return node(xp.minimum(a, b), (x1, x2), vjp)


def clip(x: Any, x_min: Any, x_max: Any) -> Tensor:
    """Limit x to [x_min, x_max]; the gradient passes only where x is inside the interval."""
    v = value_of(x)
    lo, hi = value_of(x_min), value_of(x_max)
    inside = (v >= lo) & (v <= hi)
    return node(xp.clip(v, lo, hi), (x,), lambda g: (g * inside,))


def where(condition: Any, x1: Any = None, x2: Any = None) -> Any:
    """Pick x1 where ``condition`` holds, else x2; gradients follow the chosen side."""
    c = xp.asarray(value_of(condition)).astype(bool)
    if x1 is None and x2 is None:
        return tuple(Tensor(i) for i in xp.nonzero(c))
    a, b = value_of(x1), value_of(x2)
    sa, sb = _shape(a), _shape(b)

    def vjp(g):
        return unbroadcast(xp.where(c, g, 0), sa), unbroadcast(xp.where(c, 0, g), sb)

    return node(xp.where(c, a, b), (x1, x2), vjp)


def matmul(x1: Any, x2: Any) -> Tensor:
    """Matrix product x1 @ x2, batched over leading axes as in NumPy.

    For Y = A B:  dA = G Bᵀ,  dB = Aᵀ G  (summed over broadcast batch axes). 1-D operands are
    treated as a row (left) or a column (right) vector.
    """
    a, b = value_of(x1), value_of(x2)
    out = xp.matmul(a, b)

    def vjp(g):
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        batch = xp.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g2 = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        ga = gb = None
        if isinstance(x1, Tensor) and x1.requires_grad:
            ga = unbroadcast(xp.matmul(g2, xp.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if isinstance(x2, Tensor) and x2.requires_grad:
            gb = unbroadcast(xp.matmul(xp.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
        return ga, gb

    return node(out, (x1, x2), vjp)


def dot(x1: Any, x2: Any) -> Tensor:
    """Dot product as ``numpy.dot`` (composite: its gradient comes from the ops it uses).

    With a scalar it is :func:`multiply`; for 1-D and 2-D inputs, or x2 of rank <= 2, it is
    :func:`matmul`; otherwise it sums over the last axis of x1 and the second-to-last of x2.
    """
    sa, sb = _shape(value_of(x1)), _shape(value_of(x2))
    if not sa or not sb:
        return multiply(x1, x2)
    if len(sb) <= 2:
        return matmul(x1, x2)
    nb = len(sb)
    front = transpose(x2, (nb - 2,) + tuple(range(nb - 2)) + (nb - 1,))
    out = matmul(x1, reshape(front, (sb[-2], -1)))
    return reshape(out, sa[:-1] + sb[:-2] + sb[-1:])


# Comparisons and logic: results carry no gradient.
def equal(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.equal(value_of(x1), value_of(x2)))


def not_equal(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.not_equal(value_of(x1), value_of(x2)))


def greater(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.greater(value_of(x1), value_of(x2)))


def greater_equal(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.greater_equal(value_of(x1), value_of(x2)))


def less(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.less(value_of(x1), value_of(x2)))


def less_equal(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.less_equal(value_of(x1), value_of(x2)))


def logical_and(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.logical_and(value_of(x1), value_of(x2)))


def logical_or(x1: Any, x2: Any) -> Tensor:
    return Tensor(xp.logical_or(value_of(x1), value_of(x2)))


def logical_not(x: Any) -> Tensor:
    return Tensor(xp.logical_not(value_of(x)))


def isnan(x: Any) -> Tensor:
    return Tensor(xp.isnan(value_of(x)))


def isfinite(x: Any) -> Tensor:
    return Tensor(xp.isfinite(value_of(x)))


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001 - the NumPy/Keras name
    """Round to ``decimals`` places, halves to even; integers stay integers (no gradient)."""
    return Tensor(xp.asarray(xp.round(value_of(x), decimals)))


def floor(x: Any) -> Tensor:
    """⌊x⌋; integer inputs give ``floatx()`` as in Keras (no gradient)."""
    return Tensor(xp.asarray(xp.floor(float_value(x))))


def ceil(x: Any) -> Tensor:
    """⌈x⌉; integer inputs give ``floatx()`` as in Keras (no gradient)."""
    return Tensor(xp.asarray(xp.ceil(float_value(x))))
