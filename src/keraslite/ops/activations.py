"""Activation ops beyond the core ones in :mod:`keraslite.ops.nn`: each forward and its VJP.

Every op is element-wise, so each VJP is ``g`` times the local derivative f'(x), written
next to the forward formula. Formulas follow Keras 3 (``keras/src/backend/*/nn.py``); the
implementations avoid overflow (``exp`` only of non-positive numbers, ``expm1``/``log1p``).
"""

from __future__ import annotations

import math
from typing import Any

from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.ops.core import value_of
from keraslite.ops.nn import _sigmoid_value, silu

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715

# Chebyshev coefficients of  f(u) = log(erfc(z) e^{z²} / t),  t = 2 / (2 + z),  u = 2t - 1,
# for z >= 0: a smooth function on u in [-1, 1]. Fitted for keraslite with 40-digit mpmath at
# 200 Chebyshev nodes; the truncated series has |error| < 5e-16, which is erfc's relative error.
_ERFC_CHEB = (
    -0.6513268598908547, 0.6419697923564902, 0.019476473204185836, -0.009561514786808632,
    -0.0009465953444820369, 0.00036683949785276145, 4.252332480690777e-05,
    -2.0278578112534242e-05, -1.6242900046470256e-06, 1.3036558355805232e-06,
    1.5626441722066142e-08, -8.523809591492654e-08, 6.5290544390988515e-09,
    5.059343495551469e-09, -9.91364156493033e-10, -2.273651222931836e-10,
    9.646791102015527e-11, 2.3940380830391146e-12, -6.886027526497553e-12,
    8.944879273090725e-13, 3.130921399342958e-13, -1.1270822361367252e-13,
    3.810905255189232e-16, 7.106097613609237e-15, -1.5230282014571043e-15,
)


def _float_value(x: Any):
    """The array behind ``x``, as a float array (ints and Python numbers become floatx)."""
    v = value_of(x)
    if isinstance(v, (int, float, bool)) or xp.asarray(v).dtype.kind != "f":
        return xp.asarray(v, dtype=floatx())
    return v


def _erfc_nonneg(z):
    """erfc(z) for z >= 0 with full relative accuracy (also far in the tail).

    Float64 sums the whole series; lower precisions stop once the terms fall below 1e-9.
    """
    t = 2.0 / (2.0 + z)
    u2 = 4.0 * t - 2.0  # 2u, u = 2t - 1
    coeffs = _ERFC_CHEB if z.dtype == xp.float64 else _ERFC_CHEB[:15]
    b1, b2, tmp = xp.zeros_like(z), xp.zeros_like(z), xp.empty_like(z)
    for c in reversed(coeffs[1:]):  # Clenshaw's recurrence b_k = c_k + 2u b_{k+1} - b_{k+2}
        xp.multiply(u2, b1, out=tmp)
        tmp -= b2
        tmp += c
        b1, b2, tmp = tmp, b1, b2
    b1 *= 0.5 * u2
    b1 -= b2
    b1 += coeffs[0] - z * z  # Σ c_k T_k(u) = c_0 + u b_1 - b_2
    return t * xp.exp(b1)


def normal_cdf(v):
    """Φ(v) = P(N(0, 1) <= v) = erfc(-v / √2) / 2, accurate in both tails (an array helper)."""
    half = 0.5 * _erfc_nonneg(xp.abs(v) * (1.0 / math.sqrt(2.0)))
    return xp.where(v < 0, half, 1.0 - half)


def relu6(x: Any) -> Tensor:
    """min(max(x, 0), 6).  d/dx = 1 for 0 < x < 6, else 0."""
    v = _float_value(x)
    out = xp.minimum(xp.maximum(v, 0.0), 6.0)
    return node(out, (x,), lambda g: (g * ((v > 0) & (v < 6)),))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """Leaky ReLU: x for x >= 0, negative_slope · x below.  d/dx = 1 or negative_slope."""
    v = _float_value(x)
    pos = v >= 0
    slope = float(negative_slope)
    return node(xp.where(pos, v, slope * v), (x,), lambda g: (xp.where(pos, g, slope * g),))


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: x for x > 0, alpha (eˣ - 1) for x <= 0.

    d/dx = 1 for x > 0, alpha eˣ = f(x) + alpha below (read from the output).
    """
    v = _float_value(x)
    alpha = float(alpha)
    pos = v > 0
    out = xp.where(pos, v, alpha * xp.expm1(xp.minimum(v, 0.0)))
    return node(out, (x,), lambda g: (xp.where(pos, g, g * (out + alpha)),))


def selu(x: Any) -> Tensor:
    """Scaled ELU: scale · elu(x, alpha) with Klambauer et al.'s constants.

    alpha ≈ 1.6732632, scale ≈ 1.0507010.  d/dx = scale for x > 0, f(x) + scale · alpha below.
    """
    v = _float_value(x)
    pos = v > 0
    out = SELU_SCALE * xp.where(pos, v, SELU_ALPHA * xp.expm1(xp.minimum(v, 0.0)))
    return node(out, (x,),
                lambda g: (g * xp.where(pos, SELU_SCALE, out + SELU_SCALE * SELU_ALPHA),))


def softsign(x: Any) -> Tensor:
    """Softsign: x / (1 + |x|), in (-1, 1).  d/dx = 1 / (1 + |x|)²."""
    v = _float_value(x)
    d = 1.0 / (1.0 + xp.abs(v))
    return node(v * d, (x,), lambda g: (g * d * d,))


def gelu(x: Any, approximate: bool = True) -> Tensor:
    """Gaussian error linear unit: x Φ(x), Φ the standard normal CDF.

    Exact (``approximate=False``): f = x Φ(x) = x (1 + erf(x / √2)) / 2, d/dx = Φ(x) + x φ(x)
    with φ(x) = e^{-x²/2} / √(2π). Approximate (the default of ``keras.ops.gelu``; the
    activation ``keras.activations.gelu`` defaults to exact):
    f = x (1 + tanh(u)) / 2 with u = √(2/π) (x + 0.044715 x³),
    d/dx = (1 + tanh u) / 2 + x (1 - tanh² u) √(2/π) (1 + 3 · 0.044715 x²) / 2.
    """
    v = _float_value(x)
    if approximate:
        th = xp.tanh(_SQRT_2_OVER_PI * (v + _GELU_CUBIC * v * v * v))
        cdf = 0.5 * (1.0 + th)

        def vjp(g):
            du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * v * v)
            return (g * (cdf + 0.5 * v * (1.0 - th * th) * du),)

        return node(v * cdf, (x,), vjp)
    cdf = normal_cdf(v)

    def vjp_exact(g):
        return (g * (cdf + v * (_INV_SQRT_2PI * xp.exp(-0.5 * v * v))),)

    return node(v * cdf, (x,), vjp_exact)


def hard_sigmoid(x: Any) -> Tensor:
    """Piecewise-linear sigmoid: clip(x / 6 + 1/2, 0, 1).  d/dx = 1/6 for -3 < x < 3, else 0."""
    v = _float_value(x)
    out = xp.clip(v * (1.0 / 6.0) + 0.5, 0.0, 1.0)
    return node(out, (x,), lambda g: (g * (((v > -3) & (v < 3)) * (1.0 / 6.0)),))


def hard_silu(x: Any) -> Tensor:
    """Hard SiLU (hard swish): x · hard_sigmoid(x); 0 below -3, x above 3, x (x + 3) / 6 between.

    d/dx = 0 for x < -3, (2x + 3) / 6 for -3 < x < 3, 1 for x > 3.
    """
    v = _float_value(x)
    hs = xp.clip(v * (1.0 / 6.0) + 0.5, 0.0, 1.0)

    def vjp(g):
        inside = (v > -3) & (v < 3)
        return (g * xp.where(inside, (2.0 * v + 3.0) * (1.0 / 6.0), hs),)

    return node(v * hs, (x,), vjp)


hard_swish = hard_silu
swish = silu  # Keras exports keras.ops.swish as an alias of silu


def log_sigmoid(x: Any) -> Tensor:
    """Log-sigmoid: log σ(x) = -softplus(-x) = min(x, 0) - log(1 + e^-|x|).  d/dx = σ(-x)."""
    v = _float_value(x)
    out = xp.minimum(v, 0.0) - xp.log1p(xp.exp(-xp.abs(v)))
    return node(out, (x,), lambda g: (g * _sigmoid_value(-v),))


def mish(x: Any) -> Tensor:
    """Mish: x tanh(softplus(x)).  d/dx = tanh(sp) + x (1 - tanh²(sp)) σ(x), sp = softplus(x).

    Keras 3 has no ``keras.ops.mish`` (only the activation), so this op is not re-exported from
    :mod:`keraslite.ops`; :func:`keraslite.activations.mish` uses it.
    """
    v = _float_value(x)
    sp = xp.maximum(v, 0.0) + xp.log1p(xp.exp(-xp.abs(v)))
    th = xp.tanh(sp)

    def vjp(g):
        return (g * (th + v * (1.0 - th * th) * _sigmoid_value(v)),)

    return node(v * th, (x,), vjp)
