"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged.

With per-class counts TP_c, FP_c, FN_c (ε = 1e-7 keeps empty classes at 0):

    P_c = TP_c / (TP_c + FP_c + ε),   R_c = TP_c / (TP_c + FN_c + ε),
    F_c = (1 + β²) · P_c R_c / (β² P_c + R_c + ε).

``average=None`` returns the vector F (one score per class), ``"macro"`` its mean,
``"weighted"`` its mean weighted by each class's support Σ w t_c, and ``"micro"`` the score of
the counts pooled over all classes.

Predictions become 0/1 by ``y_pred > threshold``; with ``threshold=None`` the highest-scored
class of each row is 1 (argmax, for one-hot multi-class outputs). For a single output unit
(a sigmoid binary classifier) ``threshold=None`` means 0.5: the argmax of the two-class output
(1 - p, p). Keras 3 instead marks every row positive there (so its default F1Score of a 1-unit
model is the F1 of always predicting 1, and rejects labels of shape ``(n,)``); keraslite gives
the F1 that the accuracy's 0.5 threshold implies, and accepts ``(n,)`` labels for one unit.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import Metric, as_array, expand_weight

_AVERAGES = (None, "micro", "macro", "weighted")


def _as_2d(y_true: Any, y_pred: Any, metric: str) -> tuple[Any, Any]:
    """Labels and predictions as ``(n, classes)`` arrays, or a ValueError that says the fix."""
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.ndim == 1 and y_pred.ndim == 2:
        y_true = y_true[:, None]
    if y_pred.ndim != 2 or y_true.ndim != 2:
        raise ValueError(
            f"{metric} expects 2D inputs with shape (batch_size, output_dim). Received input "
            f"shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}."
        )
    if y_true.shape != y_pred.shape:
        k = y_pred.shape[1]
        hint = (f" The labels look like class indices: one-hot encode them, e.g. "
                f"y = keras.utils.to_categorical(y, {k}), and use a {k}-unit softmax output."
                if y_true.shape[1] == 1 and k > 1 and y_true.shape[0] == y_pred.shape[0]
                else "")
        raise ValueError(
            f"{metric} needs labels of the same shape as the predictions, (batch_size, "
            f"{k}): one column per class.{hint} Received input shapes: y_pred.shape="
            f"{y_pred.shape} and y_true.shape={y_true.shape}."
        )
    return y_true, y_pred


class FBetaScore(Metric):
    """The F-beta score (see the module docstring for the formula and averaging).

    Args:
        average: ``None`` (one score per class), ``"micro"``, ``"macro"`` or ``"weighted"``.
        beta: the weight of recall relative to precision (> 0; default 1).
        threshold: predictions above it count as positive, in (0, 1]; ``None`` takes the
            argmax of each row (0.5 for a single output unit).
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _state = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")

    def __init__(self, average: str | None = None, beta: float = 1.0,
                 threshold: float | None = None, name: str = "fbeta_score",
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average!r}"
            )
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be a number > 0. Received: beta={beta!r}"
            )
        if threshold is not None and (isinstance(threshold, bool)
                                      or not isinstance(threshold, (int, float))
                                      or not 0 < threshold <= 1):
            raise ValueError(
                "Invalid `threshold` argument value. It should verify 0 < threshold <= 1 (or "
                f"be None for the argmax). Received: threshold={threshold!r}"
            )
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)
        self.axis = None if average == "micro" else 0
        self.num_classes: int | None = None
        self.reset_state()

    def reset_state(self) -> None:
        shape = () if self.average == "micro" else (self.num_classes or 0,)
        for name in self._state:
            setattr(self, name, None if self.num_classes is None else xp.zeros(shape))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        name = type(self).__name__
        y_true, y_pred = _as_2d(as_array(y_true), as_array(y_pred), name)
        k = y_pred.shape[1]
        if self.num_classes is None:
            self.num_classes = k
            self.reset_state()
        elif k != self.num_classes:
            raise ValueError(
                f"{name} was first updated with {self.num_classes} classes and now receives "
                f"{k}. Use one metric object per output. Received: y_pred.shape={y_pred.shape}"
            )
        if self.threshold is not None:
            predicted = y_pred > self.threshold
        elif k == 1:
            predicted = y_pred > 0.5
        else:
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (xp.abs(y_pred) > 1e-9)
        p = predicted.astype("float64")
        t = y_true.astype("float64")
        w = None if sample_weight is None else expand_weight(sample_weight, y_pred.shape)

        def total(values: Any) -> Any:
            return xp.sum(values if w is None else values * w, axis=self.axis)

        self.true_positives = self.true_positives + total(p * t)
        self.false_positives = self.false_positives + total(p * (1 - t))
        self.false_negatives = self.false_negatives + total((1 - p) * t)
        self.intermediate_weights = self.intermediate_weights + total(t)

    def result(self) -> Tensor:
        if self.true_positives is None:
            return self._wrap(0.0 if self.average is not None else xp.zeros(0))
        eps = epsilon()
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        b2 = self.beta ** 2
        score = (1 + b2) * (precision * recall) / (b2 * precision + recall + eps)
        if self.average == "weighted":
            support = self.intermediate_weights
            score = xp.sum(score * support / (xp.sum(support) + eps))
        elif self.average is not None:
            score = xp.mean(score)
        return self._wrap(score)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "average": self.average,
                "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score, the harmonic mean of precision and recall:  F1 = 2 P R / (P + R).

    For a binary classifier with one sigmoid unit, ``F1Score()`` (threshold 0.5) reports the F1
    of the positive class, the usual binary F1 (scikit-learn's ``f1_score``); the result is a
    vector of one score per unit with ``average=None``, shown as a number in training logs.

    Args:
        average: ``None`` (one score per class), ``"micro"``, ``"macro"`` or ``"weighted"``.
        threshold: predictions above it count as positive, in (0, 1]; ``None`` takes the
            argmax of each row (0.5 for a single output unit).
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    def __init__(self, average: str | None = None, threshold: float | None = None,
                 name: str = "f1_score", dtype: Any = None) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
