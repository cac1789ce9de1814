"""The ``Dot`` merging layer (and its functional form ``dot``): per-sample dot products.

For two inputs x, y with a batch axis, ``Dot(axes=(i, j))`` sums x·y over axis i of x and axis
j of y, sample by sample (Keras' ``batch_dot``). It is built from transposes, reshapes and one
batched :func:`keraslite.ops.matmul`, so its gradient comes from those ops.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import epsilon
from keraslite.layers.merging import Merge, format_shapes


def l2_normalize(x: Any, axis: int) -> Tensor:
    """Divide x by max(‖x‖₂, ε) along ``axis`` (ε = ``keraslite.config.epsilon()``), as Keras'
    ``normalize``; an all-zero vector stays zero and gets a finite gradient.
    """
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.divide(x, ops.sqrt(ops.maximum(squares, epsilon() ** 2)))


def batch_dot(x: Any, y: Any, axes: tuple[int, int]) -> Tensor:
    """Per-sample dot product of ``x`` and ``y`` over ``x``'s axis ``axes[0]`` and ``y``'s axis
    ``axes[1]`` (both positive, not the batch axis 0).

    The output holds x's remaining axes then y's (without its batch axis); an output with only
    the batch axis left gets a trailing axis of size 1: ``(batch, 1)``.
    """
    a0, a1 = axes
    xs, ys = tuple(x.shape), tuple(y.shape)
    x_rest = [i for i in range(1, len(xs)) if i != a0]
    y_rest = [i for i in range(1, len(ys)) if i != a1]
    x_order = [0] + x_rest + [a0]
    y_order = [0, a1] + y_rest
    if x_order != list(range(len(xs))):
        x = ops.transpose(x, x_order)
    if y_order != list(range(len(ys))):
        y = ops.transpose(y, y_order)
    batch, k = xs[0], xs[a0]
    x_dims = tuple(xs[i] for i in x_rest)
    y_dims = tuple(ys[i] for i in y_rest)
    x3 = ops.reshape(x, (batch, math.prod(x_dims), k))
    y3 = ops.reshape(y, (batch, k, math.prod(y_dims)))
    out_shape = (batch,) + x_dims + y_dims
    if len(out_shape) == 1:
        out_shape += (1,)
    return ops.reshape(ops.matmul(x3, y3), out_shape)


class Dot(Merge):
    """Dot product of two inputs, sample by sample, along the given axes.

    With inputs of shapes ``(batch, 3, 5)`` and ``(batch, 10, 3)``, ``Dot(axes=(1, 2))`` gives
    ``(batch, 5, 10)``; with two ``(batch, d)`` inputs, ``Dot(axes=1)`` gives ``(batch, 1)``.

    Args:
        axes: an integer, or a tuple of two integers: the axis of the first input and the
            axis of the second input to sum over. The two axes must have the same size, and
            the batch axis (0) cannot be one of them.
        normalize: whether to L2-normalize both inputs along the dot-product axes first; the
            output is then the cosine similarity of the samples.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    """

    _min_inputs = _max_inputs = 2

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int) or isinstance(axes, bool):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be an int or a list/tuple of "
                    f"two ints. Received: axes={axes!r}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements (the "
                    f"axis of each input). Received: axes={axes!r}"
                )
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes!r}"
                )
            axes = tuple(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _resolve_axes(self, shapes: list) -> tuple[int, int]:
        """The two axes as positive indices, checked against the input shapes."""
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        resolved = []
        for axis, shape in zip(pair, shapes):
            if len(shape) < 2:
                raise ValueError(
                    "A `Dot` layer needs inputs with a batch axis and at least one more axis. "
                    f"Received: input shapes {format_shapes(shapes)}"
                )
            if not -len(shape) <= axis < len(shape):
                raise ValueError(
                    f"Axis {axis} of a `Dot` layer is out of range for an input of shape "
                    f"{shape}. Received: axes={self.axes}"
                )
            resolved.append(axis % len(shape))
        if 0 in resolved:
            raise ValueError(
                "A `Dot` layer cannot take the dot product over the batch axis 0; pick axes "
                f"of the samples (1 or more). Received: axes={self.axes} for input shapes "
                f"{format_shapes(shapes)}"
            )
        d1, d2 = shapes[0][resolved[0]], shapes[1][resolved[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(
                f"Incompatible input shapes for a `Dot` layer: axis {resolved[0]} of the first "
                f"input has size {d1} but axis {resolved[1]} of the second has size {d2}; the "
                "dot product needs equal sizes. Received: input shapes "
                f"{format_shapes(shapes)} with axes={self.axes}"
            )
        return resolved[0], resolved[1]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._check_list(input_shape)
        a0, a1 = self._resolve_axes(shapes)
        s1, s2 = list(shapes[0]), list(shapes[1])
        s1.pop(a0)
        s2.pop(a1)
        out = s1 + s2[1:]
        if s1[0] is None and s2[0] is not None:
            out[0] = s2[0]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def call(self, inputs: Any) -> Tensor:
        x1, x2 = self._validate(inputs)
        a0, a1 = self._resolve_axes([tuple(x1.shape), tuple(x2.shape)])
        if self.normalize:
            x1 = l2_normalize(x1, a0)
            x2 = l2_normalize(x2, a1)
        return batch_dot(x1, x2, (a0, a1))

    def get_config(self) -> dict:
        axes = list(self.axes) if isinstance(self.axes, tuple) else self.axes
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def dot(inputs: list, axes: Any = -1, **kwargs: Any) -> Any:
    """Functional interface to :class:`Dot`: ``Dot(axes, **kwargs)(inputs)``.

    Args:
        inputs: a list of two tensors.
        axes: the axis (or pair of axes) to take the dot product over.
        **kwargs: ``normalize`` and base layer arguments.

    Returns:
        The per-sample dot products.

    """
    return Dot(axes=axes, **kwargs)(inputs)
