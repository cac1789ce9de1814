"""Weight constraints (``keraslite.constraints``): projections applied after each update."""

from __future__ import annotations

from typing import Any

from keraslite.backend import epsilon, xp
from keraslite.naming import lookup


class Constraint:
    """Base class: ``__call__(w)`` returns the projected array."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


class NonNeg(Constraint):
    """w = max(w, 0)."""

    def __call__(self, w):
        return w * (w >= 0)


class MaxNorm(Constraint):
    """Rescale so that the norm along ``axis`` is at most ``max_value``."""

    def __init__(self, max_value: float = 2.0, axis: int = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = xp.sqrt(xp.sum(w * w, axis=self.axis, keepdims=True))
        desired = xp.clip(norms, 0, self.max_value)
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


ALL: dict[str, Any] = {
    "non_neg": NonNeg,
    "NonNeg": NonNeg,
    "max_norm": MaxNorm,
    "MaxNorm": MaxNorm,
}


def get(identifier: Any) -> Any:
    """Return a constraint for a name, a config dict, an instance, a callable, or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "constraint", "constraint")()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], ALL, "constraint", "constraint")
        return cls.from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(
        "Could not interpret constraint: expected a name, a Constraint or a callable. "
        f"Received: constraint={identifier!r}"
    )
