"""Intersection-over-union metrics for classification and segmentation.

A confusion matrix C (rows: true class, columns: predicted class) accumulates the weighted
pairs over all entries. For class c,

    IoU_c = TP_c / (TP_c + FP_c + FN_c) = C_cc / (Σ_j C_cj + Σ_i C_ic - C_cc),

and the result is the mean of IoU_c over the target classes that occur (a class never seen,
true or predicted, is left out of the mean). Class ids outside [0, num_classes), and the
``ignore_class``, are skipped.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import Metric, as_array, expand_weight


class IoU(Metric):
    """The mean IoU over ``target_class_ids`` (see the module docstring).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        name: see :class:`Metric`.
        dtype: the dtype of the state, as in Keras (default ``"int32"``; the result is a float).
        ignore_class: a label value to skip (e.g. a "void" class in segmentation).
        sparse_y_true: labels are class ids (else one-hot / scores, reduced by argmax).
        sparse_y_pred: predictions are class ids (else scores, reduced by argmax).
        axis: the class axis for the argmax.

    """

    _state = ("total_cm",)

    def __init__(self, num_classes: int, target_class_ids: Any, name: str | None = None,
                 dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1) -> None:
        super().__init__(name=name, dtype=dtype or "int32")
        target_class_ids = list(target_class_ids)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.num_classes = num_classes
        self.target_class_ids = target_class_ids
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.reset_state()

    def reset_state(self) -> None:
        self.total_cm = xp.zeros((self.num_classes, self.num_classes))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        shapes = f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        if not self.sparse_y_true:
            y_true = xp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = xp.argmax(y_pred, axis=self.axis)
        w = None if sample_weight is None else expand_weight(sample_weight, y_true.shape,
                                                             "y_true").reshape(-1)
        y_true = y_true.astype(xp.int64).reshape(-1)
        y_pred = y_pred.astype(xp.int64).reshape(-1)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{type(self).__name__} needs one predicted class per label: got "
                f"{y_true.size} labels and {y_pred.size} predictions. For class scores, pass "
                "sparse_y_pred=False (or use OneHotMeanIoU for one-hot labels). Received: "
                + shapes
            )
        w = xp.ones(y_true.shape) if w is None else w
        k = self.num_classes
        keep = (y_true >= 0) & (y_true < k) & (y_pred >= 0) & (y_pred < k)
        if self.ignore_class is not None:
            keep &= y_true != self.ignore_class
        index = y_true[keep] * k + y_pred[keep]
        self.total_cm = self.total_cm + xp.bincount(
            index, weights=w[keep], minlength=k * k).reshape(k, k)

    def result(self) -> Tensor:
        cm = self.total_cm
        tp = xp.diag(cm)
        denominator = (cm.sum(axis=0) + cm.sum(axis=1) - tp)[self.target_class_ids]
        tp = tp[self.target_class_ids]
        valid = denominator > 1e-9
        iou = xp.where(valid, tp / (denominator + epsilon()), 0.0)
        return self._wrap(xp.sum(iou) / (valid.sum() + epsilon()))

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class MeanIoU(IoU):
    """The mean IoU over all ``num_classes`` classes. Arguments as :class:`IoU`, without
    ``target_class_ids``. For softmax outputs pass ``sparse_y_pred=False``.
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1) -> None:
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """IoU of a binary task: predictions ≥ ``threshold`` are class 1.

    Args:
        target_class_ids: which of the classes 0 and 1 to average (default both).
        threshold: the decision threshold (default 0.5; a prediction equal to it is 1).
        name: see :class:`Metric`.
        dtype: see :class:`IoU`.

    """

    def __init__(self, target_class_ids: Any = (0, 1), threshold: float = 0.5,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        predicted = (as_array(y_pred).astype("float32") >= self.threshold).astype(xp.int64)
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class OneHotIoU(IoU):
    """:class:`IoU` for one-hot labels (and scores, unless ``sparse_y_pred=True``)."""

    def __init__(self, num_classes: int, target_class_ids: Any, name: str | None = None,
                 dtype: Any = None, ignore_class: int | None = None,
                 sparse_y_pred: bool = False, axis: int = -1) -> None:
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` for one-hot labels (and scores, unless ``sparse_y_pred=True``)."""

    def __init__(self, num_classes: int, name: str | None = None, dtype: Any = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False,
                 axis: int = -1) -> None:
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["sparse_y_true"]
        return config
