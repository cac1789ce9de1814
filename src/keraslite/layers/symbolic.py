"""Symbolic tensors and nodes: how the Functional API records a graph of layer calls.

Calling a layer on a :class:`KerasTensor` (what ``Input`` returns) computes no numbers: it
infers the output's shape and records a :class:`Node` linking the layer to its inputs and
outputs. A Functional model later replays those nodes on real data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite.backend import floatx
from keraslite.ops.dispatch import register_symbolic_handler


class KerasTensor:
    """A placeholder with a shape (``None`` for unknown sizes) and a dtype, but no value.

    Attributes:
        shape: e.g. ``(None, 9)``.
        dtype: e.g. ``"float32"``.
        name: a readable name.
        history: ``(layer, node_index, tensor_index)`` of the call that produced it.

    """

    _keras_symbolic = True

    def __init__(self, shape: tuple, dtype: Any = None, name: str | None = None,
                 history: tuple | None = None) -> None:
        self.shape = tuple(shape)
        self.dtype = str(dtype or floatx())
        self.name = name
        self.history = history

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any):
        raise TypeError(
            "A symbolic KerasTensor (the result of keras.Input or of calling a layer on one) has "
            "no value: it only describes a model's graph. Build a Model(inputs, outputs) and "
            "call model.predict(data), or call the layer on real data instead."
        )

    # Ops on symbolic tensors become layers of the graph (``x + y`` in the Functional API).
    def __add__(self, o):
        return symbolic_op("add", self, o)

    def __radd__(self, o):
        return symbolic_op("add", o, self)

    def __sub__(self, o):
        return symbolic_op("subtract", self, o)

    def __rsub__(self, o):
        return symbolic_op("subtract", o, self)

    def __mul__(self, o):
        return symbolic_op("multiply", self, o)

    def __rmul__(self, o):
        return symbolic_op("multiply", o, self)

    def __truediv__(self, o):
        return symbolic_op("divide", self, o)

    def __rtruediv__(self, o):
        return symbolic_op("divide", o, self)

    def __floordiv__(self, o):
        return symbolic_op("floor_divide", self, o)

    def __rfloordiv__(self, o):
        return symbolic_op("floor_divide", o, self)

    def __mod__(self, o):
        return symbolic_op("mod", self, o)

    def __rmod__(self, o):
        return symbolic_op("mod", o, self)

    def __pow__(self, o):
        return symbolic_op("power", self, o)

    def __rpow__(self, o):
        return symbolic_op("power", o, self)

    def __matmul__(self, o):
        return symbolic_op("matmul", self, o)

    def __rmatmul__(self, o):
        return symbolic_op("matmul", o, self)

    def __neg__(self):
        return symbolic_op("negative", self)

    def __abs__(self):
        return symbolic_op("abs", self)

    def __lt__(self, o):
        return symbolic_op("less", self, o)

    def __le__(self, o):
        return symbolic_op("less_equal", self, o)

    def __gt__(self, o):
        return symbolic_op("greater", self, o)

    def __ge__(self, o):
        return symbolic_op("greater_equal", self, o)

    def __getitem__(self, key):
        return symbolic_op("getitem", self, key)

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a boolean: it has no value while the "
            "model's graph is being built. Test values inside a layer's `call`, or choose "
            "per element with keras.ops.where.")

    # ``==`` and ``!=`` keep identity, as Keras 3's KerasTensor ``==`` does: the graph code
    # looks symbolic tensors up in lists. Use ``keras.ops.equal`` for a symbolic comparison.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


def symbolic_op(op_name: str, *args: Any, **kwargs: Any) -> Any:
    """Record ``keraslite.ops.<op_name>(*args)`` as a layer call in a Functional graph."""
    from keraslite.layers.op_layer import OpLayer

    return OpLayer(op_name)(*args, **kwargs)


register_symbolic_handler(symbolic_op)


class Node:
    """One call of a layer in a graph: its arguments (holding KerasTensors) and its outputs."""

    def __init__(self, layer: Any, args: tuple, kwargs: dict, outputs: Any) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        self.output_tensors = [t for t in flatten(outputs) if isinstance(t, KerasTensor)]
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t.history = (layer, index, i)

    @property
    def parent_nodes(self) -> list[Node]:
        out = []
        for t in self.input_tensors:
            layer, index, _ = t.history
            out.append(layer._inbound_nodes[index])
        return out


def flatten(structure: Any) -> list:
    """All leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Callable, structure: Any) -> Any:
    """Apply ``fn`` to every leaf, keeping the nesting."""
    if isinstance(structure, list):
        return [map_structure(fn, s) for s in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def is_symbolic(structure: Any) -> bool:
    return any(isinstance(t, KerasTensor) for t in flatten(structure))


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor of the Functional API (``keras.Input(...)``)."""
    return isinstance(x, KerasTensor)
