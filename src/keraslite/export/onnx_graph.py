"""Build an ONNX graph from a keraslite model with the ``onnx`` package's helper API.

A model is a graph of layer calls (Sequential and Functional models record one when they are
built). :func:`export_onnx` walks that graph in order and asks each layer's *converter* for
the ONNX nodes that compute it; a nested model is walked in turn. Converters live in a
registry keyed by the exact layer class (see :func:`register_onnx_converter`), so a new layer
adds its converter next to its own code without touching this file.

A converter is ``fn(ctx, layer, inputs, node) -> output names`` where ``ctx`` is the
:class:`OnnxContext` (it adds nodes and constants and knows the tensors' static shapes),
``inputs`` the ONNX names of the layer call's input tensors and ``node`` the recorded call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from keraslite.layers.input_layer import InputLayer
from keraslite.models import Model
from keraslite.models.functional import _nodes_in_order

DEFAULT_OPSET = 17
"""The ONNX opset written (onnxruntime >= 1.14 runs it); ``opset_version`` may ask for more."""

_CONVERTERS: dict[type, Callable] = {}
_CONVERTER_MODULES = ("keraslite.export.onnx_layers", "keraslite.export.onnx_ops")
"""Modules whose import registers converters; a new family of layers adds its module here."""


def register_onnx_converter(*layer_classes: type) -> Callable:
    """Register ``fn(ctx, layer, inputs, node)`` as the ONNX converter of ``layer_classes``.

    The class must match exactly (a subclass with its own ``call`` needs its own converter).

    Example:
        >>> @register_onnx_converter(MyScale)
        ... def _my_scale(ctx, layer, inputs, node):
        ...     return ctx.node("Mul", [inputs[0], ctx.const(layer.factor, "factor")])

    """

    def register(fn: Callable) -> Callable:
        for cls in layer_classes:
            _CONVERTERS[cls] = fn
        return fn

    return register


def converter_for(layer: Any) -> Callable | None:
    """The registered converter of ``layer``'s class, or None."""
    import importlib

    for module in _CONVERTER_MODULES:
        importlib.import_module(module)
    return _CONVERTERS.get(type(layer))


class OnnxExportError(ValueError):
    """A model that cannot be written as ONNX (the message names the layer and why)."""


class OnnxContext:
    """The graph being built: nodes, constants (initializers) and unique tensor names."""

    def __init__(self, dtype: Any, opset: int) -> None:
        from onnx import TensorProto

        self.np_dtype = np.dtype(dtype)
        self.elem_type = TensorProto.DOUBLE if self.np_dtype == np.float64 else TensorProto.FLOAT
        self.opset = opset
        self.nodes: list = []
        self.initializers: list = []
        self._names: set[str] = set()
        self._node_names: set[str] = set()

    def unique(self, hint: str, taken: set[str] | None = None) -> str:
        """A tensor (or, with ``taken``, node) name not used yet, derived from ``hint``."""
        taken = self._names if taken is None else taken
        base = hint.replace(" ", "_") or "t"
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        return name

    def node(self, op_type: str, inputs: list[str], n_outputs: int = 1, name: str = "",
             **attrs: Any) -> Any:
        """Add an ONNX node; returns its output name (a list when ``n_outputs`` > 1)."""
        from onnx import helper

        outputs = [self.unique(f"{name or op_type.lower()}_out") for _ in range(n_outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outputs,
                                           name=self.unique(name or op_type, self._node_names),
                                           **attrs))
        return outputs[0] if n_outputs == 1 else outputs

    def const(self, value: Any, hint: str = "const", dtype: Any = None) -> str:
        """Add a constant (float in the model's dtype unless ``dtype``); returns its name."""
        from onnx import numpy_helper

        value = getattr(value, "value", value)
        if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
            value = value.numpy()
        array = np.asarray(value, dtype=dtype or self.np_dtype)
        name = self.unique(hint)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def reduce(self, op_type: str, x: str, axes: Any, keepdims: bool = True) -> str:
        """``ReduceSum``/``ReduceMean``/``ReduceMax``/... over ``axes`` (None: all axes).

        Axes are an input from opset 18 on (13 for ReduceSum), an attribute before.
        """
        attrs: dict[str, Any] = {"keepdims": int(bool(keepdims))}
        if axes is None:
            return self.node(op_type, [x], **attrs)
        axes = [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.node(op_type, [x, self.ints(axes, "axes")], **attrs)
        return self.node(op_type, [x], axes=axes, **attrs)

    def ints(self, values: Any, hint: str = "shape") -> str:
        """An int64 constant (shapes, axes, repeats)."""
        return self.const(np.asarray(values, dtype=np.int64).reshape(-1), hint, np.int64)

    @staticmethod
    def input_shapes(node: Any) -> list[tuple]:
        """Static shapes of a layer call's input tensors (``None`` for the batch size)."""
        return [tuple(t.shape) for t in node.input_tensors]

    @staticmethod
    def output_shapes(node: Any) -> list[tuple]:
        return [tuple(t.shape) for t in node.output_tensors]


def _graph_nodes(model: Any) -> list:
    return _nodes_in_order(list(model.outputs))


def _has_graph(model: Any) -> bool:
    return bool(getattr(model, "inputs", None)) and bool(getattr(model, "outputs", None))


def convert_model_graph(ctx: OnnxContext, model: Any, input_names: list[str]) -> list[str]:
    """Add the nodes computing ``model`` on ``input_names``; returns its output names."""
    if not _has_graph(model):
        raise OnnxExportError(
            f"Model '{model.name}' ({type(model).__name__}) cannot be exported to ONNX: it is "
            "a subclassed model whose call() is Python code, not a recorded graph of layers. "
            "Build it with keras.Sequential or the Functional API (keras.Model(inputs, "
            "outputs)) to export it. Received: a model without symbolic inputs/outputs")
    names: dict[int, str] = {id(t): n for t, n in zip(model.inputs, input_names)}
    for node in _graph_nodes(model):
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        inputs = [names[id(t)] for t in node.input_tensors]
        if isinstance(layer, Model):
            outputs = convert_model_graph(ctx, layer, inputs)
        else:
            fn = converter_for(layer)
            if fn is None:
                raise OnnxExportError(_no_converter_message(layer))
            outputs = fn(ctx, layer, inputs, node)
        outputs = [outputs] if isinstance(outputs, str) else list(outputs)
        if len(outputs) != len(node.output_tensors):
            raise OnnxExportError(
                f"The ONNX converter of layer '{layer.name}' ({type(layer).__name__}) returned "
                f"{len(outputs)} outputs for a call with {len(node.output_tensors)}.")
        for t, name in zip(node.output_tensors, outputs):
            names[id(t)] = name
    return [names[id(t)] for t in model.outputs]


def _no_converter_message(layer: Any) -> str:
    kind = type(layer).__name__
    if kind == "Lambda":
        why = ("a Lambda layer runs arbitrary Python code, which ONNX cannot hold; replace it "
               "with built-in layers or a custom layer with a registered converter")
    else:
        why = (f"no ONNX converter is registered for {kind}; register one with "
               "keraslite.export.register_onnx_converter (see docs/onnx_export.md)")
    return (f"Layer '{layer.name}' ({kind}) cannot be exported to ONNX: {why}. "
            f"Received: layer {kind}")
