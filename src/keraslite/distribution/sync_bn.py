"""Batch normalization with statistics over the whole global batch (``synchronized=True``).

Each rank holds a shard of the batch. The forward pass sums, per channel, the shard's count,
Σx and Σx² (in float64) over all ranks with one allreduce, so every rank normalizes with the
global batch's

    μ = S₁ / M,   σ² = S₂ / M - μ²,   x̂ = (x - μ) / √(σ² + ε),   y = γ x̂ + β

(M elements per channel in the whole batch) and updates identical moving averages. Then y on
rank r depends on every rank's x through μ and σ², so the backward pass needs global sums
too. Data-parallel training differentiates Σ_s w_s L_s (w_s = n_s / m, the shard's share of the
batch) and multiplies each rank's gradients by w_r when it averages them. So, with g the
upstream gradient on rank r and G = Σ_s w_s Σ g_s, H = Σ_s w_s Σ g_s x̂_s from one allreduce,

    dx_r = γ / √(σ² + ε) · (g_r - (G + x̂_r H) / (w_r M))

which, after the final weighting by w_r, is the exact gradient of the global batch's loss.
γ and β get their usual per-shard sums Σ g x̂ and Σ g, which the gradient average combines.
With one process (w = 1) this is the ordinary batch normalization VJP.
"""

from __future__ import annotations

from typing import Any

import numpy

from keraslite.autodiff import needs_grad, node
from keraslite.backend import xp
from keraslite.ops.core import value_of


def synchronized_normalize(worker: Any, x: Any, axes: tuple, scale: Any, offset: Any,
                           epsilon: float, param_shape: tuple) -> tuple:
    """Standardize ``x`` with the global batch's statistics, then scale and shift.

    Args:
        worker: this rank's :class:`~keraslite.distribution.worker.Worker`.
        x: this rank's shard of the batch.
        axes: the reduced axes (all but the channel axis).
        scale, offset: γ and β (or None), shaped to broadcast as ``param_shape``.
        epsilon: ε added to the variance.
        param_shape: the broadcast shape of the statistics and of γ, β.

    Returns:
        ``(y, mean, variance)``: the output Tensor, and the global statistics (arrays of shape
        ``param_shape``) for the moving averages.

    """
    if worker.empty:
        raise ValueError(
            "BatchNormalization(synchronized=True) needs rows on every rank in every step, "
            f"but this batch has fewer rows than the {worker.size} ranks. Choose batch_size and "
            "the data size so that every batch holds at least one row per rank. Received: an "
            f"empty shard at rank {worker.rank}")
    v = xp.asarray(value_of(x))
    count = 1
    for a in axes:
        count *= v.shape[a]
    v64 = v.astype(numpy.float64)
    sums = numpy.concatenate([
        numpy.array([float(count)]),
        v64.sum(axis=axes).reshape(-1), numpy.square(v64).sum(axis=axes).reshape(-1)])
    worker.world.allreduce_sum(sums, "synchronizing batch-normalization statistics")
    channels = (sums.size - 1) // 2
    total = sums[0]
    mean64 = (sums[1:1 + channels] / total).reshape(param_shape)
    var64 = numpy.maximum(sums[1 + channels:].reshape(param_shape) / total - mean64 ** 2, 0.0)
    mean, variance = mean64.astype(v.dtype), var64.astype(v.dtype)
    inv = (1.0 / numpy.sqrt(var64 + epsilon)).astype(v.dtype)
    xhat = (v - mean) * inv
    gamma = None if scale is None else xp.asarray(value_of(scale)).reshape(param_shape)
    beta = None if offset is None else xp.asarray(value_of(offset)).reshape(param_shape)
    out = xhat * gamma if gamma is not None else xhat.copy()
    if beta is not None:
        out += beta
    params = [p for p in (scale, offset) if p is not None]

    def vjp(g: Any) -> tuple:
        sum_g = g.sum(axis=axes, keepdims=True)
        sum_gx = (g * xhat).sum(axis=axes, keepdims=True)
        dx = None
        if needs_grad(x):
            w = worker.weight
            packed = numpy.concatenate([sum_g.reshape(-1), sum_gx.reshape(-1)]) * w
            worker.world.allreduce_sum(packed, "synchronizing batch-normalization gradients")
            big_g = packed[:channels].reshape(param_shape).astype(v.dtype)
            big_h = packed[channels:].reshape(param_shape).astype(v.dtype)
            dx = g - (big_g + xhat * big_h) / (w * total)
            dx *= inv if gamma is None else inv * gamma
        grads = [dx]
        if scale is not None:
            grads.append(sum_gx.reshape(xp.shape(value_of(scale))) if needs_grad(scale)
                         else None)
        if offset is not None:
            grads.append(sum_g.reshape(xp.shape(value_of(offset))) if needs_grad(offset)
                         else None)
        return tuple(grads)

    return node(out, (x, *params), vjp), mean, variance
