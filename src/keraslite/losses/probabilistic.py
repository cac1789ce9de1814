"""Losses between distributions and counts: Kullback-Leibler divergence and Poisson deviance.

Notation: t = ``y_true``, p = ``y_pred``, ε = ``keraslite.config.epsilon()``.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon
from keraslite.losses.base import LossFunctionWrapper, prepare


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """Kullback-Leibler divergence of p from t:  l = Σ_j t_j log(t_j / p_j)  over the last axis.

    Both are clipped to [ε, 1] first, so zeros contribute nothing and never divide by zero.

    Args:
        y_true: target distributions, shape ``(n, ..., k)``.
        y_pred: predicted distributions, the same shape.

    Returns:
        The per-sample divergences (last axis removed).

    """
    y_true, y_pred = prepare(y_true, y_pred)
    eps = epsilon()
    t = ops.clip(y_true, eps, 1.0)
    p = ops.clip(y_pred, eps, 1.0)
    return ops.sum(ops.multiply(t, ops.subtract(ops.log(t), ops.log(p))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """Poisson loss: the negative log-likelihood of counts t under rates p, up to a constant.

        l = mean(p - t log(p + ε), axis=-1).

    Args:
        y_true: observed counts, shape ``(n, d0, ..., dk)``.
        y_pred: predicted rates (positive), the same shape.

    Returns:
        The per-sample losses.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    log_rate = ops.log(ops.add(y_pred, epsilon()))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, log_rate)), axis=-1)


# -- classes ------------------------------------------------------------------------------
_SBS = "sum_over_batch_size"


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence; see :func:`kl_divergence`.

    Args:
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"`` or ``"none"``.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, reduction: Any = _SBS, name: str = "kl_divergence",
                 dtype: Any = None) -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson loss; see :func:`poisson`. Arguments as :class:`KLDivergence`."""

    def __init__(self, reduction: Any = _SBS, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)
