"""Regression metrics: running means of the per-sample regression losses, the root mean
squared error, cosine similarity and the coefficient of determination R².

Notation: t = ``y_true``, p = ``y_pred``, e = p - t, w = sample weights (1 when absent).
"""

from __future__ import annotations

import warnings
from typing import Any

from keraslite import losses
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import (
    Mean,
    MeanMetricWrapper,
    Metric,
    as_array,
    ieee_divide,
    match_ranks,
)


class _LossMean(MeanMetricWrapper):
    """The running mean of a per-sample loss function; configured by name and dtype only."""

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMean):
    """Running mean of the squared error:  mean(e²)  (per sample over the last axis first)."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_LossMean):
    """Running mean of the absolute error:  mean(|e|)."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_LossMean):
    """Running mean of the absolute percentage error:  100 · mean(|e| / max(|t|, ε))."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_LossMean):
    """Running mean of the squared log error:  mean((log(1 + p⁺) - log(1 + t⁺))²),
    x⁺ = max(x, ε).
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(_LossMean):
    """Running mean of the log-cosh error:  mean(log cosh(e))."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """Per-sample cosine similarity:  c = Σ_axis t p / (‖t‖ ‖p‖), in [-1, 1].

    Each side is scaled by min(1/‖x‖, 1/ε), so a zero vector gives 0.
    """
    y_pred = as_array(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype("float64")
    y_true = as_array(y_true).astype(y_pred.dtype, copy=False)
    y_true, y_pred = match_ranks(y_true, y_pred)

    def normalize(x: Any) -> Any:  # x · min(1/‖x‖, 1/ε)
        squares = xp.sum(xp.square(x), axis=axis, keepdims=True)
        return x / xp.sqrt(xp.maximum(squares, xp.asarray(epsilon() ** 2, x.dtype)))

    return Tensor(xp.sum(normalize(y_true) * normalize(y_pred), axis=axis))


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity of targets and predictions (1: same direction).

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        axis: the axis along which the vectors lie (default -1).

    """

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None,
                 axis: int = -1) -> None:
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """The root of the running mean squared error:  RMSE = sqrt(Σ w e² / Σ w)."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = as_array(y_pred).astype("float64")
        y_true, y_pred = match_ranks(as_array(y_true).astype("float64"), y_pred)
        super().update_state(xp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> Tensor:
        return self._wrap(xp.sqrt(self.total / self.count) if self.count else 0.0)


class R2Score(Metric):
    """The coefficient of determination R², per output column j.

        R²_j = 1 - Σ_i w_i (t_ij - p_ij)² / Σ_i w_i (t_ij - t̄_j)²,   t̄_j = Σ_i w_i t_ij / Σ_i w_i,

    It is kept as running sums (Σ w t, Σ w t², Σ w e², Σ w), so it is exact over batches. A column
    whose targets are constant scores 0. The adjusted R² with k regressors and n samples is
    1 - (1 - R²)(n - 1)/(n - k - 1).

    Args:
        class_aggregation: ``"uniform_average"`` (default: the mean over columns),
            ``"variance_weighted_average"`` (weighted by each column's Σ w (t - t̄)²), or
            ``None`` (the vector of per-column scores).
        num_regressors: k, for the adjusted R² (0: plain R²).
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _state = ("squared_sum", "sum", "total_mse", "count", "num_samples")
    _AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")

    def __init__(self, class_aggregation: str | None = "uniform_average",
                 num_regressors: int = 0, name: str = "r2_score", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in self._AGGREGATIONS:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{self._AGGREGATIONS}. Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_outputs: int | None = None
        self.reset_state()

    def reset_state(self) -> None:
        for name in ("squared_sum", "sum", "total_mse", "count"):
            setattr(self, name, None if self.num_outputs is None else xp.zeros(self.num_outputs))
        self.num_samples = 0

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = as_array(y_true).astype("float64")
        y_pred = as_array(y_pred).astype("float64")
        y_true, y_pred = match_ranks(y_true, y_pred)
        if y_true.ndim == 1 and y_pred.ndim == 1:  # one target per sample
            y_true, y_pred = y_true[:, None], y_pred[:, None]
        if y_true.ndim != 2 or y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), the same for "
                f"targets and predictions. Received input shapes: y_pred.shape={y_pred.shape} "
                f"and y_true.shape={y_true.shape}."
            )
        if self.num_outputs is None:
            self.num_outputs = y_pred.shape[1]
            self.reset_state()
        elif y_pred.shape[1] != self.num_outputs:
            raise ValueError(
                f"R2Score was first updated with {self.num_outputs} output columns and now "
                f"receives {y_pred.shape[1]}. Received: y_pred.shape={y_pred.shape}"
            )
        w = xp.ones(()) if sample_weight is None else as_array(sample_weight).astype("float64")
        if w.ndim == 1:
            w = w[:, None]
        w = xp.broadcast_to(w, y_true.shape)
        self.sum = self.sum + xp.sum(y_true * w, axis=0)
        self.squared_sum = self.squared_sum + xp.sum(y_true * y_true * w, axis=0)
        self.total_mse = self.total_mse + xp.sum((y_true - y_pred) ** 2 * w, axis=0)
        self.count = self.count + xp.sum(w, axis=0)
        self.num_samples += y_true.size

    def result(self) -> Tensor:
        if self.sum is None:
            return self._wrap(0.0)
        mean = ieee_divide(self.sum, self.count)
        total = self.squared_sum - self.sum * mean
        raw = 1.0 - ieee_divide(self.total_mse, total)
        raw = xp.where(xp.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = xp.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = xp.sum(total * raw) / xp.sum(total)
        else:
            score = raw
        k, n = self.num_regressors, self.num_samples
        if k:
            if k > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 "
                              "score. Falling back to standard R2 score.", stacklevel=2)
            elif k == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard "
                              "R2 score.", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - k - 1.0)
        return self._wrap(score)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype,
                "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
