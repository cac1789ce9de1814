"""Activation functions (``keraslite.activations``), usable by name or as callables.

Each is built from :mod:`keraslite.ops`, so its gradient comes from the ops it uses. The names,
arguments and defaults are Keras 3's (``keras/src/activations/activations.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.naming import lookup
from keraslite.ops import activations as _act


def _is_symbolic(x: Any) -> bool:
    """Whether ``x`` is a symbolic KerasTensor (a Functional model's graph is being built)."""
    return getattr(type(x), "_keras_symbolic", False)


def linear(x: Any) -> Tensor:
    """The identity, f(x) = x."""
    return x if _is_symbolic(x) else ops.convert_to_tensor(x)


def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """Rectified linear unit: f(x) = max(x, 0) with the defaults.

    With options, as Keras 3 computes it:
    f(x) = clip(x·[x > threshold], 0, max_value) - negative_slope · max(threshold - x, 0),
    where the clip applies only when ``max_value`` is given. So f(x) = x (capped at
    ``max_value``) above the threshold and f(x) = negative_slope · (x - threshold) below it.

    Args:
        x: the input.
        negative_slope: the slope below the threshold.
        max_value: the largest output (``None``: unbounded).
        threshold: the value below which the input is damped.

    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if not _is_symbolic(x):
        x = ops.convert_to_tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    if threshold != 0.0:
        out = ops.where(ops.greater(x, threshold), x, 0.0)
    elif max_value == 6:
        out = ops.relu6(x)
        max_value = None
    else:
        out = ops.relu(x)
    if max_value is not None:
        out = ops.clip(out, 0.0, max_value)
    if negative_slope != 0.0:
        out = ops.subtract(out, ops.multiply(negative_slope, ops.relu(ops.subtract(threshold, x))))
    return out


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """Leaky ReLU: f(x) = x for x >= 0, negative_slope · x below."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x: Any) -> Tensor:
    """ReLU capped at 6: f(x) = min(max(x, 0), 6)."""
    return ops.relu6(x)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: f(x) = x for x > 0, alpha (eˣ - 1) for x <= 0."""
    return ops.elu(x, alpha=alpha)


def selu(x: Any) -> Tensor:
    """Scaled ELU: f(x) = scale · x for x > 0, scale · alpha (eˣ - 1) below.

    alpha = 1.67326324 and scale = 1.05070098 keep the mean and variance of activations
    through layers initialized with ``lecun_normal`` (Klambauer et al., 2017).
    """
    return ops.selu(x)


def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid: f(x) = 1 / (1 + e^-x), in (0, 1)."""
    return ops.sigmoid(x)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax: f(x)_i = e^x_i / Σ_j e^x_j along ``axis``; outputs sum to 1."""
    return ops.softmax(x, axis=axis)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent: f(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1)."""
    return ops.tanh(x)


def softplus(x: Any) -> Tensor:
    """Softplus: f(x) = log(1 + e^x)."""
    return ops.softplus(x)


def softsign(x: Any) -> Tensor:
    """Softsign: f(x) = x / (1 + |x|), in (-1, 1)."""
    return ops.softsign(x)


def silu(x: Any) -> Tensor:
    """SiLU (swish): f(x) = x σ(x)."""
    return ops.silu(x)


def gelu(x: Any, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit: f(x) = x Φ(x) = x (1 + erf(x / √2)) / 2.

    With ``approximate=True``: f(x) = x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2. The
    activation defaults to the exact form, as in Keras (``keras.ops.gelu`` defaults to the
    approximation).
    """
    return ops.gelu(x, approximate=approximate)


def exponential(x: Any) -> Tensor:
    """Exponential: f(x) = eˣ."""
    return ops.exp(x)


def hard_sigmoid(x: Any) -> Tensor:
    """Hard sigmoid: f(x) = 0 for x <= -3, 1 for x >= 3, x / 6 + 1/2 between."""
    return ops.hard_sigmoid(x)


def hard_silu(x: Any) -> Tensor:
    """Hard SiLU (hard swish): f(x) = x · hard_sigmoid(x); 0 below -3, x above 3."""
    return ops.hard_silu(x)


def log_sigmoid(x: Any) -> Tensor:
    """Log-sigmoid: f(x) = log σ(x) = -softplus(-x)."""
    return ops.log_sigmoid(x)


def mish(x: Any) -> Tensor:
    """Mish: f(x) = x tanh(softplus(x)) (Misra, 2019)."""
    if _is_symbolic(x):  # keraslite.ops has no mish (nor has keras.ops): compose it
        return ops.multiply(x, ops.tanh(ops.softplus(x)))
    return _act.mish(x)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """Log-softmax: f(x) = x - log Σ e^x along ``axis``."""
    return ops.log_softmax(x, axis=axis)


swish = silu
hard_swish = hard_silu

# Keras' table: each function under its own name, then the aliases. ``serialize`` returns the
# first name of a function, so aliases must come after the canonical names.
ALL: dict[str, Callable] = {
    "linear": linear,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "relu6": relu6,
    "elu": elu,
    "selu": selu,
    "sigmoid": sigmoid,
    "softmax": softmax,
    "tanh": tanh,
    "softplus": softplus,
    "softsign": softsign,
    "silu": silu,
    "gelu": gelu,
    "exponential": exponential,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "log_sigmoid": log_sigmoid,
    "mish": mish,
    "log_softmax": log_softmax,
    "swish": silu,
    "hard_swish": hard_silu,
}


def get(identifier: Any) -> Callable:
    """Return the activation function for a name, a callable, or ``None`` (linear).

    Args:
        identifier: a name such as ``"relu"``, a config dict (``{"class_name": "function",
            "config": "relu", ...}`` as Keras saves it), a callable, or ``None``.

    Raises:
        ValueError: for an unknown name (with the closest known name).
        TypeError: for anything else.

    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "activation", "activation")
    if isinstance(identifier, dict):
        return get(identifier.get("config", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise TypeError(
        "Could not interpret activation: expected a name such as 'relu', a callable, or None. "
        f"Received: activation={identifier!r}"
    )


def serialize(activation: Callable) -> Any:
    """The name under which ``activation`` is saved (``"silu"`` for ``swish``, as Keras)."""
    for name, fn in ALL.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", str(activation))


def deserialize(config: Any) -> Callable:
    """The activation for a saved name or config (the inverse of :func:`serialize`)."""
    return get(config)
