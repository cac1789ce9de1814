"""Metrics (``keraslite.metrics``): stateful accumulators reported during training.

A metric accumulates over batches with ``update_state`` and reports with ``result``; the
per-sample functions (``binary_accuracy`` ...) compute on plain arrays, outside any tape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import losses as losses_module
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.naming import lookup, to_snake_case


def _np(x: Any):
    return x.value if isinstance(x, Tensor) else xp.asarray(x)


def _same_rank(y_true, y_pred):
    """Give a rank-1 side a trailing axis when the other side has a trailing axis of 1."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_pred = y_pred[..., None] if y_pred.ndim == 1 else y_pred
        y_true = y_true if y_pred.ndim == y_true.ndim else y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None] if y_true.ndim == 1 else y_true
        y_pred = y_pred if y_pred.ndim == y_true.ndim else y_pred[..., 0]
    return y_true, y_pred


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """Per-sample share of entries where (y_pred > threshold) equals y_true."""
    y_true, y_pred = _same_rank(_np(y_true), _np(y_pred))
    hits = (y_pred > threshold).astype(y_true.dtype) == y_true
    return Tensor(xp.mean(hits, axis=-1, dtype=floatx()) if hits.ndim > 1 else
                  hits.astype(floatx()))


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """Per-sample 1.0 where argmax(y_pred) equals argmax(y_true) (one-hot labels)."""
    y_true, y_pred = _np(y_true), _np(y_pred)
    return Tensor((xp.argmax(y_true, -1) == xp.argmax(y_pred, -1)).astype(floatx()))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """Per-sample 1.0 where argmax(y_pred) equals the integer label y_true."""
    y_true, y_pred = _np(y_true), _np(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return Tensor((xp.argmax(y_pred, -1) == y_true.astype(xp.int64)).astype(floatx()))


class Metric:
    """Base class of stateful metrics.

    Subclasses implement ``update_state``, ``result`` and ``reset_state``.
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = dtype or floatx()

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    def result(self) -> Tensor:
        raise NotImplementedError

    def reset_state(self) -> None:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """Weighted mean of the values seen: Σ w v / Σ w."""

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        v = _np(values).astype("float64", copy=False)
        if sample_weight is None:
            self.total += float(v.sum())
            self.count += v.size
            return
        w = _np(sample_weight).astype("float64", copy=False)
        while w.ndim > v.ndim and w.shape[-1] == 1:
            w = w[..., 0]
        w = xp.broadcast_to(w.reshape(w.shape + (1,) * (v.ndim - w.ndim)), v.shape)
        self.total += float((v * w).sum())
        self.count += float(w.sum())

    def result(self) -> Tensor:
        return Tensor(xp.asarray(self.total / self.count if self.count else 0.0, self.dtype))


class Sum(Metric):
    """Weighted sum of the values seen."""

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        v = _np(values).astype("float64", copy=False)
        self.total += float((v if sample_weight is None else v * _np(sample_weight)).sum())

    def result(self) -> Tensor:
        return Tensor(xp.asarray(self.total, self.dtype))


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._fn_kwargs}


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 label."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None,
                 threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax of the one-hot label."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


def _mse_metric(y_true: Any, y_pred: Any) -> Tensor:
    return Tensor(losses_module.mean_squared_error(_np(y_true), _np(y_pred)).value)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of the per-sample mean squared error."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(_mse_metric, name=name, dtype=dtype)


def _mae_metric(y_true: Any, y_pred: Any) -> Tensor:
    return Tensor(losses_module.mean_absolute_error(_np(y_true), _np(y_pred)).value)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of the per-sample mean absolute error."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(_mae_metric, name=name, dtype=dtype)


ALL: dict[str, Any] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "BinaryAccuracy": BinaryAccuracy,
    "CategoricalAccuracy": CategoricalAccuracy,
    "SparseCategoricalAccuracy": SparseCategoricalAccuracy,
    "MeanSquaredError": MeanSquaredError,
    "Mean": Mean,
    "Sum": Sum,
}


def get(identifier: Any) -> Any:
    """Return a metric object for a name, a config dict, a Metric or a function."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        found = lookup(identifier, ALL, "metric", "metrics")
        return found()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], ALL, "metric", "metrics")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        "Could not interpret metric: expected a name such as 'accuracy', a Metric, or a "
        f"function (y_true, y_pred). Received: metrics={identifier!r}"
    )


def resolve_accuracy(identifier: str, y_true_shape: tuple, y_pred_shape: tuple) -> Metric:
    """Pick binary, sparse or categorical accuracy from the shapes, as Keras 3 does.

    One output unit means binary; labels of lower rank than the output (or a trailing 1 against
    several units) mean sparse integer labels; otherwise one-hot labels.
    """
    if y_pred_shape[-1] == 1:
        metric: Metric = BinaryAccuracy(name=identifier)
    elif len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape and y_true_shape[-1] == 1 and y_pred_shape[-1] > 1
    ):
        metric = SparseCategoricalAccuracy(name=identifier)
    else:
        metric = CategoricalAccuracy(name=identifier)
    return metric
