"""More element-wise functions, each forward next to its gradient (VJP).

Trigonometric and hyperbolic functions, logarithms in other bases, reciprocals, the error
function, modulo and tests for special values. Float-valued functions of integer inputs return
``floatx()`` (as Keras does); ``mod`` and ``floor_divide`` keep integers integer.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite.autodiff import needs_grad, node, unbroadcast
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.activations import _erfc_nonneg
from keraslite.ops.core import float_value, value_of

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def reciprocal(x: Any) -> Tensor:
    """1 / x.  d/dx = -1/x²."""
    v = float_value(x)
    out = 1.0 / v
    return node(out, (x,), lambda g: (-g * out * out,))


def rsqrt(x: Any) -> Tensor:
    """1 / √x.  d/dx = -x^(-3/2) / 2 = -out³ / 2."""
    out = 1.0 / xp.sqrt(float_value(x))
    return node(out, (x,), lambda g: (-0.5 * g * out * out * out,))


def log2(x: Any) -> Tensor:
    """log₂ x.  d/dx = 1 / (x ln 2)."""
    v = float_value(x)
    return node(xp.log2(v), (x,), lambda g: (g / (v * _LN2),))


def log10(x: Any) -> Tensor:
    """log₁₀ x.  d/dx = 1 / (x ln 10)."""
    v = float_value(x)
    return node(xp.log10(v), (x,), lambda g: (g / (v * _LN10),))


def exp2(x: Any) -> Tensor:
    """2ˣ.  d/dx = 2ˣ ln 2."""
    out = xp.exp2(float_value(x))
    return node(out, (x,), lambda g: (g * out * _LN2,))


def tan(x: Any) -> Tensor:
    """Tan x.  d/dx = 1 + tan² x."""
    out = xp.tan(float_value(x))
    return node(out, (x,), lambda g: (g * (1.0 + out * out),))


def arcsin(x: Any) -> Tensor:
    """Arcsin x on [-1, 1].  d/dx = 1 / √(1 - x²)."""
    v = float_value(x)
    return node(xp.arcsin(v), (x,), lambda g: (g / xp.sqrt(1.0 - v * v),))


def arccos(x: Any) -> Tensor:
    """Arccos x on [-1, 1].  d/dx = -1 / √(1 - x²)."""
    v = float_value(x)
    return node(xp.arccos(v), (x,), lambda g: (-g / xp.sqrt(1.0 - v * v),))


def arctan(x: Any) -> Tensor:
    """Arctan x.  d/dx = 1 / (1 + x²)."""
    v = float_value(x)
    return node(xp.arctan(v), (x,), lambda g: (g / (1.0 + v * v),))


def arctan2(x1: Any, x2: Any) -> Tensor:
    """The angle of the point (x2, x1), in (-π, π].

    ∂/∂x1 = x2 / (x1² + x2²),  ∂/∂x2 = -x1 / (x1² + x2²).
    """
    a, b = float_value(x1), float_value(x2)
    sa, sb = xp.shape(a), xp.shape(b)

    def vjp(g):
        r2 = a * a + b * b
        return unbroadcast(g * b / r2, sa), unbroadcast(-g * a / r2, sb)

    return node(xp.arctan2(a, b), (x1, x2), vjp)


def sinh(x: Any) -> Tensor:
    """Sinh x = (eˣ - e⁻ˣ) / 2.  d/dx = cosh x."""
    v = float_value(x)
    return node(xp.sinh(v), (x,), lambda g: (g * xp.cosh(v),))


def cosh(x: Any) -> Tensor:
    """Cosh x = (eˣ + e⁻ˣ) / 2.  d/dx = sinh x."""
    v = float_value(x)
    return node(xp.cosh(v), (x,), lambda g: (g * xp.sinh(v),))


def arcsinh(x: Any) -> Tensor:
    """Arsinh x = ln(x + √(x² + 1)).  d/dx = 1 / √(x² + 1)."""
    v = float_value(x)
    return node(xp.arcsinh(v), (x,), lambda g: (g / xp.sqrt(v * v + 1.0),))


def arccosh(x: Any) -> Tensor:
    """Arcosh x = ln(x + √(x² - 1)) for x >= 1.  d/dx = 1 / √(x² - 1)."""
    v = float_value(x)
    return node(xp.arccosh(v), (x,), lambda g: (g / xp.sqrt(v * v - 1.0),))


def arctanh(x: Any) -> Tensor:
    """Artanh x = ln((1 + x) / (1 - x)) / 2 for |x| < 1.  d/dx = 1 / (1 - x²)."""
    v = float_value(x)
    return node(xp.arctanh(v), (x,), lambda g: (g / (1.0 - v * v),))


def erf(x: Any) -> Tensor:
    """The error function erf x = (2/√π) ∫₀ˣ e^(-t²) dt.  d/dx = (2/√π) e^(-x²).

    For |x| >= 1/2 it is sign(x) (1 - erfc|x|), from the same erfc series as the exact GELU;
    below, the Maclaurin series (2/√π) Σₙ (-1)ⁿ x^(2n+1) / (n! (2n+1)) keeps full relative
    accuracy near 0 (18 terms reach 1e-17 at |x| = 1/2).
    """
    v = xp.asarray(float_value(x))
    tail = _erfc_nonneg(xp.abs(v))
    out = xp.where(v < 0, tail - 1.0, 1.0 - tail)
    small = xp.abs(v) < 0.5
    if xp.any(small):
        z = xp.where(small, v, 0.0)
        z2, term, series = z * z, z, z.copy()
        for n in range(1, 18):  # term_n = (-1)ⁿ x^(2n+1) / n!
            term = term * (-z2 / n)
            series += term / (2 * n + 1)
        out = xp.where(small, _TWO_OVER_SQRT_PI * series, out)
    out = out.astype(v.dtype, copy=False)
    return node(out, (x,), lambda g: (g * (_TWO_OVER_SQRT_PI * xp.exp(-v * v)),))


def mod(x1: Any, x2: Any) -> Tensor:
    """x1 mod x2, with the sign of x2 (as ``numpy.mod``); integers stay integers.

    x1 mod x2 = x1 - x2 ⌊x1 / x2⌋, so ∂/∂x1 = 1 and ∂/∂x2 = -⌊x1 / x2⌋ (away from the jumps).
    """
    a, b = value_of(x1), value_of(x2)
    sa, sb = xp.shape(a), xp.shape(b)
    out = xp.asarray(xp.mod(a, b))
    if out.dtype == xp.float64 and not any(xp.asarray(t).dtype == xp.float64 for t in (a, b)
                                           if not isinstance(t, float)):
        out = out.astype(floatx())  # an int array with a Python float: floatx, as in Keras

    def vjp(g):
        gb = unbroadcast(-g * xp.floor_divide(a, b), sb) if needs_grad(x2) else None
        return unbroadcast(g, sa), gb

    return node(out, (x1, x2), vjp)


def floor_divide(x1: Any, x2: Any) -> Tensor:
    """⌊x1 / x2⌋ (integers stay integers); piecewise constant, so it carries no gradient."""
    return Tensor(xp.asarray(xp.floor_divide(value_of(x1), value_of(x2))))


def logical_xor(x1: Any, x2: Any) -> Tensor:
    """True where exactly one of x1, x2 is true."""
    return Tensor(xp.logical_xor(value_of(x1), value_of(x2)))


def isinf(x: Any) -> Tensor:
    """True where x is +inf or -inf."""
    return Tensor(xp.isinf(value_of(x)))


def isclose(x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:
    """True where |x1 - x2| <= atol + rtol |x2| (NaNs equal each other with ``equal_nan``)."""
    return Tensor(xp.isclose(value_of(x1), value_of(x2), rtol=rtol, atol=atol,
                             equal_nan=equal_nan))


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace NaN by ``nan`` and ±inf by ``posinf``/``neginf`` (the dtype's extremes by default).

    The gradient passes where x was finite and is zero at the replaced entries.
    """
    v = xp.asarray(value_of(x))
    if v.dtype.kind != "f":
        return Tensor(v)
    finite = xp.isfinite(v)
    out = xp.nan_to_num(v, nan=nan, posinf=posinf, neginf=neginf)
    return node(out, (x,), lambda g: (g * finite,))

