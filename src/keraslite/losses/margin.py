"""Hinge losses for maximum-margin classifiers, with targets t in {-1, +1} and scores p.

Binary labels in {0, 1} are accepted: when every target is 0 or 1 they are mapped to 2t - 1,
as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.losses.base import LossFunctionWrapper, prepare


def _signed_labels(y_true: Tensor) -> Tensor:
    """Map {0, 1} labels to {-1, +1}; other labels are returned unchanged."""
    t = y_true.value
    if bool(xp.all((t == 0) | (t == 1))):
        return ops.subtract(ops.multiply(y_true, 2.0), 1.0)
    return y_true


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Hinge loss:  l = mean(max(1 - t p, 0), axis=-1).

    Args:
        y_true: targets in {-1, +1} (or {0, 1}), shape ``(n, d0, ..., dk)``.
        y_pred: scores, the same shape.

    Returns:
        The per-sample losses, shape ``(n, d0, ..., dk-1)``.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    margin = ops.subtract(1.0, ops.multiply(_signed_labels(y_true), y_pred))
    return ops.mean(ops.maximum(margin, 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Squared hinge loss:  l = mean(max(1 - t p, 0)², axis=-1).  Arguments as :func:`hinge`."""
    y_true, y_pred = prepare(y_true, y_pred)
    margin = ops.subtract(1.0, ops.multiply(_signed_labels(y_true), y_pred))
    return ops.mean(ops.square(ops.maximum(margin, 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Categorical (Crammer-Singer) hinge loss for one-hot targets.

        pos = Σ_j t_j p_j,   neg = max_j (1 - t_j) p_j,   l = max(neg - pos + 1, 0).

    Args:
        y_true: one-hot targets, shape ``(n, k)``.
        y_pred: class scores, shape ``(n, k)``.

    Returns:
        The per-sample losses, shape ``(n,)``.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


# -- classes ------------------------------------------------------------------------------
_SBS = "sum_over_batch_size"


class Hinge(LossFunctionWrapper):
    """Hinge loss; see :func:`hinge`.

    Args:
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"`` or ``"none"``.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, reduction: Any = _SBS, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss; see :func:`squared_hinge`. Arguments as :class:`Hinge`."""

    def __init__(self, reduction: Any = _SBS, name: str = "squared_hinge",
                 dtype: Any = None) -> None:
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss; see :func:`categorical_hinge`. Arguments as :class:`Hinge`."""

    def __init__(self, reduction: Any = _SBS, name: str = "categorical_hinge",
                 dtype: Any = None) -> None:
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
