"""Weight regularizers (``keraslite.regularizers``): penalties added to the training loss."""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.naming import lookup


class Regularizer:
    """Base class: ``__call__(weights)`` returns a scalar penalty Tensor."""

    def __call__(self, x: Any) -> Tensor:
        return ops.zeros(())

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1L2(Regularizer):
    """penalty = l1 Σ|w| + l2 Σw²."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x: Any) -> Tensor:
        total = ops.zeros(())
        if self.l1:
            total = ops.add(total, ops.multiply(self.l1, ops.sum(ops.abs(x))))
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """penalty = l1 Σ|w| (default l1 = 0.01)."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """penalty = l2 Σw² (default l2 = 0.01)."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """An :class:`L1L2` with both factors (Keras' ``l1_l2`` defaults to 0.01 each)."""
    return L1L2(l1=l1, l2=l2)


ALL: dict[str, Any] = {
    "l1": L1,
    "L1": L1,
    "l2": L2,
    "L2": L2,
    "l1_l2": l1_l2,
    "L1L2": L1L2,
}


def get(identifier: Any) -> Any:
    """Return a regularizer for a name, a config dict, an instance, a callable, or None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return lookup(identifier, ALL, "regularizer", "regularizer")()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], ALL, "regularizer", "regularizer")
        return cls.from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(
        "Could not interpret regularizer: expected 'l1', 'l2', 'l1_l2', a Regularizer or a "
        f"callable. Received: regularizer={identifier!r}"
    )
