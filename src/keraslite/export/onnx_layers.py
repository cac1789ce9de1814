"""ONNX converters of keraslite's built-in layers (core, activation, regularization,
normalization, preprocessing, reshaping and merging layers).

Each converter emits the inference-time computation (``training=False``): noise and dropout
layers are the identity, BatchNormalization uses its moving statistics.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from keraslite import layers as L
from keraslite.backend import epsilon
from keraslite.export.onnx_activations import activation
from keraslite.export.onnx_graph import OnnxContext, register_onnx_converter


def _value(variable: Any) -> np.ndarray:
    value = getattr(variable, "value", variable)
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _rank(node: Any, i: int = 0) -> int:
    return len(OnnxContext.input_shapes(node)[i])


@register_onnx_converter(L.Dense)
def _dense(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    y = ctx.node("MatMul", [inputs[0], ctx.const(_value(layer.kernel), f"{layer.name}_kernel")],
                 name=layer.name)
    if layer.use_bias:
        y = ctx.node("Add", [y, ctx.const(_value(layer.bias), f"{layer.name}_bias")])
    return activation(ctx, layer.activation, y, layer.name)


@register_onnx_converter(L.Activation)
def _activation(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return activation(ctx, layer.activation, inputs[0], layer.name)


@register_onnx_converter(L.Identity, L.InputLayer, L.Dropout, L.SpatialDropout1D,
                         L.AlphaDropout, L.GaussianNoise, L.GaussianDropout)
def _identity(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """Identity at inference (noise and dropout act only in training)."""
    return inputs[0]


@register_onnx_converter(L.ReLU)
def _relu_layer(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """f(x) = clip(x·[x > threshold], 0, max_value) - negative_slope · max(threshold - x, 0)."""
    x = inputs[0]
    slope = float(layer.negative_slope or 0.0)
    threshold = float(layer.threshold or 0.0)
    if threshold != 0.0:
        keep = ctx.node("Greater", [x, ctx.const(threshold, "threshold")])
        out = ctx.node("Where", [keep, x, ctx.const(0.0, "zero")])
    else:
        out = ctx.node("Relu", [x])
    if layer.max_value is not None:
        out = ctx.node("Clip", [out, ctx.const(0.0, "zero"), ctx.const(layer.max_value, "max")])
    if slope != 0.0:
        below = ctx.node("Relu", [ctx.node("Sub", [ctx.const(threshold, "threshold"), x])])
        out = ctx.node("Sub", [out, ctx.node("Mul", [below, ctx.const(slope, "slope")])])
    return out


@register_onnx_converter(L.LeakyReLU)
def _leaky_relu(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return ctx.node("LeakyRelu", [inputs[0]], alpha=float(layer.negative_slope))


@register_onnx_converter(L.PReLU)
def _prelu(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """relu(x) - alpha · relu(-x), alpha broadcast over the non-batch axes."""
    x = inputs[0]
    alpha = ctx.const(_value(layer.alpha), f"{layer.name}_alpha")
    negative = ctx.node("Mul", [alpha, ctx.node("Relu", [ctx.node("Neg", [x])])])
    return ctx.node("Sub", [ctx.node("Relu", [x]), negative])


@register_onnx_converter(L.ELU)
def _elu(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return ctx.node("Elu", [inputs[0]], alpha=float(layer.alpha))


@register_onnx_converter(L.Softmax)
def _softmax(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """e^(x - max) / Σ e^(x - max) over ``axis`` (one axis or several)."""
    axes = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    if len(axes) == 1:
        return ctx.node("Softmax", [inputs[0]], axis=int(axes[0]))
    x = inputs[0]
    axes = [int(a) for a in axes]
    shifted = ctx.node("Sub", [x, ctx.reduce("ReduceMax", x, axes)])
    e = ctx.node("Exp", [shifted])
    return ctx.node("Div", [e, ctx.reduce("ReduceSum", e, axes)])


def _param_shape(rank: int, axes: list[int], shape: tuple) -> list[int]:
    return [shape[d] if d in axes else 1 for d in range(rank)]


@register_onnx_converter(L.BatchNormalization)
def _batch_norm(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """Computes y = x · a + b with a = γ / √(moving_variance + ε), b = β - moving_mean · a."""
    shape = OnnxContext.input_shapes(node)[0]
    axis = layer.axis % len(shape)
    a = 1.0 / np.sqrt(_value(layer.moving_variance).astype(np.float64) + layer.epsilon)
    if layer.gamma is not None:
        a = a * _value(layer.gamma)
    b = -_value(layer.moving_mean) * a
    if layer.beta is not None:
        b = b + _value(layer.beta)
    target = _param_shape(len(shape), [axis], shape)
    scaled = ctx.node("Mul", [inputs[0], ctx.const(a.reshape(target), f"{layer.name}_scale")],
                      name=layer.name)
    return ctx.node("Add", [scaled, ctx.const(b.reshape(target), f"{layer.name}_offset")])


@register_onnx_converter(L.LayerNormalization)
def _layer_norm(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """Computes y = γ (x - mean) / √(var + ε) + β over ``axis``.

    With rms_scaling: y = γ x / √(var + ε).
    """
    shape = OnnxContext.input_shapes(node)[0]
    rank = len(shape)
    raw = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    axes = sorted(int(a) % rank for a in raw)
    x = inputs[0]
    centered = ctx.node("Sub", [x, ctx.reduce("ReduceMean", x, axes)], name=layer.name)
    var = ctx.reduce("ReduceMean", ctx.node("Mul", [centered, centered]), axes)
    inv = ctx.node("Sqrt", [ctx.node("Add", [var, ctx.const(layer.epsilon, "epsilon")])])
    out = ctx.node("Div", [x if layer.rms_scaling else centered, inv])
    target = _param_shape(rank, axes, shape)
    if layer.gamma is not None:
        gamma = _value(layer.gamma).reshape(target)
        out = ctx.node("Mul", [out, ctx.const(gamma, f"{layer.name}_gamma")])
    if layer.beta is not None and not layer.rms_scaling:
        beta = _value(layer.beta).reshape(target)
        out = ctx.node("Add", [out, ctx.const(beta, f"{layer.name}_beta")])
    return out


@register_onnx_converter(L.Normalization)
def _normalization(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """(x - mean) / max(√variance, ε), or mean + x · max(√variance, ε) with ``invert``."""
    mean, variance = (np.asarray(_value(v)) for v in layer._statistics())
    scale = np.maximum(np.sqrt(variance), epsilon())
    m = ctx.const(mean, f"{layer.name}_mean")
    s = ctx.const(scale, f"{layer.name}_std")
    if layer.invert:
        return ctx.node("Add", [m, ctx.node("Mul", [inputs[0], s])], name=layer.name)
    return ctx.node("Div", [ctx.node("Sub", [inputs[0], m], name=layer.name), s])


@register_onnx_converter(L.Rescaling)
def _rescaling(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    scaled = ctx.node("Mul", [inputs[0], ctx.const(_value(layer.scale), "scale")],
                      name=layer.name)
    return ctx.node("Add", [scaled, ctx.const(_value(layer.offset), "offset")])


# -- reshaping --------------------------------------------------------------------------------

@register_onnx_converter(L.Flatten)
def _flatten(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    x, rank = inputs[0], _rank(node)
    if layer.data_format == "channels_first" and rank > 2:
        x = ctx.node("Transpose", [x], perm=[0, *range(2, rank), 1])
    return ctx.node("Flatten", [x], axis=1, name=layer.name)


@register_onnx_converter(L.Reshape)
def _reshape(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    target = [0] + [int(d) for d in layer.target_shape]  # 0: keep the batch size
    return ctx.node("Reshape", [inputs[0], ctx.ints(target)], name=layer.name)


@register_onnx_converter(L.Permute)
def _permute(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return ctx.node("Transpose", [inputs[0]], perm=[0, *layer.dims], name=layer.name)


@register_onnx_converter(L.RepeatVector)
def _repeat_vector(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """(batch, d) → (batch, n, d)."""
    expanded = ctx.node("Unsqueeze", [inputs[0], ctx.ints([1], "axes")], name=layer.name)
    return ctx.node("Tile", [expanded, ctx.ints([1, layer.n, 1], "repeats")])


# -- merging ----------------------------------------------------------------------------------

def _chain(op: str) -> Any:
    def convert(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
        out = inputs[0]
        for other in inputs[1:]:
            out = ctx.node(op, [out, other], name=layer.name)
        return out

    return convert


register_onnx_converter(L.Add)(_chain("Add"))
register_onnx_converter(L.Subtract)(_chain("Sub"))
register_onnx_converter(L.Multiply)(_chain("Mul"))
register_onnx_converter(L.Maximum)(_chain("Max"))
register_onnx_converter(L.Minimum)(_chain("Min"))


@register_onnx_converter(L.Average)
def _average(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return ctx.node("Mean", list(inputs), name=layer.name)


@register_onnx_converter(L.Concatenate)
def _concatenate(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    return ctx.node("Concat", list(inputs), axis=int(layer.axis), name=layer.name)


def _l2_normalize(ctx: OnnxContext, x: str, axis: int) -> str:
    """Computes x / √max(Σ x², ε²) along ``axis``."""
    squares = ctx.reduce("ReduceSum", ctx.node("Mul", [x, x]), [axis])
    floor = ctx.const(epsilon() ** 2, "eps2")
    return ctx.node("Div", [x, ctx.node("Sqrt", [ctx.node("Max", [squares, floor])])])


@register_onnx_converter(L.Dot)
def _dot(ctx: OnnxContext, layer: Any, inputs: list, node: Any) -> str:
    """Per-sample dot product over one axis of each input (as keraslite's ``batch_dot``)."""
    xs, ys = OnnxContext.input_shapes(node)
    a0, a1 = layer._resolve_axes([xs, ys])
    x, y = inputs
    if layer.normalize:
        x, y = _l2_normalize(ctx, x, a0), _l2_normalize(ctx, y, a1)
    x_rest = [i for i in range(1, len(xs)) if i != a0]
    y_rest = [i for i in range(1, len(ys)) if i != a1]
    if [0, *x_rest, a0] != list(range(len(xs))):
        x = ctx.node("Transpose", [x], perm=[0, *x_rest, a0])
    if [0, a1, *y_rest] != list(range(len(ys))):
        y = ctx.node("Transpose", [y], perm=[0, a1, *y_rest])
    k = xs[a0]
    x_dims, y_dims = [xs[i] for i in x_rest], [ys[i] for i in y_rest]
    x3 = ctx.node("Reshape", [x, ctx.ints([0, math.prod(x_dims), k])])
    y3 = ctx.node("Reshape", [y, ctx.ints([0, k, math.prod(y_dims)])])
    out_shape = [0, *x_dims, *y_dims] or [0]
    if len(out_shape) == 1:
        out_shape.append(1)
    return ctx.node("Reshape", [ctx.node("MatMul", [x3, y3], name=layer.name),
                                ctx.ints(out_shape)])

