"""Top-k accuracy: whether the true class is among the k highest-scored classes.

A class is in the top k when fewer than k classes score strictly higher:
rank(c) = 1 + #{j : p_j > p_c} ≤ k. Ties therefore count in the label's favour, and a NaN score
for the true class never counts, as in Keras 3 (JAX backend).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.metrics.base import MeanMetricWrapper, as_array


def in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """Booleans: whether each integer target is among the top ``k`` of its row of predictions.

    Args:
        targets: class indices, shape ``(n,)``.
        predictions: scores, shape ``(n, classes)``.
        k: how many of the highest scores count.

    """
    targets = xp.asarray(targets).astype(xp.int64)
    at_label = xp.take_along_axis(predictions, targets[:, None], axis=-1)
    at_label = xp.where(xp.isnan(at_label), -xp.inf, at_label)
    rank = 1 + xp.sum(predictions > at_label, axis=-1)
    return rank <= k


def _top_k_hits(labels: Any, y_pred: Any, k: int) -> Tensor:
    shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    hits = in_top_k(labels.reshape(-1), y_pred, k)
    return Tensor(hits.reshape(shape).astype(floatx()))


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """Per sample, 1.0 when argmax of the one-hot label is among the k top-scored classes.

    Args:
        y_true: one-hot labels, shape ``(n, classes)``.
        y_pred: scores, shape ``(n, classes)``.
        k: how many of the highest scores count (default 5).

    """
    return _top_k_hits(xp.argmax(as_array(y_true), -1), as_array(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5,
                                      from_sorted_ids: bool = False) -> Tensor:
    """Per sample, 1.0 when the integer label is among the k top-scored classes.

    Args:
        y_true: class indices, shape ``(n,)`` (or ``(n, 1)``).
        y_pred: scores, shape ``(n, classes)``; with ``from_sorted_ids=True``, class ids
            already sorted by decreasing score, shape ``(n, m)`` with m ≥ k.
        k: how many of the highest scores count (default 5).
        from_sorted_ids: see ``y_pred``.

    """
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    if from_sorted_ids:
        labels = y_true.reshape(-1)
        hits = xp.any(labels[:, None] == y_pred.reshape(labels.shape[0], -1)[:, :k], axis=1)
        return Tensor(hits.reshape(y_true.shape).astype(floatx()))
    return _top_k_hits(y_true.astype(xp.int64), y_pred, k)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the k top-scored classes.

    Args:
        k: how many of the highest scores count (default 5).
        name: see :class:`~keraslite.metrics.Metric`.
        dtype: see :class:`~keraslite.metrics.Metric`.

    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy",
                 dtype: Any = None) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k top-scored classes.

    Args:
        k: how many of the highest scores count (default 5).
        name: see :class:`~keraslite.metrics.Metric`.
        dtype: see :class:`~keraslite.metrics.Metric`.
        from_sorted_ids: predictions are class ids sorted by score (see
            :func:`sparse_top_k_categorical_accuracy`).

    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy",
                 dtype: Any = None, from_sorted_ids: bool = False) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
