"""Accuracy metrics: exact, binary (thresholded), categorical (one-hot) and sparse (integer
labels), as per-sample functions and as running means; and how ``"accuracy"`` is resolved.

Each function returns 1.0 where the prediction is right and 0.0 where it is wrong, per sample
(per entry for multi-label binary accuracy); the classes average them over all samples seen.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.metrics.base import MeanMetricWrapper, Metric, as_array, match_ranks


def _hits(matches: Any) -> Tensor:
    return Tensor(matches.astype(floatx()))


def accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """Exact agreement:  a = [t == p], entry by entry (for predictions that are labels)."""
    y_pred = as_array(y_pred)
    y_true, y_pred = match_ranks(as_array(y_true).astype(y_pred.dtype, copy=False), y_pred)
    return _hits(y_true == y_pred)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """Thresholded agreement:  a = [t == (p > threshold)], entry by entry.

    Args:
        y_true: 0/1 labels, shape ``(n,)``, ``(n, 1)`` or ``(n, d)`` (multi-label).
        y_pred: probabilities, the same shape (or differing by a trailing axis of length 1).
        threshold: predictions above it count as 1.

    Returns:
        Hits of the shape of the labels, with a trailing axis of length 1 dropped.

    """
    y_true, y_pred = match_ranks(as_array(y_true), as_array(y_pred))
    hits = (y_pred > threshold).astype(y_true.dtype) == y_true
    if hits.ndim > 1 and hits.shape[-1] == 1:
        hits = hits[..., 0]
    return _hits(hits)


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """One-hot agreement:  a_i = [argmax_j t_ij == argmax_j p_ij]  (ties: the first maximum).

    Args:
        y_true: one-hot labels, shape ``(n, k)``.
        y_pred: class scores, shape ``(n, k)``.

    """
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    return _hits(xp.argmax(y_true, -1) == xp.argmax(y_pred, -1))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """Integer-label agreement:  a_i = [t_i == argmax_j p_ij].

    Args:
        y_true: class indices, shape ``(n,)`` or ``(n, 1)``.
        y_pred: class scores, shape ``(n, k)``.

    """
    y_pred = as_array(y_pred)
    y_true = as_array(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    predicted = xp.argmax(y_pred, -1)
    return _hits(predicted.astype(y_pred.dtype) == y_true.astype(y_pred.dtype, copy=False))


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly:  mean_i [t_i == p_i].

    For probabilities use :class:`BinaryAccuracy` or :class:`CategoricalAccuracy` (or the
    string ``"accuracy"`` in ``compile``, which picks one from the shapes).
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match 0/1 labels:  mean [t == (p > threshold)].

    Args:
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        threshold: predictions above it count as 1 (default 0.5).

    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None,
                 threshold: float = 0.5) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax of the one-hot label."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def resolve_accuracy(identifier: str, y_true_shape: tuple, y_pred_shape: tuple) -> Metric:
    """Pick binary, sparse or categorical accuracy from the shapes, as Keras 3 does.

    One output unit means binary; labels of lower rank than the output (or a trailing 1 against
    several units) mean sparse integer labels; otherwise one-hot labels. The loss plays no part.

    Args:
        identifier: the name given in ``compile`` (``"accuracy"`` or ``"acc"``), kept as the
            metric's name.
        y_true_shape: the shape of a batch of labels.
        y_pred_shape: the shape of a batch of predictions.

    """
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=identifier)
    if len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape and y_true_shape[-1] == 1 and y_pred_shape[-1] > 1
    ):
        return SparseCategoricalAccuracy(name=identifier)
    return CategoricalAccuracy(name=identifier)
