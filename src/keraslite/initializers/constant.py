"""Constant initializers: ``Zeros``, ``Ones``, ``Constant`` and ``Identity``."""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.initializers.base import Initializer
from keraslite.initializers.base import resolve_dtype as _dtype


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape: tuple, dtype: Any = None):
        return xp.zeros(tuple(shape), _dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape: tuple, dtype: Any = None):
        return xp.ones(tuple(shape), _dtype(dtype))


class Constant(Initializer):
    """Every entry equal to ``value`` (a number, or an array broadcastable to the shape).

    Args:
        value: the fill value (default 0.0).

    """

    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def __call__(self, shape: tuple, dtype: Any = None):
        value = getattr(self.value, "value", self.value)
        return xp.array(xp.broadcast_to(xp.asarray(value, _dtype(dtype)), tuple(shape)))

    def get_config(self) -> dict:
        value = self.value
        if hasattr(value, "tolist"):
            value = value.tolist()
        return {"value": value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular ones get ``eye``).

    Args:
        gain: the multiplier (default 1.0).

    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: tuple, dtype: Any = None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "The Identity initializer only makes 2-D matrices. "
                f"Received: shape={shape} of rank {len(shape)}"
            )
        return (self.gain * xp.eye(*shape)).astype(_dtype(dtype))

    def get_config(self) -> dict:
        return {"gain": self.gain}
