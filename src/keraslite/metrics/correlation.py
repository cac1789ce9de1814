"""Correlation metrics, computed per sample along an axis and averaged over samples.

For the vectors t and p of one sample (means t̄, p̄, population variances σ_t², σ_p²):

    Pearson     r  = mean((t - t̄)(p - p̄)) / (σ_t σ_p)
    Concordance ρc = 2 cov(t, p) / (σ_t² + σ_p² + (t̄ - p̄)² + ε)
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import MeanMetricWrapper, as_array, ieee_divide, match_ranks


def _prepare(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_true = as_array(y_true).astype("float64")
    y_pred = as_array(y_pred).astype("float64")
    return match_ranks(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Per-sample Pearson correlation coefficient along ``axis`` (see the module docstring)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    t = y_true - xp.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - xp.mean(y_pred, axis=axis, keepdims=True)
    t = ieee_divide(t, xp.std(t, axis=axis, keepdims=True))
    p = ieee_divide(p, xp.std(p, axis=axis, keepdims=True))
    return Tensor(xp.mean(t * p, axis=axis))


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Per-sample concordance correlation coefficient along ``axis`` (Lin, 1989)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    t_mean = xp.mean(y_true, axis=axis, keepdims=True)
    p_mean = xp.mean(y_pred, axis=axis, keepdims=True)
    t_var = xp.var(y_true - t_mean, axis=axis, keepdims=True)
    p_var = xp.var(y_pred - p_mean, axis=axis, keepdims=True)
    covar = (y_true - p_mean) * (y_pred - p_mean)  # averages to cov(t, p), as Keras writes it
    norm = t_var + p_var + xp.square(t_mean - p_mean)
    return Tensor(xp.mean(2 * covar / (norm + epsilon()), axis=axis))


class PearsonCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample Pearson correlation (1: perfectly linearly related).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        axis: the axis along which each sample's values lie (default -1).

    """

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None,
                 axis: int = -1) -> None:
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Running mean of the per-sample concordance correlation (1: predictions equal targets).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        axis: the axis along which each sample's values lie (default -1).

    """

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None,
                 axis: int = -1) -> None:
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
