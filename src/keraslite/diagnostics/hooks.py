"""The entry points the trainer calls: once at compile, once per fit/evaluate/predict call, once
per epoch. Each costs O(1) when it finds nothing to do, apart from one vectorized pass over the
data per call (NaN and label checks) and a small sample for the scale check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from keraslite.diagnostics import data_checks, gradients, model_checks, padding_checks
from keraslite.diagnostics.sequence_checks import check_return_sequences_data
from keraslite.naming import fail, warn


@dataclass
class FitState:
    """Diagnostics state of one ``fit`` call, kept on the model as ``_keraslite_fit``."""

    monitor: gradients.MonitorState | None = None
    probe: tuple | None = None
    norms: dict | None = None
    norms_epoch: int = -1


def check_compile(model: Any) -> None:
    """Structural checks at the end of ``compile``: output activations against the loss."""
    model_checks.check_compile(model)


def check_data(model: Any, x: Any, xs: list, ys: list, fitting: bool = False) -> None:
    """Checks of the data of a ``fit``/``evaluate``/``predict`` call (after preparation).

    Args:
        model: the model.
        x: the user's ``x`` as given (to name DataFrame columns).
        xs, ys: the prepared input and target arrays.
        fitting: whether this is ``fit``'s training data.

    """
    originals = list(x) if isinstance(x, (list, tuple)) and len(x) == len(xs) > 1 else [x]
    xs = _checkable(xs)
    data_checks.check_finite(xs, originals, "x")
    padding_checks.check_padding(model, xs, fitting)
    data_checks.check_finite(ys, [None] * len(ys), "y")
    if ys:
        data_checks.check_labels(model, ys)
        check_return_sequences_data(model, ys)


def _checkable(xs: list) -> list:
    """Arrays to check: a sparse input (``training.data.SparseRows``) by a dense sample."""
    return [a.sample() if hasattr(a, "sample") and hasattr(a, "subset") else a for a in xs]


def check_fit(model: Any, x: Any, xs: list, ys: list, validation: Any, callbacks: Any,
              **validation_options: Any) -> None:
    """Checks at the start of ``fit``, after the model is built; set up per-epoch checks.

    Args:
        model: the model.
        x: the user's ``x`` as given.
        xs, ys: the prepared training arrays.
        validation: the prepared ``(xs, kind, ys, sample_weights)`` of the validation data,
            or None.
        callbacks: the callbacks passed to ``fit``.
        **validation_options: ``validation_steps``, ``validation_batch_size``,
            ``validation_freq`` as given to ``fit``.

    """
    check_data(model, x, xs, ys, fitting=True)
    xs = _checkable(xs)
    if validation is not None:
        data_checks.check_finite(_checkable(validation[0]), [None] * len(validation[0]),
                                 "validation x")
        data_checks.check_finite(validation[2], [None] * len(validation[2]), "validation y")
    warned = model.__dict__.setdefault("_keraslite_warned", set())
    if "unscaled-inputs" not in warned and data_checks.check_scale(model, xs, x):
        warned.add("unscaled-inputs")
    data_checks.check_validation_options(validation is not None, callbacks, **validation_options)
    loggers = [cb for cb in callbacks or [] if isinstance(cb, gradients.GradientNormLogger)]
    monitor = model.__dict__.get("_keraslite_monitor")
    if monitor is None and gradients.monitor_applies(model):
        monitor = model.__dict__["_keraslite_monitor"] = gradients.MonitorState()
    active = monitor if monitor is not None and not monitor.done else None
    rows = max([gradients.PROBE_ROWS if active else 0] + [cb.samples for cb in loggers])
    probe = None
    if rows and len(xs) == 1 and len(ys) == 1:
        step = max(1, len(xs[0]) // rows)  # spread over the data, which may be sorted
        probe = (xs[0][::step][:rows].copy(), ys[0][:len(xs[0])][::step][:rows].copy())
    model.__dict__["_keraslite_fit"] = FitState(monitor=active, probe=probe)


def check_epoch(model: Any, epoch: int, logs: dict) -> None:
    """Per-epoch checks, before the callbacks see the epoch's logs.

    A NaN/infinite loss warns and stops training; the vanishing-gradient monitor measures the
    first epochs of the networks it applies to (one gradient evaluation on a probe batch).
    """
    loss = logs.get("loss")
    if loss is not None and not math.isfinite(loss):
        model.stop_training = True
        warn(
            f"The training loss became {loss} at epoch {epoch + 1}; training stops here.\nThe "
            "weights are now NaN or infinite, so more epochs cannot help. Likely causes: a "
            "learning rate that is too high (try 10 times smaller), unscaled inputs "
            "(standardize the features), the log of 0 in a custom loss (clip the predictions, "
            "or use from_logits=True), or exploding gradients in a deep or recurrent network "
            "(use clipnorm=1.0 in the optimizer).", "nan-loss")
        return
    state = model.__dict__.get("_keraslite_fit")
    if state is None or state.monitor is None or state.monitor.done or state.probe is None:
        return
    state.norms = gradients.gradient_norms(model, *state.probe)
    state.norms_epoch = epoch
    gradients.monitor_epoch(model, state.monitor, state.norms)


def check_sequence_length(model: Any, index: int, declared: tuple, data_shape: tuple) -> None:
    """Raise ``sequence-length-mismatch`` when token ids padded to one length meet a model
    input declared for another (called by the trainer only when the shapes already mismatch).
    """
    padding_checks.check_declared_length(model, index, tuple(declared), tuple(data_shape))


def check_input_shape(declared: tuple, data_shape: tuple) -> None:
    """Raise ``input-shape-includes-samples`` when the model's declared sample shape
    ``declared`` contains the number of samples of data of shape ``data_shape``.

    Called by the trainer only when the shapes already mismatch.
    """
    declared, data_shape = tuple(declared), tuple(data_shape)
    if not declared or not data_shape or declared[0] != data_shape[0]:
        return
    n, sample = data_shape[0], data_shape[1:]
    raise fail(
        f"The model's input shape {declared} includes the number of samples: the data has "
        f"{n} samples of shape {sample}.\nAn input shape describes one sample. Use "
        f"keras.Input(shape={sample}) (or input_shape={sample}); for a DataFrame that is "
        "shape=(df.shape[1],) or (len(df.columns),), not (len(df),).",
        "input-shape-includes-samples")


__all__ = ["check_compile", "check_data", "check_fit", "check_epoch", "check_input_shape",
           "check_sequence_length",
           "warn", "fail"]
