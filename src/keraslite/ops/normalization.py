"""Normalization ops: ``moments``, ``batch_normalization``, ``layer_normalization``, and the
fused standardization that batch and layer normalization train through.

The fused op :func:`normalize` computes, over the reduced axes R (n elements per group),

    μ = mean_R(x),  σ² = mean_R((x - μ)²),  x̂ = (x - μ) / √(σ² + ε),  y = γ x̂ + β

as one graph node. Its VJP is the classic closed form, with ĝ = γ g:

    dx = (ĝ - mean_R(ĝ) - x̂ · mean_R(ĝ x̂)) / √(σ² + ε),   dγ = Σ g x̂,   dβ = Σ g

(γ and β summed over the axes they are broadcast along). It gives the same values and gradients
as the composite of ``mean``, ``subtract``, ``square``, ``sqrt`` ... (tested), with one node
instead of about ten, and keeps x̂ instead of every intermediate.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import needs_grad, node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon as backend_epsilon
from keraslite.backend import xp
from keraslite.ops.core import value_of
from keraslite.ops.math import add, multiply, negative, sqrt, square, subtract, true_divide
from keraslite.ops.reduction import mean as reduce_mean
from keraslite.ops.reduction import var
from keraslite.ops.shape import reshape, squeeze


def _axes(axes: Any, ndim: int) -> tuple:
    """Normalize ``axes`` (an int or a sequence, negatives allowed) to sorted non-negative ints."""
    if isinstance(axes, int):
        axes = (axes,)
    out = []
    for a in axes:
        if not -ndim <= int(a) < ndim:
            raise ValueError(
                f"Axis {a} is out of bounds for an input of rank {ndim}. Received: axes={axes}"
            )
        out.append(int(a) % ndim)
    return tuple(sorted(set(out)))


def normalize(x: Any, axes: Any, scale: Any = None, offset: Any = None,
              epsilon: float = 1e-3, param_shape: tuple | None = None) -> tuple:
    """Standardize ``x`` over ``axes`` with its own statistics, then scale and shift (fused).

    y = scale · (x - μ) / √(σ² + ε) + offset, with μ and σ² the mean and (biased) variance of
    ``x`` over ``axes``. See the module docstring for the VJP.

    Args:
        x: the input.
        axes: the axes to reduce (the batch axes for batch normalization, the feature axes for
            layer normalization).
        scale, offset: optional γ and β; they are reshaped to ``param_shape`` to broadcast
            against ``x`` and their gradients are summed back to their own shapes.
        epsilon: ε added to the variance.
        param_shape: the broadcast shape of ``scale`` and ``offset`` (their shape by default).

    Returns:
        ``(y, mean, variance)``: the output Tensor and the statistics as plain arrays of shape
        ``x.shape`` with the reduced axes set to 1 (no gradient flows through them; batch
        normalization uses them for its moving averages).

    """
    v = xp.asarray(value_of(x))
    red = _axes(axes, v.ndim)
    n = 1
    for a in red:
        n *= v.shape[a]
    mean = xp.mean(v, axis=red, keepdims=True)
    xhat = v - mean
    variance = xp.mean(xp.square(xhat), axis=red, keepdims=True)
    inv = 1.0 / xp.sqrt(variance + epsilon)
    xhat *= inv
    params = [p for p in (scale, offset) if p is not None]
    values = [xp.asarray(value_of(p)) for p in params]
    bshape = tuple(param_shape or (values[0].shape if values else ()))
    gamma = values[0].reshape(bshape) if scale is not None else None
    beta = values[-1].reshape(bshape) if offset is not None else None
    out = xhat * gamma if gamma is not None else xhat.copy()
    if beta is not None:
        out += beta
    out = out.astype(v.dtype, copy=False)
    # Batch normalization: γ and β are constant over each normalized group, so the sums of the
    # VJP factor: mean_R(γ g) = γ Σ_R g / n and mean_R(γ g x̂) = γ Σ_R(g x̂) / n.
    lead = v.ndim - len(bshape)
    per_group = not values or all(a < lead or bshape[a - lead] == 1 for a in red)

    def vjp(g):
        gx = g * xhat
        if per_group:
            sum_g = xp.sum(g, axis=red, keepdims=True)
            sum_gx = xp.sum(gx, axis=red, keepdims=True)
            dx = None
            if needs_grad(x):
                dx = g - sum_g / n
                dx -= xhat * (sum_gx / n)
                dx *= inv if gamma is None else inv * gamma
        else:
            sum_g, sum_gx = g, gx
            dx = None
            if needs_grad(x):
                gh = g if gamma is None else g * gamma
                dx = gh - xp.mean(gh, axis=red, keepdims=True)
                dx -= xhat * xp.mean(gh * xhat, axis=red, keepdims=True)
                dx *= inv
        grads = [dx]
        if scale is not None:
            grads.append(_sum_to(sum_gx, values[0].shape, bshape) if needs_grad(scale)
                         else None)
        if offset is not None:
            grads.append(_sum_to(sum_g, values[-1].shape, bshape) if needs_grad(offset)
                         else None)
        return tuple(grads)

    return node(out, (x, *params), vjp), mean, variance


def _sum_to(g, shape: tuple, param_shape: tuple | None):
    """Sum ``g`` over the axes along which a parameter of broadcast shape ``param_shape``
    (``shape`` itself by default) was broadcast, and give it back its own ``shape``.
    """
    bshape = tuple(param_shape or shape)
    lead = g.ndim - len(bshape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(bshape)
                                      if d == 1 and g.shape[lead + i] != 1)
    return xp.sum(g, axis=axes).reshape(shape) if axes else g.reshape(shape)


def moments(x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False) -> tuple:
    """Mean and (biased) variance of ``x`` over ``axes``, as ``keras.ops.moments``.

    μ = mean_R(x), σ² = mean_R((x - μ)²). Composite, so gradients flow to ``x`` through both.

    Args:
        x: the input.
        axes: the axes to reduce.
        keepdims: keep the reduced axes with size 1.
        synchronized: accepted for Keras compatibility (one device: nothing to synchronize).

    Returns:
        ``(mean, variance)`` Tensors.

    """
    del synchronized
    red = _axes(axes, len(xp.shape(value_of(x))))
    mean = reduce_mean(x, axis=red, keepdims=True)
    variance = reduce_mean(square(subtract(x, mean)), axis=red, keepdims=True)
    if not keepdims:
        mean, variance = squeeze(mean, axis=red), squeeze(variance, axis=red)
    return mean, variance


def batch_normalization(x: Any, mean: Any, variance: Any, axis: int, offset: Any = None,
                        scale: Any = None, epsilon: float = 1e-3) -> Tensor:
    """Normalize ``x`` with given statistics along ``axis`` (``keras.ops.batch_normalization``).

        y = (x - mean) · scale / √(variance + ε) + offset

    ``mean``, ``variance``, ``scale`` and ``offset`` are vectors of length ``x.shape[axis]``.
    Composite (computed as x · inv + (offset - mean · inv), as Keras does), so every argument
    receives its gradient.
    """
    ndim = len(xp.shape(value_of(x)))
    ax = _axes(axis, ndim)[0]
    shape = [1] * ndim
    shape[ax] = xp.shape(value_of(mean))[0]
    inv = true_divide(1.0, sqrt(add(reshape(variance, shape), epsilon)))
    if scale is not None:
        inv = multiply(inv, reshape(scale, shape))
    res = multiply(negative(reshape(mean, shape)), inv)
    if offset is not None:
        res = add(res, reshape(offset, shape))
    return add(multiply(x, inv), res)


def layer_normalization(x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1,
                        epsilon: float | None = None, rms_scaling: bool = False) -> Tensor:
    """Normalize each sample over ``axis``, an int or a list (``keras.ops.layer_normalization``).

        y = γ (x - mean_axis(x)) / √(var_axis(x) + ε) + β

    ``gamma`` and ``beta`` have the shape of the normalized axes. With the deprecated
    ``rms_scaling`` Keras computes y = γ x / √(var_axis(x) + ε) (no centering, no β); kept for
    compatibility. ``epsilon`` defaults to ``keraslite.backend.epsilon()``.
    """
    if epsilon is None:
        epsilon = backend_epsilon()
    v_shape = xp.shape(value_of(x))
    red = _axes(axis, len(v_shape))
    param_shape = tuple(v_shape[d] if d in red else 1 for d in range(len(v_shape)))
    if rms_scaling:
        out = multiply(x, true_divide(1.0, sqrt(add(var(x, axis=red, keepdims=True), epsilon))))
        if gamma is not None:
            from keraslite.ops.shape import reshape

            out = multiply(out, reshape(gamma, param_shape))
        return out
    return normalize(x, red, gamma, beta, epsilon, param_shape)[0]
