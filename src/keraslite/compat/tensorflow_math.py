"""The TensorFlow math that Keras scripts and custom training loops call, on ``keraslite.ops``.

TensorFlow's names and argument names (``input_tensor``, ``axis``, ``keepdims``, ``depth``,
``limit``, ``delta``, ...) mapped onto keraslite's ops, so that ``tf.reduce_mean(tf.square(y -
p))``, ``tf.one_hot(labels, 10)`` or ``tf.clip_by_global_norm(grads, 1.0)`` run unchanged and
keep their gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from keraslite import activations, ops, random
from keraslite.autodiff import Tensor


def _reducer(fn: Callable) -> Callable:
    def reduce(input_tensor: Any, axis: Any = None, keepdims: bool = False,
               name: str | None = None) -> Tensor:
        return fn(input_tensor, axis=axis, keepdims=keepdims)

    reduce.__doc__ = f"TensorFlow's reduce over ``axis`` with ``ops.{fn.__name__}``."
    return reduce


reduce_sum = _reducer(ops.sum)
reduce_mean = _reducer(ops.mean)
reduce_max = _reducer(ops.max)
reduce_min = _reducer(ops.min)
reduce_prod = _reducer(ops.prod)
reduce_any = _reducer(ops.any)
reduce_all = _reducer(ops.all)
reduce_std = _reducer(ops.std)
reduce_variance = _reducer(ops.var)
reduce_logsumexp = _reducer(ops.logsumexp)


def argmax(input: Any, axis: int = 0, output_type: Any = None,  # noqa: A002
           name: str | None = None) -> Tensor:
    """Index of the maximum along ``axis`` (TensorFlow's default axis is 0)."""
    return ops.argmax(input, axis=axis)


def argmin(input: Any, axis: int = 0, output_type: Any = None,  # noqa: A002
           name: str | None = None) -> Tensor:
    """Index of the minimum along ``axis`` (TensorFlow's default axis is 0)."""
    return ops.argmin(input, axis=axis)


def expand_dims(input: Any, axis: int, name: str | None = None) -> Tensor:  # noqa: A002
    return ops.expand_dims(input, axis)


def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    return ops.squeeze(input, axis=axis)


def shape(input: Any, out_type: Any = "int32", name: str | None = None) -> Tensor:  # noqa: A002
    """The shape of ``input`` as an integer tensor."""
    return Tensor(np.asarray(ops.shape(input), dtype=out_type))


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    return Tensor(np.asarray(ops.ndim(input), dtype="int32"))


def size(input: Any, out_type: Any = "int32", name: str | None = None) -> Tensor:  # noqa: A002
    return Tensor(np.asarray(int(np.prod(ops.shape(input))), dtype=out_type))


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: str | None = None) -> Tensor:
    """``tf.range(limit)`` or ``tf.range(start, limit, delta)``."""
    if limit is None:
        start, limit = 0, start
    return ops.arange(start, limit, delta, dtype=dtype)


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: int = -1, dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot rows of length ``depth`` (float32 unless ``dtype`` says otherwise)."""
    hot = ops.one_hot(indices, depth, axis=axis, dtype=dtype or "float32")
    if on_value is None and off_value is None:
        return hot
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    return ops.where(ops.cast(hot, "bool"), on, off)


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    return ops.full(tuple(int(d) for d in np.asarray(getattr(dims, "value", dims)).reshape(-1)),
                    value)


def gather(params: Any, indices: Any, axis: Any = None, batch_dims: int = 0,
           name: str | None = None) -> Tensor:
    """Rows (or slices along ``axis``) of ``params`` at ``indices``."""
    return ops.take(params, indices, axis=0 if axis is None else axis)


def embedding_lookup(params: Any, ids: Any, max_norm: Any = None,
                     name: str | None = None) -> Tensor:
    """Rows of the embedding matrix ``params`` at integer ``ids``: ``out[i] = params[ids[i]]``.

    ``max_norm`` (clip each looked-up row to that L2 norm) is not provided.
    """
    if max_norm is not None:
        raise NotImplementedError(
            "tf.nn.embedding_lookup(max_norm=...) is not provided by keraslite's TensorFlow "
            f"stand-in. Received: max_norm={max_norm!r}; clip the rows yourself "
            "(keras.ops.norm) or leave max_norm=None.")
    if isinstance(params, (list, tuple)):
        params = ops.concatenate(list(params), axis=0) if len(params) > 1 else params[0]
    return ops.take(params, ids, axis=0)


def split(value: Any, num_or_size_splits: Any, axis: int = 0, num: Any = None,
          name: str | None = None) -> list:
    """TensorFlow's split: an int makes that many equal parts, a list gives each part's size.

    Unlike ``keras.ops.split`` (NumPy's), a list holds sizes, not cut points; one size
    may be ``-1``, meaning "the rest": ``split(x, [2, -1], axis=1)`` gives ``x[:, :2]``
    and ``x[:, 2:]``.
    """
    if isinstance(num_or_size_splits, int) or getattr(num_or_size_splits, "ndim", 1) == 0:
        return ops.split(value, int(num_or_size_splits), axis=axis)
    sizes = [int(s) for s in num_or_size_splits]
    length = ops.shape(value)[axis]
    if sizes.count(-1) > 1:
        raise ValueError(f"tf.split: at most one size may be -1. Received: {sizes}")
    if -1 in sizes:
        sizes[sizes.index(-1)] = length - (sum(sizes) + 1)
    if sum(sizes) != length or min(sizes) < 0:
        raise ValueError(
            f"tf.split: the sizes must add up to the length of axis {axis} ({length}). "
            f"Received: num_or_size_splits={list(num_or_size_splits)}")
    cuts, total = [], 0
    for size in sizes[:-1]:
        total += size
        cuts.append(total)
    return ops.split(value, cuts, axis=axis)


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001
    return ops.power(x, y)


def clip_by_norm(t: Any, clip_norm: float, axes: Any = None, name: str | None = None) -> Tensor:
    """``t`` scaled down so that its L2 norm (over ``axes``) is at most ``clip_norm``."""
    norm = ops.sqrt(ops.sum(ops.square(t), axis=axes, keepdims=True))
    return ops.multiply(t, ops.divide(clip_norm, ops.maximum(norm, clip_norm)))


def global_norm(t_list: Any, name: str | None = None) -> Tensor:
    """sqrt(Σ ||t||²) over the tensors of ``t_list`` (None entries skipped)."""
    squares = [ops.sum(ops.square(t)) for t in t_list if t is not None]
    return ops.sqrt(ops.sum(ops.stack(squares))) if squares else Tensor(np.float32(0.0))


def clip_by_global_norm(t_list: Any, clip_norm: float, use_norm: Any = None,
                        name: str | None = None) -> tuple[list, Tensor]:
    """The tensors scaled by clip_norm / max(global_norm, clip_norm), and the global norm."""
    norm = global_norm(t_list) if use_norm is None else use_norm
    scale = ops.divide(clip_norm, ops.maximum(norm, clip_norm))
    return [None if t is None else ops.multiply(t, scale) for t in t_list], norm


def confusion_matrix(labels: Any, predictions: Any, num_classes: int | None = None,
                     weights: Any = None, dtype: Any = "int32", name: str | None = None) -> Tensor:
    """Counts: row = true label, column = predicted label."""
    true = np.asarray(getattr(labels, "value", labels)).astype(np.int64).reshape(-1)
    pred = np.asarray(getattr(predictions, "value", predictions)).astype(np.int64).reshape(-1)
    if num_classes is None:
        num_classes = int(max(true.max(initial=-1), pred.max(initial=-1))) + 1
    w = np.ones(len(true)) if weights is None else \
        np.asarray(getattr(weights, "value", weights)).reshape(-1)
    out = np.zeros((num_classes, num_classes), dtype=np.float64)
    np.add.at(out, (true, pred), w)
    return Tensor(out.astype(dtype))


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """sum(t²) / 2."""
    return ops.multiply(ops.sum(ops.square(t)), 0.5)


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None,
                                      name: str | None = None) -> Tensor:
    """Element-wise binary cross-entropy of ``logits``: max(z, 0) - z·y + log(1 + e^(-|z|))."""
    z = ops.convert_to_tensor(logits)
    return ops.add(ops.subtract(ops.relu(z), ops.multiply(z, labels)),
                   ops.log1p(ops.exp(ops.negative(ops.abs(z)))))


def softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None, axis: int = -1,
                                      name: str | None = None) -> Tensor:
    """Per-row cross-entropy of one-hot (or soft) ``labels`` against ``logits``."""
    return ops.categorical_crossentropy(labels, logits, from_logits=True, axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None,
                                             name: str | None = None) -> Tensor:
    """Per-row cross-entropy of integer ``labels`` against ``logits``."""
    return ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)


def dropout(x: Any, rate: float, noise_shape: Any = None, seed: Any = None,
            name: str | None = None) -> Tensor:
    return random.dropout(x, rate, noise_shape=noise_shape, seed=seed)


def top_k(input: Any, k: int = 1, sorted: bool = True, name: str | None = None) -> Any:  # noqa: A002
    return ops.top_k(input, k, sorted=sorted)


def in_top_k(targets: Any, predictions: Any, k: int, name: str | None = None) -> Tensor:
    return ops.in_top_k(targets, predictions, k)


# Same name, same meaning: served as they are.
SAME = {name: getattr(ops, name) for name in (
    "add", "subtract", "multiply", "divide", "negative", "square", "sqrt", "exp", "log", "abs",
    "matmul", "reshape", "cast", "maximum", "minimum", "zeros", "ones", "zeros_like",
    "ones_like", "stack", "transpose", "where", "equal", "not_equal", "greater", "less",
    "greater_equal", "less_equal", "logical_and", "logical_or", "logical_not", "round",
    "floor", "sign", "tile", "stop_gradient", "tensordot", "einsum", "sort", "argsort",
    "unstack", "eye", "linspace", "identity", "sigmoid", "tanh", "cumsum", "cumprod",
    "norm",
)}

MATH = {
    **{k: SAME[k] for k in ("add", "subtract", "multiply", "divide", "negative", "square",
                            "sqrt", "exp", "log", "abs", "maximum", "minimum", "equal",
                            "not_equal", "greater", "less", "greater_equal", "less_equal",
                            "logical_and", "logical_or", "logical_not", "round", "floor",
                            "sign", "sigmoid", "tanh", "cumsum", "cumprod")},
    "ceil": ops.ceil, "log1p": ops.log1p, "pow": pow, "reciprocal": ops.reciprocal,
    "rsqrt": ops.rsqrt, "erf": ops.erf, "logical_xor": ops.logical_xor,
    "is_nan": ops.isnan, "is_inf": ops.isinf, "is_finite": ops.isfinite,
    "reduce_sum": reduce_sum, "reduce_mean": reduce_mean, "reduce_max": reduce_max,
    "reduce_min": reduce_min, "reduce_prod": reduce_prod, "reduce_any": reduce_any,
    "reduce_all": reduce_all, "reduce_std": reduce_std, "reduce_variance": reduce_variance,
    "reduce_logsumexp": reduce_logsumexp, "argmax": argmax, "argmin": argmin,
    "confusion_matrix": confusion_matrix, "top_k": top_k, "in_top_k": in_top_k,
    "softplus": activations.softplus,
}

LINALG = {"norm": ops.norm, "matmul": ops.matmul, "einsum": ops.einsum, "eye": ops.eye,
          "tensordot": ops.tensordot, "diag": ops.diag, "trace": ops.trace,
          "matrix_transpose": lambda a, name=None: ops.swapaxes(a, -1, -2)}

NN = {
    "relu": activations.relu, "relu6": activations.relu6, "elu": activations.elu,
    "selu": activations.selu, "gelu": activations.gelu, "silu": activations.silu,
    "swish": activations.silu, "leaky_relu": activations.leaky_relu,
    "sigmoid": activations.sigmoid, "tanh": activations.tanh, "softmax": activations.softmax,
    "log_softmax": activations.log_softmax, "softplus": activations.softplus,
    "embedding_lookup": embedding_lookup, "l2_loss": l2_loss, "dropout": dropout,
    "top_k": top_k, "in_top_k": in_top_k,
    "sigmoid_cross_entropy_with_logits": sigmoid_cross_entropy_with_logits,
    "softmax_cross_entropy_with_logits": softmax_cross_entropy_with_logits,
    "sparse_softmax_cross_entropy_with_logits": sparse_softmax_cross_entropy_with_logits,
}

TOP_LEVEL = {
    **SAME, "split": split, "concat": ops.concatenate, "clip_by_value": ops.clip,
    "argmax": argmax,
    "argmin": argmin, "expand_dims": expand_dims, "squeeze": squeeze, "shape": shape,
    "rank": rank, "size": size, "range": range, "one_hot": one_hot, "fill": fill,
    "gather": gather, "pow": pow, "clip_by_norm": clip_by_norm, "global_norm": global_norm,
    "clip_by_global_norm": clip_by_global_norm, "reduce_sum": reduce_sum,
    "reduce_mean": reduce_mean, "reduce_max": reduce_max, "reduce_min": reduce_min,
    "reduce_prod": reduce_prod, "reduce_any": reduce_any, "reduce_all": reduce_all,
}
