"""A base for callbacks that watch one logged quantity and decide whether it improved."""

from __future__ import annotations

import warnings
from typing import Any

from keraslite.callbacks.callback import Callback
from keraslite.naming import KerasliteWarning

_UP = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "true_positives",
       "true_negatives", "cosine_similarity")


def metric_direction(model: Any, name: str) -> str | None:
    """``"up"`` if larger values of metric ``name`` are better, ``"down"`` if smaller are."""
    base = name.removeprefix("val_")
    if base == "loss" or base.endswith("_loss"):
        return "down"
    for metric in getattr(model, "metrics", []) or []:
        if metric.name == base and getattr(metric, "_direction", None) in ("up", "down"):
            return metric._direction
    if any(key in base for key in _UP):
        return "up"
    if any(key in base for key in ("error", "mse", "mae", "mape", "msle", "false_", "hinge",
                                   "crossentropy", "divergence", "poisson", "logcosh")):
        return "down"
    return None


class MonitorCallback(Callback):
    """Tracks ``monitor`` and tells whether a new value beats the best by ``min_delta``.

    Args:
        monitor: the logged quantity (default ``"val_loss"``).
        mode: ``"min"``, ``"max"``, or ``"auto"`` (inferred from the name).
        baseline: an initial best value.
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: Any = None,
                 min_delta: float = 0.0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          "mode.", KerasliteWarning, stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._minimize: bool | None = None

    def _resolve_mode(self) -> None:
        if self.mode != "auto":
            self._minimize = self.mode == "min"
            return
        direction = metric_direction(self.model, self.monitor)
        if direction is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor}, but keraslite "
                "can't tell whether that metric should be maximized or minimized. Pass "
                "mode='max' to keep the highest value, or mode='min' for the lowest."
            )
        self._minimize = direction == "down"

    def _is_improvement(self, current: float, reference: Any) -> bool:
        if self._minimize is None:
            self._resolve_mode()
        if reference is None:
            return True
        if self._minimize:
            return current + self.min_delta < reference
        return current - self.min_delta > reference

    def _monitored(self, logs: dict | None) -> float | None:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__} is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs or {})}. Check the name, or "
                "pass validation data when monitoring a val_ metric.",
                KerasliteWarning, stacklevel=3)
        return value
