"""Regression losses: squared, absolute, percentage and logarithmic errors, Huber, log-cosh,
cosine similarity. Each function returns one value per sample (the mean over the last axis).

Notation: t = ``y_true``, p = ``y_pred``, e = p - t, ε = ``keraslite.config.epsilon()``.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon
from keraslite.losses.base import LossFunctionWrapper, prepare


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean squared error:  l = mean(e², axis=-1).

    Args:
        y_true: targets, shape ``(n, d0, ..., dk)``.
        y_pred: predictions, the same shape (or differing by a trailing axis of length 1).

    Returns:
        The per-sample losses, shape ``(n, d0, ..., dk-1)``.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean absolute error:  l = mean(|e|, axis=-1).  Arguments as :func:`mean_squared_error`."""
    y_true, y_pred = prepare(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean absolute percentage error:  l = 100 · mean(|e| / max(|t|, ε), axis=-1).

    Targets near zero make it explode (t = 0 counts as ε = 1e-7); prefer it for targets well away
    from zero. Arguments as :func:`mean_squared_error`.
    """
    y_true, y_pred = prepare(y_true, y_pred)
    scale = ops.maximum(ops.abs(y_true), epsilon())
    error = ops.abs(ops.divide(ops.subtract(y_true, y_pred), scale))
    return ops.multiply(ops.mean(error, axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean squared logarithmic error:  l = mean((log(1 + p⁺) - log(1 + t⁺))², axis=-1).

    Here x⁺ = max(x, ε): values at or below zero count as ε. It measures relative error, so it
    suits positive targets spanning orders of magnitude. Arguments as :func:`mean_squared_error`.
    """
    y_true, y_pred = prepare(y_true, y_pred)
    eps = epsilon()
    first = ops.log1p(ops.maximum(y_pred, eps))
    second = ops.log1p(ops.maximum(y_true, eps))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber loss, quadratic for small errors and linear for large ones.

        h(e) = e² / 2              if |e| <= δ
        h(e) = δ |e| - δ² / 2      otherwise,        l = mean(h(e), axis=-1).

    Args:
        y_true: targets.
        y_pred: predictions.
        delta: δ, where the loss turns from quadratic to linear (default 1.0).

    Returns:
        The per-sample losses.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(ops.square(error), 0.5)
    linear = ops.subtract(ops.multiply(abs_error, delta), 0.5 * delta * delta)
    small = ops.less_equal(abs_error, delta)
    return ops.mean(ops.where(small, quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """Logarithm of the hyperbolic cosine of the error:  l = mean(log cosh(e), axis=-1).

    Computed without overflow as  log cosh(e) = e + softplus(-2e) - log 2. It behaves like e²/2
    for small errors and like |e| - log 2 for large ones; its gradient is tanh(e).
    """
    y_true, y_pred = prepare(y_true, y_pred)
    error = ops.subtract(y_pred, y_true)
    value = ops.add(error, ops.softplus(ops.multiply(error, -2.0)))
    return ops.mean(ops.subtract(value, math.log(2.0)), axis=-1)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    """Divide by the L2 norm along ``axis``: x / max(‖x‖₂, ε) (zero vectors stay zero)."""
    eps = epsilon()
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.divide(x, ops.sqrt(ops.maximum(squares, eps * eps)))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Negative cosine similarity:  l = -Σ_axis (t / ‖t‖) (p / ‖p‖).

    It lies in [-1, 1]: -1 when p points the way t does, 0 when they are orthogonal (or either
    is the zero vector), so minimizing it aligns the predictions with the targets.

    Args:
        y_true: targets.
        y_pred: predictions.
        axis: the axis along which the vectors lie (default -1).

    Returns:
        The per-sample losses.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    t = _l2_normalize(y_true, axis)
    p = _l2_normalize(y_pred, axis)
    return ops.negative(ops.sum(ops.multiply(t, p), axis=axis))


# -- classes ------------------------------------------------------------------------------
_SBS = "sum_over_batch_size"


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors; see :func:`mean_squared_error`.

    Args:
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"`` or ``"none"``.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, reduction: Any = _SBS, name: str = "mean_squared_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors; see :func:`mean_absolute_error`. Arguments as
    :class:`MeanSquaredError`.
    """

    def __init__(self, reduction: Any = _SBS, name: str = "mean_absolute_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error; see :func:`mean_absolute_percentage_error`. Arguments as
    :class:`MeanSquaredError`.
    """

    def __init__(self, reduction: Any = _SBS, name: str = "mean_absolute_percentage_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error; see :func:`mean_squared_logarithmic_error`. Arguments as
    :class:`MeanSquaredError`.
    """

    def __init__(self, reduction: Any = _SBS, name: str = "mean_squared_logarithmic_error",
                 dtype: Any = None) -> None:
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class Huber(LossFunctionWrapper):
    """Huber loss; see :func:`huber`.

    Args:
        delta: where the loss turns from quadratic to linear (default 1.0).
        reduction: see :class:`MeanSquaredError`.
        name: the name shown in logs (default ``"huber_loss"``, as in Keras).
        dtype: the float dtype of the computation.

    """

    def __init__(self, delta: float = 1.0, reduction: Any = _SBS, name: str = "huber_loss",
                 dtype: Any = None) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """Log-cosh loss; see :func:`log_cosh`. Arguments as :class:`MeanSquaredError`."""

    def __init__(self, reduction: Any = _SBS, name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity; see :func:`cosine_similarity`.

    Args:
        axis: the axis along which the vectors lie (default -1).
        reduction: see :class:`MeanSquaredError`.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, axis: int = -1, reduction: Any = _SBS, name: str = "cosine_similarity",
                 dtype: Any = None) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)
        self.axis = axis
