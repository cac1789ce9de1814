"""Metrics at an operating point: the best value of one rate among the thresholds where
another rate meets a constraint (precision at recall ≥ r, sensitivity at specificity ≥ s, ...).

Counts are kept at T evenly spaced thresholds θ_i = i / (T - 1) (one threshold, 0.5, when
T = 1); with sensitivity = recall = TP / (TP + FN), specificity = TN / (TN + FP) and precision
= TP / (TP + FP) at each threshold, the result is

    max_i { dependent_i : constrained_i ≥ value }   (0 when no threshold qualifies).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.metrics.base import divide_no_nan
from keraslite.metrics.confusion import _ThresholdCounts


class _OperatingPoint(_ThresholdCounts):
    """TP, FP, TN and FN at ``num_thresholds`` evenly spaced thresholds."""

    _counts = ("tp", "fp", "tn", "fn")
    _state = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    _value_name = "value"

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        if not 0 <= value <= 1:
            raise ValueError(
                f"Argument `{self._value_name}` must be in the range [0, 1]. "
                f"Received: {self._value_name}={value}"
            )
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [0.0] + [(i + 1) / (num_thresholds - 1)
                                       for i in range(num_thresholds - 2)] + [1.0]
        self._evenly = num_thresholds > 1
        self.reset_state()

    def _count_options(self) -> dict:
        return {"class_id": self.class_id}

    def _rates(self) -> dict[str, Any]:
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        return {"recall": divide_no_nan(tp, tp + fn), "specificity": divide_no_nan(tn, tn + fp),
                "precision": divide_no_nan(tp, tp + fp)}

    def _best(self, constrained: str, dependent: str) -> Tensor:
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return self._wrap(xp.max(xp.where(feasible, rates[dependent], 0.0), initial=0.0))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._value_name: self.value}


class SensitivityAtSpecificity(_OperatingPoint):
    """The best sensitivity (recall) among thresholds whose specificity is ≥ ``specificity``.

    Args:
        specificity: the required specificity, in [0, 1].
        num_thresholds: how many evenly spaced thresholds to try (default 200).
        class_id: compute it for this output unit only.
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _value_name = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity

    def result(self) -> Tensor:
        return self._best("specificity", "recall")


class SpecificityAtSensitivity(_OperatingPoint):
    """The best specificity among thresholds whose sensitivity (recall) is ≥ ``sensitivity``.
    Arguments as :class:`SensitivityAtSpecificity`.
    """

    _value_name = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity

    def result(self) -> Tensor:
        return self._best("recall", "specificity")


class PrecisionAtRecall(_OperatingPoint):
    """The best precision among thresholds whose recall is ≥ ``recall``.
    Arguments as :class:`SensitivityAtSpecificity`.
    """

    _value_name = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall

    def result(self) -> Tensor:
        return self._best("recall", "precision")


class RecallAtPrecision(_OperatingPoint):
    """The best recall among thresholds whose precision is ≥ ``precision``.
    Arguments as :class:`SensitivityAtSpecificity`.
    """

    _value_name = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision

    def result(self) -> Tensor:
        return self._best("precision", "recall")
