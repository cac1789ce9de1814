"""Neural-network ops: activations, cross-entropies, and the fused dense layer.

Activations whose derivative is a function of their output (sigmoid, tanh, relu, softmax) use
the saved output in their VJP, so the backward pass costs one element-wise pass.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff import needs_grad, node, unbroadcast
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon, xp
from keraslite.ops.core import value_of
from keraslite.ops.math import clip, divide, log, multiply, negative
from keraslite.ops.reduction import sum as reduce_sum
from keraslite.ops.shape import one_hot


def _sigmoid_value(v):
    e = xp.exp(-xp.abs(v))
    r = 1 / (1 + e)
    return xp.where(v >= 0, r, e * r)


def _softmax_value(v, axis: int):
    e = xp.exp(v - xp.max(v, axis=axis, keepdims=True))
    e /= xp.sum(e, axis=axis, keepdims=True)
    return e


def relu(x: Any) -> Tensor:
    """max(x, 0).  d/dx = 1 where x > 0, else 0."""
    out = xp.maximum(value_of(x), 0)
    return node(out, (x,), lambda g: (g * (out > 0),))


def sigmoid(x: Any) -> Tensor:
    """σ(x) = 1 / (1 + e⁻ˣ), computed without overflow.  d/dx = σ(x)(1 - σ(x))."""
    out = _sigmoid_value(value_of(x))
    return node(out, (x,), lambda g: (g * out * (1 - out),))


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Normalized exponentials: exp(x_i) / Σ_j exp(x_j) along ``axis``.

    VJP: dx = s ⊙ (g - Σ_j g_j s_j).
    """
    out = _softmax_value(value_of(x), axis)

    def vjp(g):
        return (out * (g - xp.sum(g * out, axis=axis, keepdims=True)),)

    return node(out, (x,), vjp)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """Log softmax(x) = x - log Σ exp(x).  VJP: dx = g - softmax(x) Σ g."""
    v = value_of(x)
    shifted = v - xp.max(v, axis=axis, keepdims=True)
    out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))

    def vjp(g):
        return (g - xp.exp(out) * xp.sum(g, axis=axis, keepdims=True),)

    return node(out, (x,), vjp)


def softplus(x: Any) -> Tensor:
    """log(1 + eˣ), computed stably.  d/dx = σ(x)."""
    v = value_of(x)
    out = xp.maximum(v, 0) + xp.log1p(xp.exp(-xp.abs(v)))
    return node(out, (x,), lambda g: (g * _sigmoid_value(v),))


def silu(x: Any) -> Tensor:
    """X σ(x).  d/dx = σ(x)(1 + x(1 - σ(x)))."""
    v = value_of(x)
    s = _sigmoid_value(v)
    return node(v * s, (x,), lambda g: (g * s * (1 + v * (1 - s)),))


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy  -[t log p + (1 - t) log(1 - p)].

    With ``from_logits`` p = σ(x) and the stable form max(x, 0) - x t + log(1 + e^-|x|) is used
    (VJP: dx = σ(x) - t, dt = -x). Otherwise p is clipped to [ε, 1 - ε] (VJP: dp = (p - t) /
    (p (1 - p)) inside the interval, dt = log(1 - p) - log p). Both broadcast like NumPy.
    """
    t = value_of(target)
    v = value_of(output)
    st, sv = xp.shape(t), xp.shape(v)
    if from_logits:
        out = xp.maximum(v, 0) - v * t + xp.log1p(xp.exp(-xp.abs(v)))

        def vjp_logits(g):
            gt = unbroadcast(-g * v, st) if needs_grad(target) else None
            return gt, unbroadcast(g * (_sigmoid_value(v) - t), sv)

        return node(out, (target, output), vjp_logits)
    eps = epsilon()
    p = xp.clip(v, eps, 1 - eps)
    log_p, log_q = xp.log(p), xp.log(1 - p)
    out = -(t * log_p + (1 - t) * log_q)
    inside = (v >= eps) & (v <= 1 - eps)

    def vjp(g):
        gt = unbroadcast(g * (log_q - log_p), st) if needs_grad(target) else None
        return gt, unbroadcast(g * inside * (p - t) / (p * (1 - p)), sv)

    return node(out, (target, output), vjp)


def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy  -Σ_i t_i log p_i  along ``axis``.

    With ``from_logits`` p = softmax(x) and log p = log_softmax(x). Otherwise ``output`` is first
    scaled to sum to 1 and clipped to [ε, 1 - ε], as Keras does.
    """
    if from_logits:
        log_p = log_softmax(output, axis=axis)
    else:
        eps = epsilon()
        p = divide(output, reduce_sum(output, axis=axis, keepdims=True))
        log_p = log(clip(p, eps, 1 - eps))
    return negative(reduce_sum(multiply(target, log_p), axis=axis))


def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy with integer class labels: -log p[target] along ``axis``."""
    t = xp.asarray(value_of(target))
    num_classes = xp.shape(value_of(output))[axis]
    if t.ndim == len(xp.shape(value_of(output))) and t.shape[-1] == 1:
        t = t[..., 0]
    onehot = one_hot(t, num_classes, axis=axis, dtype=xp.asarray(value_of(output)).dtype)
    return categorical_crossentropy(onehot, output, from_logits=from_logits, axis=axis)


def sigmoid_inplace(z):
    """σ(z) = (1 + tanh(z / 2)) / 2, in place: no overflow and no temporaries."""
    z *= 0.5
    xp.tanh(z, out=z)
    z *= 0.5
    z += 0.5
    return z


def softmax_inplace(z, row):
    """Softmax over the last axis of ``z``, in place; ``row`` is an (n, 1) work array."""
    xp.max(z, axis=-1, keepdims=True, out=row)  # CuPy has no maximum.reduce
    z -= row
    xp.exp(z, out=z)
    xp.add.reduce(z, axis=-1, keepdims=True, out=row)
    z /= row
    return z


# Arrays under this many elements take the passes with the fewest calls (batch 1: each call's
# overhead outweighs the work), larger ones the passes that are faster per element.
SMALL_SIZE = 1 << 12


# Backward passes read from the output a:  g ← g · f'(z), in place (work: like a, row: (n, 1)).
def _relu_back(g, a, work, row):
    # a = max(z, 0): z > 0 exactly where a > 0
    if a.size < SMALL_SIZE:  # small (batch 1): the fewest calls
        xp.sign(a, out=work)  # a ≥ 0: sign(a) is 1 where z > 0, else 0
        g *= work
        return
    # large: g times a boolean mask is one pass, half the time of g times sign(a) (measured);
    # the mask lives in the first bytes of ``work``
    mask = work.reshape(-1).view(xp.bool_)[:a.size].reshape(a.shape)
    xp.greater(a, 0, out=mask)
    xp.multiply(g, mask, out=g)


def _sigmoid_back(g, a, work, row):
    xp.subtract(1, a, out=work)
    work *= a
    g *= work


def _tanh_back(g, a, work, row):
    xp.multiply(a, a, out=work)
    xp.subtract(1, work, out=work)
    g *= work


def _softmax_back(g, a, work, row):
    xp.multiply(g, a, out=work)
    xp.add.reduce(work, axis=-1, keepdims=True, out=row)
    g -= row
    g *= a


# The activations that the fused dense op (and the engine's kernels) apply themselves:
# name -> (forward(z, row) in place, backward(g, a, work, row) in place or None for identity).
ACTIVATIONS = {
    "linear": (lambda z, row: z, None),
    "relu": (lambda z, row: xp.maximum(z, 0, out=z), _relu_back),
    "sigmoid": (lambda z, row: sigmoid_inplace(z), _sigmoid_back),
    "tanh": (lambda z, row: xp.tanh(z, out=z), _tanh_back),
    "softmax": (softmax_inplace, _softmax_back),
}


def _out_of_place(name: str) -> tuple:
    """``(forward(z), backward(g, a) -> new array)`` of :data:`ACTIVATIONS`' entry ``name``, for
    ops that keep their own buffers (the fused convolution).
    """
    forward, backward = ACTIVATIONS[name]

    def fwd(z):
        return forward(z, xp.empty(z.shape[:-1] + (1,), z.dtype))

    def bwd(g, a):
        out = xp.array(g, dtype=a.dtype)
        if backward is not None:
            backward(out, a, xp.empty_like(a), xp.empty(a.shape[:-1] + (1,), a.dtype))
        return out

    return fwd, bwd


_FUSED = {name: _out_of_place(name) for name in ACTIVATIONS}


def fusable(activation_name: str) -> bool:
    """Whether :func:`dense` can apply ``activation_name`` itself."""
    return activation_name in ACTIVATIONS


def dense(x: Any, kernel: Any, bias: Any = None, activation: str = "linear") -> Tensor:
    """The fused dense layer  a = f(x W + b)  over the last axis of ``x``, as one graph node.

    VJP, with gz = g ⊙ f'(z) (read from the output a):  dx = gz Wᵀ,  dW = xᵀ gz,  db = Σ gz.
    Produces the same values and gradients as ``f(add(matmul(x, W), b))``.
    """
    forward, backward = ACTIVATIONS[activation]
    v = value_of(x)
    w = value_of(kernel)
    flat = v.reshape(-1, v.shape[-1]) if v.ndim != 2 else v
    z = flat @ w
    if bias is not None:
        z += value_of(bias)
    a = forward(z, xp.empty((z.shape[0], 1), z.dtype))
    out = a.reshape(v.shape[:-1] + (w.shape[-1],)) if v.ndim != 2 else a
    want_x = isinstance(x, Tensor) and x.requires_grad

    def vjp(g):
        gz = xp.array(g.reshape(a.shape), dtype=a.dtype)
        if backward is not None:
            backward(gz, a, xp.empty_like(a), xp.empty((a.shape[0], 1), a.dtype))
        gx = (gz @ w.T).reshape(v.shape) if want_x else None
        gw = flat.T @ gz
        return (gx, gw, gz.sum(axis=0)) if bias is not None else (gx, gw)

    parents = (x, kernel, bias) if bias is not None else (x, kernel)
    return node(out, parents, vjp)
