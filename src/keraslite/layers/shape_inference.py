"""Symbolic outputs from ``compute_output_shape``: shape inference without running ``call``.

The base :class:`~keraslite.layers.Layer` infers a symbolic output by running ``call`` once on
zeros. Layers whose output shape is a simple function of their input shapes (reshaping, merging,
noise) mix in :class:`ShapeInferenceMixin` instead: it is cheaper, keeps unknown sizes (``None``)
unknown, and reports a bad input shape while the model is being built.
"""

from __future__ import annotations

from typing import Any

from keraslite.backend import xp
from keraslite.layers.symbolic import KerasTensor, flatten, map_structure


def is_shape(value: Any) -> bool:
    """Whether ``value`` is one shape (a tuple of ints and Nones) rather than a structure."""
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def output_dtype(layer: Any, dtype: Any) -> str:
    """The dtype that ``layer`` gives an input of ``dtype`` (mirrors ``Layer`` autocasting)."""
    dtype = xp.dtype(dtype)
    if layer.autocast and xp.dtype(layer.dtype).kind == "f" and dtype.kind in "fiub" and (
            dtype.kind == "f" or not layer._keeps_int_inputs):
        return layer.dtype
    return str(dtype)


def map_shapes(fn: Any, structure: Any) -> Any:
    """Apply ``fn`` to every shape (tuple of ints and Nones) in a structure of shapes."""
    if is_shape(structure):
        return fn(structure)
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_shapes(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_shapes(fn, v) for k, v in structure.items()}
    return structure


def input_shapes(inputs: Any) -> Any:
    """The shapes of a structure of KerasTensors and arrays, as tuples in the same structure."""
    return map_structure(lambda t: tuple(t.shape) if isinstance(t, KerasTensor)
                         else tuple(xp.shape(t)), inputs)


class ShapeInferenceMixin:
    """Builds symbolic outputs from ``compute_output_shape`` (list it before ``Layer``).

    The output dtype is the layer's dtype for numeric inputs (layers autocast their inputs),
    otherwise the first input's dtype.
    """

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        shape = self.compute_output_shape(input_shapes(inputs))
        first = next((t for t in flatten(inputs) if hasattr(t, "dtype")), None)
        dtype = output_dtype(self, first.dtype if first is not None else self.dtype)

        def to_tensor(s: Any) -> Any:
            if is_shape(s):
                return KerasTensor(s, dtype=dtype)
            if isinstance(s, (list, tuple)):
                return type(s)(to_tensor(x) for x in s)
            if isinstance(s, dict):
                return {k: to_tensor(v) for k, v in s.items()}
            raise TypeError(
                f"compute_output_shape of layer '{self.name}' must return a shape tuple (or a "
                f"list/dict of them). Received: {s!r}"
            )

        return to_tensor(shape)
