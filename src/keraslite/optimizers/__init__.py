"""Optimizers (``keraslite.optimizers``), by name or as classes."""

from typing import Any

from keraslite.naming import lookup
from keraslite.optimizers.adam import Adam as Adam
from keraslite.optimizers.base import Optimizer as Optimizer
from keraslite.optimizers.rmsprop import RMSprop as RMSprop
from keraslite.optimizers.sgd import SGD as SGD

ALL: dict[str, Any] = {
    "sgd": SGD, "SGD": SGD, "adam": Adam, "Adam": Adam, "rmsprop": RMSprop, "RMSprop": RMSprop,
}


def get(identifier: Any) -> Optimizer:
    """Return an optimizer for a name (``"adam"``), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "optimizer", "optimizer")()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], ALL, "optimizer", "optimizer")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(
        "Could not interpret optimizer: expected a name such as 'adam' or 'sgd', or an "
        f"Optimizer instance. Received: optimizer={identifier!r}"
    )


def serialize(optimizer: Optimizer) -> dict:
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict) -> Optimizer:
    return get(config)
