"""Per-layer gradient norms: measuring them, the vanishing-gradient monitor, and a callback.

The norms are measured on a probe batch (the first rows of an epoch's training data) in
inference mode, with one extra forward and backward pass that updates nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from keraslite import losses, ops
from keraslite.autodiff import GradientTape
from keraslite.callbacks.callback import Callback
from keraslite.diagnostics.data_checks import SATURATING
from keraslite.diagnostics.model_checks import activation_of
from keraslite.naming import warn

PROBE_ROWS = 128
"""Rows of the probe batch on which gradient norms are measured."""

MONITOR_EPOCHS = 8
"""The automatic monitor measures during the first epochs only, at most this many."""

VANISHING_RATIO = 1e-2
"""First-layer over last-layer RMS gradient below which an epoch counts as vanishing."""

VANISHING_EPOCHS = 3
"""Vanishing epochs (among those measured) after which the warning is given."""

MIN_WEIGHT_LAYERS = 4
"""The monitor watches networks with at least this many weight layers (3 hidden + output)."""

HISTORY_PREFIX = "grad_norm/"
"""History keys of the recorded norms: ``history.history["grad_norm/dense"]``."""


def _weighted_layers(model: Any) -> list:
    return [layer for layer in getattr(model, "layers", []) if layer.trainable_weights]


def _loss_function(model: Any) -> Any:
    """The loss of a single-output model as a callable ``(y, pred)``, or None."""
    spec = getattr(model, "loss", None)
    if isinstance(spec, (list, tuple)) and len(spec) == 1:
        spec = spec[0]
    if spec is None or isinstance(spec, (list, tuple, dict)):
        return None
    if isinstance(spec, str):
        name = spec.strip()
        spec = name if name in losses.ALL else name.lower()
    try:
        return losses.get(spec)
    except (ValueError, TypeError):
        return None


def gradient_norms(model: Any, x: Any, y: Any) -> dict[str, tuple[float, int]] | None:
    """The L2 norm of the loss gradient for each layer with trainable weights.

    Args:
        model: a compiled single-input, single-output model.
        x, y: the batch to measure on.

    Returns:
        ``{layer name: (norm, number of weights)}`` in layer order, or None when the model's
        loss cannot be evaluated on its own (several outputs, no loss).

    """
    loss_fn = _loss_function(model)
    layers = _weighted_layers(model)
    if loss_fn is None or not layers:
        return None
    variables = [v for layer in layers for v in layer.trainable_weights]
    with GradientTape() as tape:
        pred = model(x, training=False)
        if isinstance(pred, (list, tuple, dict)):
            return None
        value = loss_fn(y, pred)
        value = ops.mean(value) if value.ndim else value
    grads = tape.gradient(value, variables)
    out: dict[str, tuple[float, int]] = {}
    k = 0
    for layer in layers:
        n = len(layer.trainable_weights)
        squares = sum(float(np.sum(np.square(ops.convert_to_numpy(g))))
                      for g in grads[k:k + n] if g is not None)
        size = sum(int(np.prod(v.shape)) for v in layer.trainable_weights)
        out[layer.name] = (math.sqrt(squares), size)
        k += n
    return out


@dataclass
class MonitorState:
    """What the automatic monitor remembers about one model across ``fit`` calls."""

    measured: int = 0
    vanishing: int = 0
    done: bool = False
    ratios: list = field(default_factory=list)


def monitor_applies(model: Any) -> bool:
    """Whether the automatic vanishing-gradient monitor watches ``model``: a built
    single-input, single-output network with 4+ weight layers and a sigmoid/tanh hidden layer.
    """
    inputs, outputs = getattr(model, "inputs", None), getattr(model, "outputs", None)
    if not inputs or not outputs or len(inputs) != 1 or len(outputs) != 1:
        return False
    layers = _weighted_layers(model)
    return len(layers) >= MIN_WEIGHT_LAYERS and any(
        activation_of(x) in SATURATING for x in layers[:-1]) \
        and _loss_function(model) is not None


def monitor_epoch(model: Any, state: MonitorState, norms: dict | None) -> None:
    """Count an epoch whose first/last RMS gradient ratio is tiny; warn after several."""
    if state.done or not norms or len(norms) < 3:
        return
    state.measured += 1
    (first, (n1, s1)), (last, (n2, s2)) = next(iter(norms.items())), list(norms.items())[-1]
    rms_first, rms_last = n1 / math.sqrt(max(s1, 1)), n2 / math.sqrt(max(s2, 1))
    if rms_last > 0 and math.isfinite(rms_first) and math.isfinite(rms_last):
        ratio = rms_first / rms_last
        state.ratios.append(ratio)
        if ratio < VANISHING_RATIO:
            state.vanishing += 1
    if state.vanishing >= VANISHING_EPOCHS:
        state.done = True
        worst = min(state.ratios)
        warn(
            f"Vanishing gradients: the gradients reaching the first layer '{first}' are as "
            f"small as {worst:.1e} times those at the last layer '{last}' (RMS per weight).\n"
            f"They stayed below 1/{int(1 / VANISHING_RATIO)} of them in {state.vanishing} of "
            f"the first {state.measured} epochs, so the first layers barely learn. Usual "
            "remedies: activation='relu' "
            "instead of sigmoid/tanh in the hidden layers, a matching initialization "
            "(kernel_initializer='he_normal' for relu), normalization between layers "
            "(BatchNormalization), or fewer layers. To watch it, pass "
            "callbacks=[keras.callbacks.GradientNormLogger()] to fit() and plot the result "
            "with keras.utils.plot_gradient_norms(history).", "vanishing-gradients")
    elif state.measured >= MONITOR_EPOCHS:
        state.done = True


class GradientNormLogger(Callback):
    """Records the gradient norm of each layer at the end of every epoch.

    The norm of the loss gradient with respect to each layer's trainable weights is measured
    on a probe batch (the first ``samples`` rows of the epoch's training data, or ``x, y`` if
    given) and appended to ``history.history["grad_norm/<layer name>"]``. Plot them with
    :func:`keraslite.utils.plot_gradient_norms` to watch gradients vanish in a deep sigmoid
    network.

    Args:
        x: inputs to measure on (default: the training data).
        y: their targets.
        samples: the number of rows measured.

    Attributes:
        norms: ``{layer name: [norm per epoch]}``.

    """

    def __init__(self, x: Any = None, y: Any = None, samples: int = PROBE_ROWS) -> None:
        super().__init__()
        self.x, self.y, self.samples = x, y, int(samples)
        self.norms: dict[str, list[float]] = {}

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.norms = {}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        model = self.model
        state = model.__dict__.get("_keraslite_fit")
        if self.x is not None:
            norms = gradient_norms(model, self.x[:self.samples], self.y[:self.samples])
        elif state is not None and state.norms_epoch == epoch:
            norms = state.norms
        elif state is not None and state.probe is not None:
            norms = gradient_norms(model, state.probe[0][:self.samples],
                                   state.probe[1][:self.samples])
        else:
            norms = None
        if not norms:
            return
        history = getattr(model, "history", None)
        for name, (norm, _) in norms.items():
            self.norms.setdefault(name, []).append(norm)
            if history is not None:
                history.history.setdefault(HISTORY_PREFIX + name, []).append(norm)
