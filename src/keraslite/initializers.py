"""Weight initializers (``keraslite.initializers``): callables ``(shape, dtype) -> array``.

All random draws come from the backend's one seeded generator, so
``keraslite.utils.set_random_seed`` makes initialization repeatable.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite.backend import floatx, global_rng, xp
from keraslite.naming import lookup


def _fans(shape: tuple) -> tuple[float, float]:
    """fan_in and fan_out as Keras computes them (receptive field times channels)."""
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype)``."""

    def __call__(self, shape: tuple, dtype: Any = None):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: tuple, dtype: Any = None):
        return xp.zeros(shape, dtype or floatx())


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: tuple, dtype: Any = None):
        return xp.ones(shape, dtype or floatx())


class GlorotUniform(Initializer):
    """Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).

    Args:
        seed: an int for a private, repeatable stream; ``None`` uses the global generator.

    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def __call__(self, shape: tuple, dtype: Any = None):
        fan_in, fan_out = _fans(tuple(shape))
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        rng = global_rng() if self.seed is None else xp.random.default_rng(self.seed)
        return rng.uniform(-limit, limit, size=shape).astype(dtype or floatx())

    def get_config(self) -> dict:
        return {"seed": self.seed}


ALL: dict[str, Any] = {
    "zeros": Zeros,
    "Zeros": Zeros,
    "ones": Ones,
    "Ones": Ones,
    "glorot_uniform": GlorotUniform,
    "GlorotUniform": GlorotUniform,
}


def get(identifier: Any) -> Initializer:
    """Return an initializer for a name, a config dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "initializer", "initializer")()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], ALL, "initializer", "initializer")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        "Could not interpret initializer: expected a name such as 'glorot_uniform', an "
        f"Initializer, or a callable (shape, dtype). Received: initializer={identifier!r}"
    )


def serialize(initializer: Any) -> Any:
    if isinstance(initializer, Initializer):
        return {
            "module": "keras.initializers",
            "class_name": type(initializer).__name__,
            "config": initializer.get_config(),
            "registered_name": None,
        }
    return getattr(initializer, "__name__", None)
