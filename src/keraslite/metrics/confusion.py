"""Confusion-matrix counts at decision thresholds, and the metrics read off them: true/false
positives/negatives, precision and recall.

Each prediction p (a probability) is called positive at threshold θ when p > θ, and each label
is positive when it is nonzero. At each threshold the weighted counts are

    TP = Σ w [t ∧ p > θ],   FP = Σ w [¬t ∧ p > θ],   FN = Σ w [t ∧ p ≤ θ],   TN = Σ w [¬t ∧ p ≤ θ]

over every entry of the batch (all output units are pooled unless ``class_id`` picks one).
The counts are sums, so they accumulate exactly over batches.

Evenly spaced thresholds (``AUC``'s 200, the ``...At...`` metrics) are counted as Keras counts
them, by bucket index ⌈p·(T-1)⌉ - 1 computed in the metric's dtype, so that results agree with
Keras to the last bit of the counts; other thresholds are compared exactly.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import (
    Metric,
    as_array,
    divide_no_nan,
    expand_weight,
    float_dtype,
    match_ranks,
)

NEG_INF = -1e10
CONDITIONS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds: Any, default: float = 0.5) -> list[float]:
    """The thresholds as a list of floats, each checked to lie in [0, 1] (``None``: default)."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) or (
        hasattr(thresholds, "ndim") and thresholds.ndim) else [thresholds]
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(
            "Threshold values must be in [0, 1] (predictions above a threshold count as "
            f"positive). Received: thresholds={thresholds!r}"
        )
    return [float(t) for t in values]


def evenly_spaced(thresholds: Any) -> bool:
    """Whether the thresholds are 0, 1/(T-1), ..., 1 (T ≥ 3) up to ε, as Keras checks it."""
    t = len(thresholds)
    if t < 3:
        return False
    even = xp.arange(t, dtype="float32") / (t - 1)
    return bool(xp.allclose(xp.asarray(thresholds, dtype="float64"), even, atol=epsilon()))


def top_k_filter(x: Any, k: int) -> Any:
    """Keep the k largest entries of each row (last axis); set the others to -1e10."""
    order = xp.argsort(-x, axis=-1, kind="stable")
    rank = xp.argsort(order, axis=-1, kind="stable")  # each entry's place in its row's order
    return xp.where(rank < k, x, xp.asarray(NEG_INF, dtype=x.dtype))


def _shape_error(y_true: Any, y_pred: Any, class_id: Any) -> ValueError:
    hint = ""
    if y_pred.ndim >= 2 and y_pred.shape[-1] > 1 and y_true.size == y_pred.shape[0]:
        hint = (" Integer class labels against several output units: give one-hot labels "
                f"(keras.utils.to_categorical(y, {y_pred.shape[-1]})), or pick one class with "
                "class_id=.")
    return ValueError(
        "Labels and predictions must have the same shape (up to a trailing axis of length 1): "
        f"each output unit is one binary decision.{hint} Received: y_true.shape="
        f"{y_true.shape}, y_pred.shape={y_pred.shape}"
        + (f", class_id={class_id}" if class_id is not None else "")
    )


def confusion_counts(y_true: Any, y_pred: Any, thresholds: list[float], *,
                     evenly: bool = False, sample_weight: Any = None, top_k: int | None = None,
                     class_id: int | None = None, multi_label: bool = False,
                     label_weights: Any = None, dtype: Any = "float32") -> dict[str, Any]:
    """Weighted TP, FP, TN and FN at each threshold (see the module docstring).

    Args:
        y_true: labels (nonzero means positive).
        y_pred: predictions, the shape of the labels (up to a trailing axis of length 1).
        thresholds: the decision thresholds θ.
        evenly: count by Keras' bucket rule (thresholds evenly spaced over [0, 1]).
        sample_weight: weights per sample, ``(n,)``, or per entry.
        top_k: only the k largest predictions of each row can be positive.
        class_id: count only this output unit (last axis).
        multi_label: keep one count per output unit (last axis) instead of pooling them.
        label_weights: weights per output unit, multiplied into the sample weights (pooled
            counts only).
        dtype: the float dtype in which predictions are compared with thresholds.

    Returns:
        ``{"tp", "fp", "tn", "fn"}``: float64 arrays of shape ``(T,)``, or ``(T, units)`` with
        ``multi_label``.

    """
    cmp = float_dtype(dtype)
    y_pred = as_array(y_pred).astype(cmp, copy=False)
    y_true = as_array(y_true)
    y_pred, y_true = match_ranks(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise _shape_error(y_true, y_pred, class_id)
    weight = None if sample_weight is None else expand_weight(sample_weight, y_pred.shape)
    if top_k is not None:
        y_pred = top_k_filter(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(
                "`class_id` picks one output unit, so predictions must have shape "
                f"(num_samples, num_classes). Received: y_pred.shape={y_pred.shape}"
            )
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        weight = None if weight is None else weight[..., class_id, None]
    if label_weights is not None and not multi_label:
        lw = xp.broadcast_to(xp.asarray(label_weights, dtype="float64"), y_pred.shape)
        weight = lw if weight is None else weight * lw
    if multi_label:
        units = y_pred.shape[-1]
        y_pred, y_true = y_pred.reshape(-1, units), y_true.reshape(-1, units)
        weight = None if weight is None else weight.reshape(-1, units)
    else:
        y_pred, y_true = y_pred.reshape(-1), y_true.reshape(-1)
        weight = None if weight is None else weight.reshape(-1)
    positive = (y_true != 0).astype("float64")
    true_w = positive if weight is None else positive * weight
    false_w = 1.0 - positive if weight is None else (1.0 - positive) * weight
    total_true, total_false = true_w.sum(axis=0), false_w.sum(axis=0)
    n_thr = len(thresholds)
    if n_thr == 1 and not evenly:  # one threshold (Precision, Recall ...): compare directly
        above = y_pred > xp.asarray(thresholds[0], dtype=cmp)
        tp = xp.sum(true_w * above, axis=0)[None]
        fp = xp.sum(false_w * above, axis=0)[None]
        return {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
    if evenly:
        scaled = xp.clip(y_pred, 0.0, 1.0) * xp.asarray(n_thr - 1, dtype=cmp)
        bucket = xp.ceil(scaled) - 1
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:  # end points widened by ε
            bucket = xp.maximum(bucket, 0)
        bucket = bucket.astype(xp.int64)
    else:
        # bucket b: the largest threshold index with θ_b < p (−1: none), on sorted thresholds.
        order = xp.argsort(xp.asarray(thresholds, dtype="float64"), kind="stable")
        ranked = xp.asarray(thresholds, dtype=cmp)[order]
        bucket = xp.searchsorted(ranked, y_pred, side="left") - 1
    tp = _count_above(bucket, true_w, n_thr)
    fp = _count_above(bucket, false_w, n_thr)
    if not evenly:
        inverse = xp.empty_like(order)
        inverse[order] = xp.arange(n_thr)
        tp, fp = tp[inverse], fp[inverse]
    return {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}


def _count_above(bucket: Any, weights: Any, n_thr: int) -> Any:
    """c_i = Σ weights over entries whose bucket is ≥ i (entries with p above threshold i)."""
    keep = bucket >= 0
    if bucket.ndim == 1:
        per_bucket = xp.bincount(bucket[keep], weights=weights[keep], minlength=n_thr)
    else:
        units = bucket.shape[1]
        index = bucket + n_thr * xp.arange(units)[None, :]
        per_bucket = xp.bincount(index[keep], weights=weights[keep],
                                 minlength=n_thr * units).reshape(units, n_thr).T
    return xp.cumsum(per_bucket[::-1], axis=0)[::-1]


class _ThresholdCounts(Metric):
    """Confusion counts summed over batches at ``self.thresholds`` (set, with ``_evenly``, by
    the subclass's ``__init__``).

    State array ``_state[i]`` adds up the count ``_counts[i]`` (``"tp"``, ``"fp"``, ``"tn"`` or
    ``"fn"``) of each batch; :meth:`_count_options` gives the further arguments of
    :func:`confusion_counts` (``top_k``, ``class_id``).
    """

    _counts: tuple[str, ...] = ()

    def _count_options(self) -> dict:
        return {}

    def reset_state(self) -> None:
        for name in self._state:
            setattr(self, name, xp.zeros(len(self.thresholds)))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = confusion_counts(y_true, y_pred, self.thresholds, evenly=self._evenly,
                                  sample_weight=sample_weight, dtype=self.dtype,
                                  **self._count_options())
        for name, key in zip(self._state, self._counts):
            state = getattr(self, name)
            state += counts[key]  # in place


class _ConfusionCount(_ThresholdCounts):
    """One confusion-matrix count at one or several thresholds."""

    _counts = ("tp",)
    _state = ("accumulator",)

    def __init__(self, thresholds: Any = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = evenly_spaced(self.thresholds)
        self.reset_state()

    def result(self) -> Tensor:
        acc = self.accumulator
        return self._wrap(acc[0] if len(self.thresholds) == 1 else acc)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The weighted number of true positives:  TP = Σ w [t ∧ p > θ]  (θ = 0.5 by default).

    Args:
        thresholds: a threshold or a list of them (the result is then one count each).
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _counts = ("tp",)


class FalsePositives(_ConfusionCount):
    """The weighted number of false positives:  FP = Σ w [¬t ∧ p > θ].  See
    :class:`TruePositives` for the arguments.
    """

    _counts = ("fp",)


class TrueNegatives(_ConfusionCount):
    """The weighted number of true negatives:  TN = Σ w [¬t ∧ p ≤ θ].  See
    :class:`TruePositives` for the arguments.
    """

    _counts = ("tn",)


class FalseNegatives(_ConfusionCount):
    """The weighted number of false negatives:  FN = Σ w [t ∧ p ≤ θ].  See
    :class:`TruePositives` for the arguments.
    """

    _counts = ("fn",)


class _PrecisionRecall(_ThresholdCounts):
    """TP and one other count at the thresholds; the result is TP / (TP + other)."""

    _counts = ("tp", "fp")
    _state = ("true_positives", "false_positives")

    def __init__(self, thresholds: Any = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_spaced(self.thresholds)
        self.reset_state()

    def _count_options(self) -> dict:
        return {"top_k": self.top_k, "class_id": self.class_id}

    def result(self) -> Tensor:
        other = getattr(self, self._state[1])
        value = divide_no_nan(self.true_positives, self.true_positives + other)
        return self._wrap(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """The share of predicted positives that are right:  precision = TP / (TP + FP)  (0 when
    nothing is predicted positive).

    Args:
        thresholds: a threshold in [0, 1] (default 0.5) or a list of them (the result is then
            one precision each).
        top_k: count only the k highest predictions of each row as positive (the threshold
            then defaults to -1e10, so all of them are).
        class_id: compute the precision of this output unit only.
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.

    """

    _counts = ("tp", "fp")
    _state = ("true_positives", "false_positives")


class Recall(_PrecisionRecall):
    """The share of actual positives that are found:  recall = TP / (TP + FN)  (0 when there
    are no positives).  Arguments as :class:`Precision`.
    """

    _counts = ("tp", "fn")
    _state = ("true_positives", "false_negatives")
