"""ONNX converters of ``keras.ops`` functions recorded in a Functional graph (``OpLayer``):
``x * 2``, ``keras.ops.concatenate([a, b])``, ``keras.ops.mean(x, axis=1)`` and friends.

An op outside :data:`OPS` (and the activation table) is reported by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from keraslite.export.onnx_activations import ACTIVATIONS
from keraslite.export.onnx_graph import OnnxContext, OnnxExportError, register_onnx_converter
from keraslite.layers.op_layer import OpLayer
from keraslite.layers.symbolic import KerasTensor, map_structure


def _binary(op: str) -> Callable:
    return lambda ctx, x, y: ctx.node(op, [x, y])


def _unary(op: str) -> Callable:
    return lambda ctx, x: ctx.node(op, [x])


def _floor_divide(ctx: OnnxContext, x: str, y: str) -> str:
    return ctx.node("Floor", [ctx.node("Div", [x, y])])


def _mod(ctx: OnnxContext, x: str, y: str) -> str:
    """Python's modulo: x - floor(x / y) · y (the sign follows y)."""
    return ctx.node("Sub", [x, ctx.node("Mul", [_floor_divide(ctx, x, y), y])])


def _reduction(op: str) -> Callable:
    def convert(ctx: OnnxContext, x: str, axis: Any = None, keepdims: bool = False) -> str:
        return ctx.reduce(op, x, axis, keepdims)

    return convert


def _concatenate(ctx: OnnxContext, xs: list, axis: int = 0) -> str:
    return ctx.node("Concat", list(xs), axis=int(axis))


def _reshape(ctx: OnnxContext, x: str, newshape: Any) -> str:
    shape = [-1 if d is None else int(d) for d in newshape]
    return ctx.node("Reshape", [x, ctx.ints(shape)])


def _transpose(ctx: OnnxContext, x: str, axes: Any = None) -> str:
    if axes is None:
        return ctx.node("Transpose", [x])
    return ctx.node("Transpose", [x], perm=[int(a) for a in axes])


def _expand_dims(ctx: OnnxContext, x: str, axis: Any) -> str:
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return ctx.node("Unsqueeze", [x, ctx.ints(axes, "axes")])


def _squeeze(ctx: OnnxContext, x: str, axis: Any = None) -> str:
    if axis is None:
        return ctx.node("Squeeze", [x])
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return ctx.node("Squeeze", [x, ctx.ints(axes, "axes")])


def _clip(ctx: OnnxContext, x: str, x_min: str, x_max: str) -> str:
    return ctx.node("Clip", [x, x_min, x_max])


def _square(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Mul", [x, x])


def _softmax_op(name: str) -> Callable:
    op = "Softmax" if name == "softmax" else "LogSoftmax"
    return lambda ctx, x, axis=-1: ctx.node(op, [x], axis=int(axis))


OPS: dict[str, Callable] = {
    "add": _binary("Add"), "subtract": _binary("Sub"), "multiply": _binary("Mul"),
    "divide": _binary("Div"), "true_divide": _binary("Div"), "maximum": _binary("Max"),
    "minimum": _binary("Min"), "power": _binary("Pow"), "matmul": _binary("MatMul"),
    "floor_divide": _floor_divide, "mod": _mod,
    "negative": _unary("Neg"), "abs": _unary("Abs"), "absolute": _unary("Abs"),
    "exp": _unary("Exp"), "log": _unary("Log"), "sqrt": _unary("Sqrt"), "square": _square,
    "sin": _unary("Sin"), "cos": _unary("Cos"), "floor": _unary("Floor"),
    "ceil": _unary("Ceil"), "sign": _unary("Sign"), "reciprocal": _unary("Reciprocal"),
    "erf": _unary("Erf"),
    "sum": _reduction("ReduceSum"), "mean": _reduction("ReduceMean"),
    "max": _reduction("ReduceMax"), "min": _reduction("ReduceMin"),
    "prod": _reduction("ReduceProd"),
    "concatenate": _concatenate, "reshape": _reshape, "transpose": _transpose,
    "expand_dims": _expand_dims, "squeeze": _squeeze, "clip": _clip,
    "softmax": _softmax_op("softmax"), "log_softmax": _softmax_op("log_softmax"),
}


STRUCTURAL = frozenset({"reshape", "transpose", "expand_dims", "squeeze", "sum", "mean", "max",
                        "min", "prod", "concatenate", "softmax", "log_softmax"})
"""Ops whose non-tensor arguments are axes or shapes (attributes), not numbers to compute with."""


@register_onnx_converter(OpLayer)
def _op_layer(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    name = layer.op_name
    fn = OPS.get(name)
    if fn is None and name in ACTIVATIONS and name not in ("softmax", "log_softmax"):
        fn = ACTIVATIONS[name]
    if fn is None:
        raise OnnxExportError(
            f"Layer '{layer.name}' (OpLayer) cannot be exported to ONNX: keras.ops.{name} "
            "applied to symbolic tensors has no ONNX converter (supported: "
            f"{', '.join(sorted(OPS))} and the activations). Use the equivalent layer, or "
            f"register a converter. Received: keras.ops.{name}")
    names = iter(inputs)
    numbers_are_tensors = name not in STRUCTURAL  # an axis or a shape stays a Python value

    def swap(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return next(names)
        if not numbers_are_tensors:
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return ctx.const(value, "scalar")
        if hasattr(value, "shape") and hasattr(value, "dtype"):  # an array constant
            return ctx.const(value, "constant")
        return value

    args = map_structure(swap, node.args)
    kwargs = {k: v for k, v in map_structure(swap, node.kwargs).items() if k != "training"}
    return fn(ctx, *args, **kwargs)
