"""Optimizers (``keraslite.optimizers``), by name or as classes, and learning-rate schedules."""

from typing import Any

from keraslite.naming import lookup
from keraslite.optimizers import schedules as schedules
from keraslite.optimizers.adadelta import Adadelta as Adadelta
from keraslite.optimizers.adagrad import Adagrad as Adagrad
from keraslite.optimizers.adam import Adam as Adam
from keraslite.optimizers.adamax import Adamax as Adamax
from keraslite.optimizers.adamw import AdamW as AdamW
from keraslite.optimizers.base import Optimizer as Optimizer
from keraslite.optimizers.ftrl import Ftrl as Ftrl
from keraslite.optimizers.lion import Lion as Lion
from keraslite.optimizers.nadam import Nadam as Nadam
from keraslite.optimizers.rmsprop import RMSprop as RMSprop
from keraslite.optimizers.sgd import SGD as SGD
from keraslite.registry_utils import class_config

_CLASSES = (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl)

# Keras resolves names case-insensitively ("adamw", "AdamW", "RMSprop" all work).
ALL: dict[str, Any] = {
    **{cls.__name__.lower(): cls for cls in _CLASSES},
    **{cls.__name__: cls for cls in _CLASSES},
}


def get(identifier: Any) -> Optimizer:
    """Return an optimizer for a name (``"adam"``), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "optimizer", "optimizer")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(
        "Could not interpret optimizer: expected a name such as 'adam' or 'sgd', or an "
        f"Optimizer instance. Received: optimizer={identifier!r}"
    )


def serialize(optimizer: Optimizer) -> dict:
    return class_config(optimizer, "keras.optimizers")


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Rebuild an optimizer from :func:`serialize`'s dict (only known classes are built)."""
    table = {**ALL, **(custom_objects or {})}
    name = config["class_name"]
    cls = table.get(name) or lookup(name.lower(), table, "optimizer", "optimizer")
    return cls.from_config(dict(config.get("config", {})), custom_objects)
