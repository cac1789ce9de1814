"""Checks of the data given to ``fit``/``evaluate``/``predict``, once per call, vectorized.

Each check reads the prepared arrays once (a sum, a min/max, or a small sample) and only does
more work, such as counting values per DataFrame column, when it has found a problem.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from keraslite.diagnostics.model_checks import (
    BINARY,
    CATEGORICAL,
    SPARSE,
    activation_of,
    class_name,
    is_sequential,
    loss_kind,
    losses_per_output,
    output_infos,
)
from keraslite.naming import fail, warn

SATURATING = frozenset({"sigmoid", "tanh", "softmax", "hard_sigmoid", "softsign"})
"""Activations whose gradient vanishes for large inputs."""

SCALE_LIMIT = 20.0
"""Feature magnitude (99th percentile of |x|) from which a saturating first layer is warned."""

_SAMPLE_ROWS = 2048


def _as_numpy(a: Any) -> np.ndarray:
    return a.get() if hasattr(a, "get") else np.asarray(a)


def _nonfinite_count(a: Any) -> int:
    """How many NaN/inf values ``a`` holds (one sum when there are none)."""
    a = _as_numpy(a)
    if a.dtype.kind not in "fc" or a.size == 0:
        return 0
    with np.errstate(all="ignore"):
        if np.isfinite(a.sum()):
            return 0
    return int(a.size - np.count_nonzero(np.isfinite(a)))


def _frame_nan_columns(data: Any) -> dict[str, int]:
    """``{column: number of NaN}`` of a DataFrame (or ``{name: n}`` of a Series)."""
    if hasattr(data, "isna"):
        counts = data.isna().sum()
        if hasattr(counts, "items"):
            return {str(k): int(v) for k, v in counts.items() if v}
        return {str(getattr(data, "name", "values")): int(counts)} if counts else {}
    return {}


def check_finite(arrays: list, originals: list, argument: str) -> None:
    """Raise ``nan-in-data`` when an array holds NaN or infinite values."""
    for i, a in enumerate(arrays):
        bad = _nonfinite_count(a)
        if not bad:
            continue
        name = argument if len(arrays) == 1 else f"{argument}[{i}]"
        original = originals[i] if i < len(originals) else None
        columns = _frame_nan_columns(original)
        nans = int(np.count_nonzero(np.isnan(_as_numpy(a))))
        where = ""
        if columns:
            listing = ", ".join(f"'{c}' ({n})" for c, n in columns.items())
            where = f" in the DataFrame column(s) {listing}"
        raise fail(
            f"`{name}` contains {bad} missing or infinite value(s) ({nans} NaN, {bad - nans} "
            f"infinite){where}.\nA network cannot learn from them: one NaN makes the loss and "
            "then every weight NaN. Drop or fill them before training: `df = df.dropna()` "
            "(dropna() returns a new DataFrame; calling df.dropna() alone leaves df unchanged) "
            "or `df = df.fillna(df.mean())`; with arrays, x[~np.isnan(x).any(axis=1)].",
            "nan-in-data")


def _values_preview(y: np.ndarray) -> str:
    values = np.unique(y[np.isfinite(y)] if y.dtype.kind == "f" else y)
    shown = ", ".join(f"{v:g}" for v in values[:6])
    return shown + (", ..." if len(values) > 6 else "")


def check_labels(model: Any, ys: list) -> None:
    """Compare the targets with each output's loss and number of units."""
    infos = output_infos(model)
    if len(infos) != len(ys):
        return
    for info, spec, y in zip(infos, losses_per_output(model, len(infos)), ys):
        kind, _ = loss_kind(spec)
        y = _as_numpy(y)
        if kind is None or y.size == 0 or y.dtype.kind not in "fiub":
            continue
        name = getattr(info.layer, "name", "?")
        units = info.units
        if kind == BINARY:
            low, high = float(y.min()), float(y.max())
            if low < 0 or high > 1:
                raise fail(
                    f"loss='binary_crossentropy' needs labels in [0, 1] (the classes 0 and 1, "
                    f"or probabilities), but y holds values from {low:g} to {high:g} "
                    f"({_values_preview(y)}).\nWith more than two classes, use an output layer "
                    "with one unit per class, activation='softmax' and "
                    "loss='sparse_categorical_crossentropy'; for labels -1/1 use (y + 1) / 2; "
                    "for a numeric target use a regression loss such as 'mse'.",
                    "binary-labels-out-of-range")
        elif kind == CATEGORICAL and units and units > 1 and (
                y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
            raise fail(
                f"loss='categorical_crossentropy' expects one-hot labels of shape (n, {units}) "
                f"for the {units} units of layer '{name}', but y has shape {y.shape}: one class "
                "index per sample.\nUse loss='sparse_categorical_crossentropy', which takes class "
                f"indices, or one-hot encode them: y = keras.utils.to_categorical(y, "
                f"num_classes={units}).", "categorical-integer-labels")
        elif kind == SPARSE and units:
            _check_sparse(y, units, name)


def _check_sparse(y: np.ndarray, units: int, name: str) -> None:
    head = y[:256]
    if units > 1 and y.ndim == 2 and y.shape[1] == units and np.all((head == 0) | (head == 1)) \
            and np.all(head.sum(axis=1) == 1):
        raise fail(
            f"loss='sparse_categorical_crossentropy' takes one class index per sample, but y "
            f"has shape {y.shape}: it looks one-hot encoded.\nUse "
            "loss='categorical_crossentropy', or pass y.argmax(axis=1).",
            "sparse-labels-out-of-range")
    low, high = float(y.min()), float(y.max())
    if low >= 0 and high < units:
        return
    too_big = int(np.count_nonzero((y < 0) | (y >= units)))
    hint = (" The output layer has a single unit: for two classes use Dense(1, "
            "activation='sigmoid') with loss='binary_crossentropy', or Dense(2, "
            "activation='softmax') with this loss." if units == 1 else
            f" Give the output layer one unit per class (Dense({int(high) + 1}, "
            "activation='softmax') for labels 0.." f"{int(high)}), or renumber the labels "
            f"from 0 to {units - 1}.")
    raise fail(
        f"loss='sparse_categorical_crossentropy' takes class indices 0..{units - 1}, one per "
        f"unit of the output layer '{name}', but {too_big} label(s) of y are outside that range "
        f"(values {_values_preview(y)}).\n{hint.strip()}", "sparse-labels-out-of-range")


def layers_fed_by(model: Any, index: int = 0) -> list:
    """The layers that receive the model's input ``index`` directly."""
    if is_sequential(model):
        return model.layers[:1] if index == 0 else []
    inputs = getattr(model, "inputs", None) or []
    nodes = getattr(model, "_nodes", None)
    if index >= len(inputs) or nodes is None:
        return []
    target = id(inputs[index])
    return [n.layer for n in nodes if any(id(t) == target for t in _flat(n.args))]


def first_layers(model: Any) -> list:
    """The layers that receive the model's input directly (none with several inputs)."""
    single = is_sequential(model) or len(getattr(model, "inputs", None) or []) == 1
    return layers_fed_by(model) if single else []


def _flat(args: Any) -> list:
    if isinstance(args, (list, tuple)):
        return [t for a in args for t in _flat(a)]
    return [args]


def check_scale(model: Any, xs: list, original: Any) -> bool:
    """Warn ``unscaled-inputs`` when large features feed a saturating first layer.

    Returns:
        Whether it warned.

    """
    if len(xs) != 1:
        return False
    x = _as_numpy(xs[0])
    if x.ndim != 2 or x.dtype.kind not in "fiu" or not len(x):
        return False
    outputs = {id(info.layer) for info in output_infos(model)}
    saturating = [layer for layer in first_layers(model) if class_name(layer) == "Dense"
                  and activation_of(layer) in SATURATING and id(layer) not in outputs]
    if not saturating:
        return False
    sample = x[::max(1, len(x) // _SAMPLE_ROWS)].astype(np.float64, copy=False)
    if np.abs(sample).max() <= SCALE_LIMIT:
        return False
    scale = _percentile99(np.abs(sample))
    if scale.max() <= SCALE_LIMIT:
        return False
    columns = [str(c) for c in original.columns] if hasattr(original, "columns") else None
    names = [repr(c) for c in columns] if columns and len(columns) == x.shape[1] else [
        f"x[:, {j}]" for j in range(x.shape[1])]
    order = np.argsort(-scale)
    big = [f"{names[j]} up to ~{scale[j]:.3g}" for j in order[:3] if scale[j] > SCALE_LIMIT]
    more = int(np.count_nonzero(scale > SCALE_LIMIT)) - len(big)
    listing = ", ".join(big) + (f" and {more} more" if more > 0 else "")
    layer = saturating[0]
    warn(
        f"Unscaled inputs: features reach large values ({listing}; the smallest feature scale "
        f"is ~{max(float(scale.min()), 0):.3g}) and feed layer '{layer.name}', whose activation "
        f"'{activation_of(layer)}' saturates.\nA saturating activation is flat (gradient ~0) "
        "for inputs far from 0, so most of its units start saturated and learn very slowly. "
        "Standardize the "
        "features ((x - mean) / std of the training data, e.g. sklearn's StandardScaler) or "
        "start the model with a keras.layers.Normalization layer adapted to the training data.",
        "unscaled-inputs")
    return True


def check_validation_options(has_validation: bool, callbacks: Any, **options: Any) -> None:
    """Warn when validation is configured or monitored but no validation data is given."""
    if has_validation:
        return
    given = [f"{k}={v!r}" for k, v in options.items()
             if v is not None and not (k == "validation_freq" and v == 1)]
    monitors = [f"{class_name(cb)}(monitor={cb.monitor!r})" for cb in callbacks or []
                if isinstance(getattr(cb, "monitor", None), str) and cb.monitor.startswith("val_")
                and getattr(cb, "save_best_only", True)]
    if not given and not monitors:
        return
    what = ", ".join(given + monitors)
    warn(
        f"fit() received {what}, but no validation data.\nThere is nothing to validate on: "
        "no val_ metrics will be computed (and a callback monitoring one never triggers). Pass "
        "validation_data=(x_val, y_val) or validation_split=0.2 to fit().",
        "validation-options-without-data")


def _percentile99(values: np.ndarray) -> np.ndarray:
    """Column-wise 99th percentile, as ``np.percentile(values, 99, axis=0)`` computes it
    (linear interpolation), without importing ``numpy.ma`` during ``fit``.
    """
    ordered = np.sort(values, axis=0)
    position = 0.99 * (len(ordered) - 1)
    low = int(np.floor(position))
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
