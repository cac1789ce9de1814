"""Weight regularizers (``keraslite.regularizers``): penalties added to the training loss.

A regularizer maps a weight (or, as an activity regularizer, a layer's output) to a scalar
Tensor built from :mod:`keraslite.ops`, so the penalty is differentiated with the loss. Names,
defaults and configs are Keras 3's (``keras/src/regularizers/regularizers.py``).
"""

from __future__ import annotations

import math
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.naming import to_snake_case
from keraslite.registry_utils import NOT_FOUND, get_object, serialize_object


def _factor(value: Any, name: str) -> float:
    """A regularization factor: a finite float >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def _zero_like(x: Any) -> Tensor:
    return ops.zeros((), dtype=ops.convert_to_tensor(x).dtype)


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty; subclasses define ``get_config``."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        """The arguments that rebuild this regularizer with :meth:`from_config`."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1L2(Regularizer):
    """penalty = l1 Σ|x| + l2 Σx².

    Args:
        l1: the L1 factor (default 0.0; ``None`` means 0).
        l2: the L2 factor (default 0.0; ``None`` means 0).

    The class defaults are zero, as in Keras; the string ``"l1_l2"`` gives l1 = l2 = 0.01,
    as Keras documents.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Tensor:
        total = _zero_like(x)
        if self.l1:
            total = ops.add(total, ops.multiply(self.l1, ops.sum(ops.abs(x))))
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """penalty = l1 Σ|x|.

    Args:
        l1: the factor (default 0.01; ``None`` means the default).

    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: Any) -> Tensor:
        return ops.multiply(self.l1, ops.sum(ops.abs(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """penalty = l2 Σx².

    Args:
        l2: the factor (default 0.01; ``None`` means the default).

    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Tensor:
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a matrix towards orthogonality.

    With the rows r_i scaled to unit norm (r̂_i = r_i / max(‖r_i‖, ε)) and n rows:
    penalty = factor · ½ Σ_{i≠j} |r̂_i · r̂_j| / (n (n - 1) / 2), i.e. factor times the mean
    absolute cosine between distinct rows. ``mode="columns"`` uses the columns.

    Args:
        factor: the regularization factor (default 0.01).
        mode: ``"rows"`` (default) or ``"columns"``.

    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                "Invalid value for argument `mode`: expected 'rows' or 'columns'. "
                f"Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, x: Any) -> Tensor:
        x = ops.convert_to_tensor(x)
        if x.ndim != 2:
            raise ValueError(
                f"OrthogonalRegularizer needs a rank-2 input. Received: inputs.shape={x.shape}"
            )
        axis = 1 if self.mode == "rows" else 0
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True),
                                     epsilon() ** 2))
        unit = ops.divide(x, norms)
        if self.mode == "rows":
            product = ops.matmul(unit, ops.transpose(unit))
        else:
            product = ops.matmul(ops.transpose(unit), unit)
        size = product.shape[0]
        if size < 2:
            return _zero_like(x)
        off_diagonal = ops.multiply(product, 1.0 - xp.eye(size, dtype=product.dtype))
        pairs = size * (size - 1) / 2.0
        return ops.multiply(self.factor * 0.5 / pairs, ops.sum(ops.abs(off_diagonal)))

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


# Lower-case aliases, as Keras exports them (``keras.regularizers.l2`` is the class).
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = (L1, L2, L1L2, OrthogonalRegularizer)
ALL: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "l1_l2": L1L2,
}
# What a bare string means where it differs from the class defaults (Keras' L1L2 docstring:
# "kernel_regularizer='l1_l2' ... the default values used are l1=0.01 and l2=0.01").
_STRING_DEFAULTS: dict[Any, dict] = {L1L2: {"l1": 0.01, "l2": 0.01}}


def get(identifier: Any) -> Any:
    """Return a regularizer for an identifier.

    Args:
        identifier: a name (``"l1"``, ``"l2"``, ``"l1_l2"``, ``"orthogonal_regularizer"`` or a
            class name), a config dict, a Regularizer class or instance, a callable, or None.

    Raises:
        ValueError: for an unknown name (with the closest known name).
        TypeError: for anything else.

    """
    found = get_object(identifier, ALL, Regularizer, "regularizer",
                       from_name=lambda cls: cls(**_STRING_DEFAULTS.get(cls, {})))
    if found is not NOT_FOUND:
        return found
    raise TypeError(
        "Could not interpret regularizer: expected 'l1', 'l2', 'l1_l2', a Regularizer or a "
        f"callable. Received: regularizer={identifier!r}"
    )


def serialize(regularizer: Any) -> Any:
    """The saved form: Keras' ``{"module", "class_name", "config", "registered_name"}``."""
    return serialize_object(regularizer, Regularizer, "keras.regularizers")


def deserialize(config: Any) -> Any:
    """The regularizer for a saved config or name (the inverse of :func:`serialize`)."""
    return get(config)
