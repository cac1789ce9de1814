"""Metric names: the table of Keras 3 identifiers, ``get``, and (de)serialization.

As in Keras 3, a string names a metric class by its class name (``"BinaryAccuracy"``), its
snake_case (``"binary_accuracy"``, ``"mean_io_u"``) or a short alias (``"mse"``, ``"mae"``,
``"mape"``, ``"msle"``, ``"bce"`` and their capitals); ``get`` returns a fresh instance.
``"accuracy"``/``"acc"`` in ``compile`` are resolved from the data's shapes instead
(:func:`~keraslite.metrics.resolve_accuracy`). Only names in :data:`ALL` can be resolved;
nothing is imported by path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import losses
from keraslite.metrics import (
    accuracy,
    auc,
    base,
    confusion,
    correlation,
    f_score,
    iou,
    operating_point,
    probabilistic,
    regression,
    top_k,
)
from keraslite.naming import lookup, to_snake_case
from keraslite.registry_utils import class_config

_CLASSES = (
    base.Metric, base.Mean, base.Sum, base.MeanMetricWrapper,
    regression.MeanSquaredError, regression.RootMeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.LogCoshError, regression.R2Score,
    auc.AUC, confusion.FalseNegatives, confusion.FalsePositives, confusion.Precision,
    operating_point.PrecisionAtRecall, confusion.Recall, operating_point.RecallAtPrecision,
    operating_point.SensitivityAtSpecificity, operating_point.SpecificityAtSensitivity,
    confusion.TrueNegatives, confusion.TruePositives,
    correlation.ConcordanceCorrelation, correlation.PearsonCorrelation,
    probabilistic.Hinge, probabilistic.SquaredHinge, probabilistic.CategoricalHinge,
    probabilistic.KLDivergence, probabilistic.Poisson, probabilistic.BinaryCrossentropy,
    probabilistic.CategoricalCrossentropy, probabilistic.SparseCategoricalCrossentropy,
    accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy,
    accuracy.SparseCategoricalAccuracy, top_k.TopKCategoricalAccuracy,
    top_k.SparseTopKCategoricalAccuracy,
    f_score.F1Score, f_score.FBetaScore,
    iou.IoU, iou.BinaryIoU, iou.MeanIoU, iou.OneHotIoU, iou.OneHotMeanIoU,
)

#: Every name ``get`` accepts, mapped to its class (Keras 3's ``ALL_OBJECTS_DICT``).
ALL: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL.update({
    "bce": probabilistic.BinaryCrossentropy, "BCE": probabilistic.BinaryCrossentropy,
    "mse": regression.MeanSquaredError, "MSE": regression.MeanSquaredError,
    "mae": regression.MeanAbsoluteError, "MAE": regression.MeanAbsoluteError,
    "mape": regression.MeanAbsolutePercentageError,
    "MAPE": regression.MeanAbsolutePercentageError,
    "msle": regression.MeanSquaredLogarithmicError,
    "MSLE": regression.MeanSquaredLogarithmicError,
})

# Per-sample functions that ``keraslite.metrics`` exports (for MeanMetricWrapper configs).
_FUNCTIONS: tuple[Callable, ...] = (
    accuracy.accuracy, accuracy.binary_accuracy, accuracy.categorical_accuracy,
    accuracy.sparse_categorical_accuracy, top_k.top_k_categorical_accuracy,
    top_k.sparse_top_k_categorical_accuracy, correlation.pearson_correlation,
    correlation.concordance_correlation, losses.binary_crossentropy,
    losses.categorical_crossentropy, losses.sparse_categorical_crossentropy,
    losses.binary_focal_crossentropy, losses.categorical_focal_crossentropy,
    losses.kl_divergence, losses.poisson, losses.hinge, losses.squared_hinge,
    losses.categorical_hinge, losses.mean_squared_error, losses.mean_absolute_error,
    losses.mean_absolute_percentage_error, losses.mean_squared_logarithmic_error,
    losses.log_cosh, losses.huber,
)


def function_by_name(name: str) -> Callable:
    """A per-sample metric function by its name (only keraslite's own functions)."""
    table = {fn.__name__: fn for fn in _FUNCTIONS}
    return lookup(name, table, "metric function", "fn")


def get(identifier: Any) -> Any:
    """Return a metric for a name, a config dict, a Metric (as is), a Metric class or a
    function (wrapped in a :class:`MeanMetricWrapper`).

    Args:
        identifier: e.g. ``"mse"``, ``"Precision"``, ``{"class_name": "AUC", "config":
            {"curve": "PR"}}``, ``keraslite.metrics.Recall(thresholds=0.3)``, or a function
            ``(y_true, y_pred) -> per-sample values``.

    Returns:
        A :class:`Metric` (``None`` stays ``None``).

    """
    if identifier is None:
        return None
    if isinstance(identifier, base.Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.strip().lower() in ("acc",):
            raise ValueError(
                "'acc' is resolved from the data's shapes inside compile(metrics=['acc']); "
                "outside compile use BinaryAccuracy, CategoricalAccuracy or "
                f"SparseCategoricalAccuracy. Received: metric={identifier!r}"
            )
        return lookup(identifier, ALL, "metric", "metrics")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, base.Metric):
        return identifier()
    if callable(identifier):
        return base.MeanMetricWrapper(identifier)
    raise TypeError(
        "Could not interpret metric: expected a name such as 'accuracy', a Metric, or a "
        f"function (y_true, y_pred). Received: metrics={identifier!r}"
    )


def serialize(metric: Any) -> Any:
    """A metric as Keras' ``{"class_name", "config"}`` dict (a function: its name)."""
    if isinstance(metric, base.Metric):
        return class_config(metric, "keras.metrics")
    return getattr(metric, "__name__", metric)


def deserialize(config: Any) -> Any:
    """The metric described by ``serialize``'s output (only built-in names resolve)."""
    if isinstance(config, str):
        return get(config)
    cls = lookup(config["class_name"], ALL, "metric", "metrics")
    return cls.from_config(dict(config.get("config") or {}))
