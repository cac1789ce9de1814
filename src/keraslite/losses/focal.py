"""Focal cross-entropies (Lin et al., 2017, https://arxiv.org/abs/1708.02002): cross-entropy
scaled by (1 - p_t)^γ, which shrinks the loss of well-classified examples so that training
focuses on the hard ones. γ = 0 gives back plain cross-entropy.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.losses.base import LossFunctionWrapper, prepare
from keraslite.losses.crossentropy import smooth_binary_labels, smooth_categorical_labels
from keraslite.ops.core import value_of


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary focal cross-entropy, averaged over ``axis``.

        p_t = t p + (1 - t)(1 - p),    l = mean(w (1 - p_t)^γ · bce(t, p), axis),

    where bce is the binary cross-entropy of :func:`binary_crossentropy` and the class weight
    w = α t + (1 - α)(1 - t) with ``apply_class_balancing`` (else w = 1). With ``from_logits``,
    p = σ(x) and bce is computed from the logits without clipping.

    Args:
        y_true: targets in [0, 1], shape ``(n, d0, ..., dk)``.
        y_pred: probabilities (or logits), the same shape.
        apply_class_balancing: weigh class 1 by α and class 0 by 1 - α.
        alpha: α, the weight of class 1 when balancing (default 0.25).
        gamma: γ >= 0, the focusing exponent (default 2.0).
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / 2.
        axis: the axis averaged over (default -1).

    Returns:
        The per-sample losses.

    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = smooth_binary_labels(y_true, label_smoothing)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    p = ops.sigmoid(y_pred) if from_logits else y_pred
    # 1 - p_t = t (1 - p) + (1 - t) p
    miss = ops.add(ops.multiply(y_true, ops.subtract(1.0, p)),
                   ops.multiply(ops.subtract(1.0, y_true), p))
    focal = ops.multiply(ops.power(miss, gamma), bce)
    if apply_class_balancing:
        weight = ops.add(ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true),
                                                                   1.0 - alpha))
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: Any = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Categorical focal cross-entropy for one-hot targets.

        l = -Σ_j α (1 - p_j)^γ t_j log p_j,

    with p rescaled to sum to 1 and clipped to [ε, 1 - ε] (as in
    :func:`categorical_crossentropy`), or p = softmax(x) and log p = log_softmax(x) with
    ``from_logits``.

    Args:
        y_true: one-hot targets, shape ``(n, ..., k)``.
        y_pred: probabilities (or logits), the same shape.
        alpha: α, a weight for all classes, or one weight per class (a list of k floats).
        gamma: γ >= 0, the focusing exponent (default 2.0).
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / k.
        axis: the class axis (default -1).

    Returns:
        The per-sample losses (``axis`` removed).

    """
    y_true, y_pred = prepare(y_true, y_pred)
    y_true = smooth_categorical_labels(y_true, label_smoothing, y_pred.shape[axis])
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=axis)
        p = ops.exp(log_p)
    else:
        eps = epsilon()
        p = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
        p = ops.clip(p, eps, 1.0 - eps)
        log_p = ops.log(p)
    cce = ops.negative(ops.multiply(y_true, log_p))
    if not isinstance(alpha, (int, float)):
        alpha = xp.asarray(value_of(alpha), dtype=y_pred.dtype)
    weight = ops.multiply(ops.power(ops.subtract(1.0, p), gamma), alpha)
    return ops.sum(ops.multiply(weight, cce), axis=axis)


# -- classes ------------------------------------------------------------------------------
_SBS = "sum_over_batch_size"


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy; see :func:`binary_focal_crossentropy`.

    Args:
        apply_class_balancing: weigh class 1 by α and class 0 by 1 - α.
        alpha: α (default 0.25).
        gamma: γ, the focusing exponent (default 2.0).
        from_logits: whether predictions are logits (default: probabilities).
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / 2.
        axis: the axis averaged over (default -1).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"`` or ``"none"``.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25,
                 gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: Any = _SBS,
                 name: str = "binary_focal_crossentropy", dtype: Any = None) -> None:
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy; see :func:`categorical_focal_crossentropy`.

    Args:
        alpha: α, one weight for all classes or a list of k (default 0.25).
        gamma: γ, the focusing exponent (default 2.0).
        from_logits: whether predictions are logits (default: probabilities).
        label_smoothing: s in [0, 1]; targets become t (1 - s) + s / k.
        axis: the class axis (default -1).
        reduction: see :class:`BinaryFocalCrossentropy`.
        name: the name shown in logs.
        dtype: the float dtype of the computation.

    """

    def __init__(self, alpha: Any = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: Any = _SBS,
                 name: str = "categorical_focal_crossentropy", dtype: Any = None) -> None:
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
