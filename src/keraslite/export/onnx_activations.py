"""ONNX nodes for keraslite's activation functions (used by Dense, Activation and friends).

Each entry builds f(x) from standard ONNX operators of opset 13+, with the same formula and
constants as :mod:`keraslite.activations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from keraslite import activations
from keraslite.export.onnx_graph import OnnxContext, OnnxExportError
from keraslite.ops.activations import SELU_ALPHA, SELU_SCALE


def _unary(op: str, **attrs: Any) -> Callable:
    return lambda ctx, x: ctx.node(op, [x], **attrs)


def _relu6(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Clip", [x, ctx.const(0.0, "zero"), ctx.const(6.0, "six")])


def _selu(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Selu", [x], alpha=float(SELU_ALPHA), gamma=float(SELU_SCALE))


def _silu(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Mul", [x, ctx.node("Sigmoid", [x])])


def _gelu(ctx: OnnxContext, x: str, approximate: bool = False) -> str:
    half = ctx.node("Mul", [x, ctx.const(0.5, "half")])
    if approximate:  # x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2
        cube = ctx.node("Mul", [ctx.node("Mul", [x, x]), x])
        inner = ctx.node("Add", [x, ctx.node("Mul", [cube, ctx.const(0.044715, "c")])])
        t = ctx.node("Tanh", [ctx.node("Mul", [inner, ctx.const(math.sqrt(2 / math.pi), "k")])])
    else:  # x (1 + erf(x / √2)) / 2
        t = ctx.node("Erf", [ctx.node("Div", [x, ctx.const(math.sqrt(2.0), "sqrt2")])])
    return ctx.node("Mul", [half, ctx.node("Add", [t, ctx.const(1.0, "one")])])


def _hard_sigmoid(ctx: OnnxContext, x: str) -> str:
    return ctx.node("HardSigmoid", [x], alpha=1.0 / 6.0, beta=0.5)


def _hard_silu(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Mul", [x, _hard_sigmoid(ctx, x)])


def _log_sigmoid(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Neg", [ctx.node("Softplus", [ctx.node("Neg", [x])])])


def _mish(ctx: OnnxContext, x: str) -> str:
    return ctx.node("Mul", [x, ctx.node("Tanh", [ctx.node("Softplus", [x])])])


def _leaky_relu(ctx: OnnxContext, x: str) -> str:
    return ctx.node("LeakyRelu", [x], alpha=0.2)  # keraslite.activations.leaky_relu's default


ACTIVATIONS: dict[str, Callable] = {
    "linear": lambda ctx, x: x,
    "relu": _unary("Relu"),
    "leaky_relu": _leaky_relu,
    "relu6": _relu6,
    "elu": _unary("Elu", alpha=1.0),
    "selu": _selu,
    "sigmoid": _unary("Sigmoid"),
    "softmax": _unary("Softmax", axis=-1),
    "tanh": _unary("Tanh"),
    "softplus": _unary("Softplus"),
    "softsign": _unary("Softsign"),
    "silu": _silu,
    "swish": _silu,
    "gelu": _gelu,
    "exponential": _unary("Exp"),
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": _hard_silu,
    "hard_swish": _hard_silu,
    "log_sigmoid": _log_sigmoid,
    "mish": _mish,
    "log_softmax": _unary("LogSoftmax", axis=-1),
}


def activation(ctx: OnnxContext, fn: Any, x: str, owner: str) -> str:
    """The ONNX nodes of activation ``fn`` (a keraslite activation or its name) on ``x``."""
    name = fn if isinstance(fn, str) else activations.serialize(fn)
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise OnnxExportError(
            f"Layer '{owner}' cannot be exported to ONNX: its activation {name!r} is not one "
            f"of keraslite's built-in activations ({', '.join(sorted(ACTIVATIONS))}). "
            f"Received: activation={fn!r}")
    return ACTIVATIONS[name](ctx, x)
