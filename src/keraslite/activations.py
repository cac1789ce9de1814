"""Activation functions (``keraslite.activations``), usable by name or as callables.

Each is built from :mod:`keraslite.ops`, so its gradient comes from the ops it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.naming import lookup


def linear(x: Any) -> Tensor:
    """The identity, f(x) = x."""
    return ops.convert_to_tensor(x)


def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """Rectified linear unit: f(x) = max(x, 0).

    With options: f(x) = x for threshold <= x (capped at ``max_value``),
    f(x) = negative_slope (x - threshold) below the threshold.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    x = ops.convert_to_tensor(x)
    below = ops.multiply(ops.subtract(x, threshold), negative_slope)
    out = ops.where(ops.greater_equal(x, threshold), x, below)
    if max_value is not None:
        out = ops.minimum(out, max_value)
    return out


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


def silu(x: Any) -> Tensor:
    """SiLU (swish): f(x) = x σ(x)."""
    return ops.silu(x)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """Log-softmax: f(x) = x - log Σ e^x along ``axis``."""
    return ops.log_softmax(x, axis=axis)


swish = silu

ALL: dict[str, Callable] = {
    "linear": linear,
    "relu": relu,
    "sigmoid": sigmoid,
    "softmax": softmax,
    "tanh": tanh,
    "softplus": softplus,
    "silu": silu,
    "swish": silu,
    "log_softmax": log_softmax,
}


def get(identifier: Any) -> Callable:
    """Return the activation function for a name, a callable, or ``None`` (linear)."""
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
    """The name under which ``activation`` is saved (its function name)."""
    for name, fn in ALL.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", str(activation))


def deserialize(config: Any) -> Callable:
    return get(config)
