"""The area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

Counts TP, FP, TN, FN are kept at T thresholds: -ε, 1/(T-1), ..., (T-2)/(T-1), 1+ε (the end
points widened so that predictions of exactly 0 and 1 fall inside). With recall
R_i = TP_i / (TP_i + FN_i), false-positive rate F_i = FP_i / (FP_i + TN_i) and precision
P_i = TP_i / (TP_i + FP_i) at threshold i, the area is

    AUC = Σ_{i<T-1} (x_i - x_{i+1}) · h_i,

with x = F, y = R for ``curve="ROC"`` and x = R, y = P for ``curve="PR"``, and heights
h_i = (y_i + y_{i+1}) / 2 (``"interpolation"``), min(y_i, y_{i+1}) (``"minoring"``) or
max(y_i, y_{i+1}) (``"majoring"``). PR with interpolation uses the Davis & Goadrich (2006)
interpolation of precision between thresholds instead, as Keras does. With 200 thresholds the
result differs slightly from the exact AUC of scikit-learn (which uses every distinct score).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.metrics.base import Metric, as_array, divide_no_nan, float_dtype
from keraslite.metrics.confusion import confusion_counts, evenly_spaced

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Approximate area under the ROC curve (default) or the precision-recall curve.

    Args:
        num_thresholds: how many thresholds to count at (default 200, at least 2).
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (default), ``"minoring"`` or ``"majoring"``.
        name: see :class:`Metric`.
        dtype: see :class:`Metric`.
        thresholds: explicit thresholds in [0, 1] instead of evenly spaced ones (the end
            points -ε and 1+ε are added).
        multi_label: treat each output unit as its own label and average the per-label AUCs
            (weighted by ``label_weights``) instead of pooling all units into one curve.
        num_labels: the number of labels with ``multi_label`` (else taken from the first
            batch).
        label_weights: a weight per label (multi-label: in the average of AUCs; pooled: in
            the counts).
        from_logits: apply a sigmoid to the predictions first.

    """

    _state = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: str | None = None,
                 dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False) -> None:
        curve_key = str(getattr(curve, "value", curve))
        if curve_key.lower() not in _CURVES:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", '
                f'"PRGAIN"]. Received: curve={curve!r}'
            )
        summation = str(getattr(summation_method, "value", summation_method)).lower()
        if summation not in _SUMMATIONS:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". Expected values '
                f'are ["interpolation", "majoring", "minoring"]. '
                f"Received: summation_method={summation_method!r}"
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            if any(not 0 <= t <= 1 for t in inner):
                raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds}")
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = [0.0 - epsilon()] + inner + [1.0 + epsilon()]
        self.curve = _CURVES[curve_key.lower()]
        self.summation_method = summation
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else xp.asarray(
            as_array(label_weights), dtype="float64")
        self._from_logits = from_logits
        self._num_labels = num_labels if multi_label else None
        self._built = not multi_label or bool(num_labels)
        self.reset_state()

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, end points included."""
        return list(self._thresholds)

    def reset_state(self) -> None:
        shape = (self.num_thresholds, self._num_labels) if self.multi_label else (
            self.num_thresholds,)
        for name in self._state:
            setattr(self, name, xp.zeros(shape) if self._built else None)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = as_array(y_pred)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{y_pred.ndim}. Full shape received for `y_pred`: {y_pred.shape}"
                )
            self._num_labels = y_pred.shape[1]
            self._built = True
            self.reset_state()
        if self._from_logits:
            logits = y_pred.astype(float_dtype(self.dtype))
            y_pred = 1.0 / (1.0 + xp.exp(-logits))
        counts = confusion_counts(
            y_true, y_pred, self._thresholds, evenly=self._evenly, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, dtype=self.dtype)
        self.true_positives = self.true_positives + counts["tp"]
        self.false_positives = self.false_positives + counts["fp"]
        self.true_negatives = self.true_negatives + counts["tn"]
        self.false_negatives = self.false_negatives + counts["fn"]

    def _average(self, by_label: Any) -> Any:
        """The per-label areas (multi-label) reduced to one number."""
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return xp.mean(by_label)
        return divide_no_nan(xp.sum(by_label * self.label_weights), xp.sum(self.label_weights))

    def interpolate_pr_auc(self) -> Any:
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

        Between thresholds i and i+1, TP grows linearly in P = TP + FP with slope
        s = ΔTP / ΔP, so precision is TP/P = s + (TP_{i+1} - s P_{i+1}) / P and the area is
        Σ_i s (ΔTP + b_i log(P_i / P_{i+1})) / (TP_{i+1} + FN_{i+1}).
        """
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, xp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xp.where(both, divide_no_nan(p[:-1], xp.maximum(p[1:], 0)), 1.0)
        increment = divide_no_nan(slope * (dtp + intercept * xp.log(ratio)),
                                  xp.maximum(tp[1:] + fn[1:], 0))
        return self._average(xp.sum(increment, axis=0))

    def result(self) -> Tensor:
        if self.true_positives is None:
            return self._wrap(0.0)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._wrap(self.interpolate_pr_auc())
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN: gains relative to the all-positive classifier, scaled by P/N
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
            x = xp.maximum(xp.where(tp == 0, 0.0, recall_gain), 0.0)
            y = xp.where(tp == 0, 1.0, precision_gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = xp.minimum(y[:-1], y[1:])
        else:
            heights = xp.maximum(y[:-1], y[1:])
        return self._wrap(self._average(xp.sum((x[:-1] - x[1:]) * heights, axis=0)))

    def get_config(self) -> dict:
        label_weights = self.label_weights
        config = {
            "name": self.name, "dtype": self.dtype, "num_thresholds": self.num_thresholds,
            "curve": self.curve, "summation_method": self.summation_method,
            "multi_label": self.multi_label, "num_labels": self.num_labels,
            "label_weights": None if label_weights is None else label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
