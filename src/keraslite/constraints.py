"""Weight constraints (``keraslite.constraints``): projections applied after each update.

An optimizer calls ``constraint(w)`` on a variable's array after every step and stores the
result; a constraint is not differentiated. Given a Tensor it returns a Tensor, given an array
an array. Names, defaults and configs are Keras 3's (``keras/src/constraints/constraints.py``).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.naming import to_snake_case
from keraslite.registry_utils import NOT_FOUND, get_object, serialize_object


def _norms(w: Any, axis: Any) -> Any:
    return xp.sqrt(xp.sum(w * w, axis=_axis(axis), keepdims=True))


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight; the base returns ``w``."""

    def __call__(self, w: Any) -> Any:
        if isinstance(w, Tensor):
            return Tensor(self.project(w.value))
        return self.project(xp.asarray(w))

    def project(self, w: Any) -> Any:
        """The projection on a raw array; subclasses override this."""
        return w

    def get_config(self) -> dict:
        """The arguments that rebuild this constraint with :meth:`from_config`."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


class NonNeg(Constraint):
    """w = max(w, 0): weights stay non-negative."""

    def project(self, w: Any) -> Any:
        return xp.maximum(w, 0)


class MaxNorm(Constraint):
    """Rescale each slice along ``axis`` whose norm exceeds ``max_value`` to norm ``max_value``.

    w ← w · clip(‖w‖, 0, max_value) / (ε + ‖w‖), the norm taken over ``axis``. For a Dense
    kernel ``(input_dim, units)``, ``axis=0`` bounds each unit's incoming weight vector.

    Args:
        max_value: the largest allowed norm (default 2).
        axis: the axis (or axes) over which norms are computed (default 0).

    """

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def project(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        return w * (xp.clip(norms, 0, self.max_value) / (epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    """Scale each slice along ``axis`` to unit norm: w ← w / (ε + ‖w‖).

    Args:
        axis: the axis (or axes) over which norms are computed (default 0).

    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def project(self, w: Any) -> Any:
        return w / (epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each slice's norm along ``axis`` into [min_value, max_value], at speed ``rate``.

    With n = ‖w‖ over ``axis``: desired = rate · clip(n, min_value, max_value) + (1 - rate) · n,
    then w ← w · desired / (ε + n). ``rate=1`` enforces the bounds exactly.

    Args:
        min_value: the smallest allowed norm (default 0.0).
        max_value: the largest allowed norm (default 1.0).
        rate: the fraction of the way to move towards the interval per step (default 1.0).
        axis: the axis (or axes) over which norms are computed (default 0).

    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: Any = 0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def project(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        desired = self.rate * xp.clip(norms, self.min_value, self.max_value) + \
            (1 - self.rate) * norms
        return w * (desired / (epsilon() + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Lower-case aliases, as Keras exports them (``keras.constraints.max_norm`` is the class).
non_neg = NonNeg
max_norm = MaxNorm
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES = (NonNeg, MaxNorm, UnitNorm, MinMaxNorm)
ALL: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
}


def get(identifier: Any) -> Any:
    """Return a constraint for an identifier.

    Args:
        identifier: a name (``"max_norm"``, ``"non_neg"``, ``"unit_norm"``, ``"min_max_norm"``
            or a class name), a config dict, a Constraint class or instance, a callable, or
            ``None``.

    Raises:
        ValueError: for an unknown name (with the closest known name).
        TypeError: for anything else.

    """
    found = get_object(identifier, ALL, Constraint, "constraint")
    if found is not NOT_FOUND:
        return found
    raise TypeError(
        "Could not interpret constraint: expected a name such as 'max_norm', a Constraint or a "
        f"callable. Received: constraint={identifier!r}"
    )


def serialize(constraint: Any) -> Any:
    """The saved form: Keras' ``{"module", "class_name", "config", "registered_name"}``."""
    return serialize_object(constraint, Constraint, "keras.constraints")


def deserialize(config: Any) -> Any:
    """The constraint for a saved config or name (the inverse of :func:`serialize`)."""
    return get(config)
