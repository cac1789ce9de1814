"""Cross-entropy losses: binary, categorical (one-hot targets) and sparse (integer labels), and
``loss="crossentropy"``, which picks one of them from the shapes of the data as Keras 3 does.

Probabilities are clipped to [ε, 1 - ε] before taking logarithms; with ``from_logits=True`` the
stable forms log σ(x) and log softmax(x) are used instead, so large logits lose nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.losses.base import Loss, LossFunctionWrapper, as_prediction, prepare
from keraslite.ops.core import value_of


def smooth_binary_labels(y_true: Any, label_smoothing: float) -> Any:
    """Squeeze binary targets towards 1/2:  t ← t (1 - s) + s / 2."""
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


def smooth_categorical_labels(y_true: Any, label_smoothing: float, num_classes: int) -> Any:
    """Spread mass over the k classes:  t ← t (1 - s) + s / k."""
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy, averaged over ``axis``.

        l = mean(-[t log p + (1 - t) log(1 - p)], axis),

    with p clipped to [ε, 1 - ε], or p = σ(x) computed stably when ``from_logits``.

    Args:
        y_true: targets in [0, 1], shape ``(n, d0, ..., dk)``.
        y_pred: probabilities (or logits with ``from_logits=True``), the same shape.
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / 2.
        axis: the axis averaged over (default -1).

    Returns:
        The per-sample losses.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = smooth_binary_labels(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Categorical cross-entropy with one-hot (or soft) targets:  l = -Σ_j t_j log p_j.

    Probabilities are first rescaled to sum to 1 along ``axis`` and clipped to [ε, 1 - ε]; with
    ``from_logits`` log p = log_softmax(x).

    Args:
        y_true: one-hot targets, shape ``(n, ..., k)``.
        y_pred: probabilities (or logits), the same shape.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / k for k classes.
        axis: the class axis (default -1).

    Returns:
        The per-sample losses (``axis`` removed).

    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = smooth_categorical_labels(y_true, label_smoothing, y_pred.shape[axis])
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Tensor:
    """Cross-entropy with integer class labels:  l = -log p[t].

    Args:
        y_true: integer labels, shape ``(n, ...)`` or ``(n, ..., 1)``.
        y_pred: probabilities (or logits) with a class axis, shape ``(n, ..., k)``.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label whose samples get a loss of 0 (the :class:`Loss` class then also
            averages over the other samples only, as Keras does).
        axis: the class axis (default -1).

    Returns:
        The per-sample losses.

    """
    y_pred = as_prediction(y_pred)
    labels = xp.asarray(value_of(y_true))
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    keep = None
    if ignore_class is not None:
        keep = labels != ignore_class
        labels = xp.where(keep, labels, 0)
    loss = ops.sparse_categorical_crossentropy(
        labels.astype("int64"), y_pred, from_logits=from_logits, axis=axis
    )
    return loss if keep is None else ops.multiply(loss, keep.astype(y_pred.dtype))


def resolve_crossentropy(y_true_shape: tuple, y_pred_shape: tuple) -> Callable:
    """The cross-entropy that ``loss="crossentropy"`` means for data of these shapes.

    As in Keras 3: binary when the output has one unit; sparse when the labels have lower rank
    than the output (or a last axis of 1 against several units); otherwise categorical.
    """
    if y_pred_shape[-1] == 1:
        return binary_crossentropy
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape and y_true_shape[-1] == 1):
        return sparse_categorical_crossentropy
    return categorical_crossentropy


class AutoCrossentropy(Loss):
    """``loss="crossentropy"`` (or ``"ce"``): binary, sparse or categorical cross-entropy, chosen
    from the shapes of ``y_true`` and ``y_pred`` (see :func:`resolve_crossentropy`).

    ``compile`` fixes the choice on the first batch, as Keras 3 does; called directly, it decides
    on every call.
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def resolve(self, y_true: Any, y_pred: Any) -> LossFunctionWrapper:
        """The concrete loss for data shaped like ``y_true`` and ``y_pred``."""
        fn = resolve_crossentropy(tuple(xp.shape(value_of(y_true))),
                                  tuple(xp.shape(value_of(y_pred))))
        return LossFunctionWrapper(fn, reduction=self.reduction, name=self.name,
                                   dtype=self.dtype)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        return self.resolve(y_true, y_pred).call(y_true, y_pred)


# -- classes ------------------------------------------------------------------------------
_SBS = "sum_over_batch_size"


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy; see :func:`binary_crossentropy`.

    Args:
        from_logits: whether predictions are logits (default: probabilities).
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / 2.
        axis: the axis averaged over (default -1).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"`` or ``"none"``.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = _SBS, name: str = "binary_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot targets; see :func:`categorical_crossentropy`.

    Args:
        from_logits: whether predictions are logits (default: probabilities).
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / k for k classes.
        axis: the class axis (default -1).
        reduction: see :class:`BinaryCrossentropy`.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = _SBS, name: str = "categorical_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels; see :func:`sparse_categorical_crossentropy`.

    Args:
        from_logits: whether predictions are logits (default: probabilities).
        ignore_class: a label to leave out: its samples neither add to the loss nor count in
            the ``"sum_over_batch_size"`` mean.
        reduction: see :class:`BinaryCrossentropy`.
        axis: the class axis (default -1).
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: Any = _SBS, axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
