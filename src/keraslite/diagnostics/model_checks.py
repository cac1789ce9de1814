"""Checks of a compiled model's structure: its output activations against its loss.

They read what the layers declare (units, activation names) and never touch data, so they run
once, at the end of ``compile``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from keraslite import losses
from keraslite.naming import warn

BINARY = "binary_crossentropy"
CATEGORICAL = "categorical_crossentropy"
SPARSE = "sparse_categorical_crossentropy"

_LOSS_NAMES = {
    "binary_crossentropy": BINARY, "bce": BINARY, "binarycrossentropy": BINARY,
    "categorical_crossentropy": CATEGORICAL, "cce": CATEGORICAL,
    "categoricalcrossentropy": CATEGORICAL,
    "sparse_categorical_crossentropy": SPARSE, "scce": SPARSE,
    "sparsecategoricalcrossentropy": SPARSE,
    "binary_focal_crossentropy": BINARY, "binaryfocalcrossentropy": BINARY,
    "categorical_focal_crossentropy": CATEGORICAL, "categoricalfocalcrossentropy": CATEGORICAL,
}
UNBOUNDED = frozenset({"linear", "relu", "tanh", "elu", "selu", "softplus", "leaky_relu", "relu6",
                       "gelu", "silu", "swish", "exponential", "mish"})
"""Output activations whose values are not probabilities in [0, 1]."""


class OutputInfo(NamedTuple):
    """What a model output is made of: its layer, activation name and number of units."""

    layer: Any
    activation: str | None
    units: int | None


def class_name(layer: Any) -> str:
    return type(layer).__name__


def activation_of(layer: Any) -> str | None:
    """The activation name of a Dense or Activation layer (None for other layers)."""
    name = getattr(layer, "_activation_name", None)
    return name if isinstance(name, str) else None


def units_of(layer: Any) -> int | None:
    """The output size of a Dense-like layer (``layer.units``), else None."""
    units = getattr(layer, "units", None)
    return units if isinstance(units, int) else None


def is_sequential(model: Any) -> bool:
    return hasattr(model, "_stack")


def _last_dim(shape: Any) -> int | None:
    if isinstance(shape, tuple) and shape and isinstance(shape[-1], int):
        return shape[-1]
    return None


def output_infos(model: Any) -> list[OutputInfo]:
    """One :class:`OutputInfo` per model output (empty when the structure is unknown)."""
    if is_sequential(model):
        activation = None
        for layer in reversed(model.layers):
            if class_name(layer) == "Activation":
                activation = activation or activation_of(layer)
            elif class_name(layer) == "Dropout":
                continue
            else:
                units = units_of(layer)
                return [OutputInfo(layer, activation or activation_of(layer), units)]
        return []
    outputs = getattr(model, "outputs", None) or []
    infos = []
    for t in outputs:
        layer = t.history[0] if getattr(t, "history", None) else None
        infos.append(OutputInfo(layer, activation_of(layer), _last_dim(tuple(t.shape))))
    return infos


def loss_kind(spec: Any) -> tuple[str | None, bool]:
    """``(kind, from_logits)`` of a loss given to compile: kind is one of the three
    cross-entropies, or None for any other loss.
    """
    if isinstance(spec, str):
        return _LOSS_NAMES.get(spec.strip().lower()), False
    if isinstance(spec, type):
        return _LOSS_NAMES.get(spec.__name__.lower()), False
    if isinstance(spec, losses.Loss):
        kwargs = getattr(spec, "_fn_kwargs", {})
        fn = getattr(spec, "fn", None)
        kind = _LOSS_NAMES.get(class_name(spec).lower()) or _LOSS_NAMES.get(
            getattr(fn, "__name__", "").lower())
        return kind, bool(getattr(spec, "from_logits", kwargs.get("from_logits", False)))
    name = getattr(spec, "__name__", None)
    if isinstance(name, str) and getattr(losses, name, None) is spec:
        return _LOSS_NAMES.get(name.lower()), False
    return None, False


def losses_per_output(model: Any, n_outputs: int) -> list:
    """The loss spec of each output, spread as compile spreads it."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        names = list(getattr(model, "output_names", []) or [])
        return [loss.get(name) for name in names] if len(names) == n_outputs else [None] * n_outputs
    if isinstance(loss, (list, tuple)):
        if len(loss) == n_outputs:
            return list(loss)
        return list(loss) * n_outputs if len(loss) == 1 else [None] * n_outputs
    return [loss] * n_outputs


def _walk(model: Any) -> list:
    """Every layer of ``model``, nested models' layers included, in order."""
    out = []
    for layer in getattr(model, "layers", []):
        out.append(layer)
        if hasattr(layer, "layers") and layer is not model:
            out.extend(_walk(layer))
    return out


def check_one_unit_softmax(model: Any) -> None:
    layers = _walk(model)
    outputs = {id(info.layer) for info in output_infos(model)}
    previous_units = None
    for layer in layers:
        units = units_of(layer)
        if class_name(layer) == "Activation":
            units = _last_dim(getattr(layer, "_output_shape", None)) or previous_units
        if activation_of(layer) == "softmax" and units == 1:
            where = ("the output layer" if id(layer) in outputs else
                     "a hidden layer (the next layer always receives 1.0)" if outputs else
                     "a layer of the model")
            described = "Dense(1, activation='softmax')" if class_name(layer) != "Activation" \
                else "a softmax over a 1-unit input"
            warn(
                f"Layer '{layer.name}' is {described}, {where}: a softmax over one unit always "
                "outputs 1.0.\nIt computes exp(z) / exp(z) whatever the input and passes no "
                "gradient back, so the model cannot learn: its loss, accuracy and F1 never move. "
                "For binary classification use Dense(1, activation='sigmoid') with "
                "loss='binary_crossentropy' (or Dense(2, activation='softmax') with "
                "loss='sparse_categorical_crossentropy').", "one-unit-softmax")
        if class_name(layer) != "Dropout":
            previous_units = units


def check_layers_after_output(model: Any) -> None:
    """A softmax (or one-unit sigmoid) layer followed by more Dense/Dropout layers."""
    if not is_sequential(model):
        return
    layers = model.layers
    for i, layer in enumerate(layers):
        activation = activation_of(layer)
        trailing = [x for x in layers[i + 1:] if class_name(x) in ("Dense", "Dropout")]
        if not trailing or activation not in ("softmax", "sigmoid"):
            continue
        only_dropout = all(class_name(x) == "Dropout" for x in trailing)
        if activation == "sigmoid" and units_of(layer) != 1 and not only_dropout:
            continue
        names = ", ".join(f"'{x.name}' ({class_name(x)})" for x in trailing)
        warn(
            f"Layer '{layer.name}' applies {activation}, an output activation, but "
            f"{len(trailing)} more layer(s) follow it: {names}.\nAn output activation turns "
            "scores into probabilities; layers after it transform them again (a Dropout there "
            "zeroes random predictions). If it is meant as the output layer, make it the last "
            "layer; for a hidden layer use activation='relu'.", "layers-after-output")
        return


def check_loss_against_outputs(model: Any) -> None:
    infos = output_infos(model)
    for info, spec in zip(infos, losses_per_output(model, len(infos))):
        kind, from_logits = loss_kind(spec)
        name = getattr(info.layer, "name", "?")
        if kind == BINARY and not from_logits and info.activation in UNBOUNDED:
            warn(
                f"loss='binary_crossentropy' expects probabilities in [0, 1], but the output "
                f"layer '{name}' has activation='{info.activation}'.\nIts outputs are not "
                "probabilities: they are clipped into [1e-7, 1 - 1e-7] and the loss stalls. "
                "Use activation='sigmoid' on the output layer, or keep it linear and use "
                "keras.losses.BinaryCrossentropy(from_logits=True).",
                "binary-loss-on-unbounded-output")
        if kind in (CATEGORICAL, SPARSE) and not from_logits and info.activation == "sigmoid" \
                and (info.units or 0) > 1:
            warn(
                f"loss='{kind}' expects the {info.units} outputs of layer '{name}' to be class "
                "probabilities that sum to 1, but its activation is 'sigmoid'.\nA sigmoid "
                "scores each class on its own. Use activation='softmax' for one class per "
                "sample (or "
                "loss='binary_crossentropy' if a sample can belong to several classes).",
                "sigmoid-with-categorical-loss")
        if kind == SPARSE and info.units == 1:
            warn(
                f"loss='sparse_categorical_crossentropy' needs one output unit per class, but "
                f"the output layer '{name}' has a single unit.\nWith one unit the only valid "
                "label is 0. For two classes use Dense(1, activation='sigmoid') with "
                "loss='binary_crossentropy', or Dense(2, activation='softmax') with this loss.",
                "sparse-loss-one-unit")


def check_compile(model: Any) -> None:
    """Run every structural check on a freshly compiled ``model``."""
    check_one_unit_softmax(model)
    check_layers_after_output(model)
    check_loss_against_outputs(model)
