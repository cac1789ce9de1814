"""Merging layers: ``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum``,
``Concatenate`` (and ``Dot`` in :mod:`keraslite.layers.dot`), with their functional forms
``add``, ``subtract``, ... ``concatenate``.

Each takes a list of tensors and combines them with :mod:`keraslite.ops`. The element-wise ones
broadcast like NumPy on the non-batch axes; an input of lower rank gets length-1 axes inserted
after the batch axis first, as in Keras. Shapes are checked when the layer is called on
symbolic inputs (while the model is built) and on the first call with each new set of shapes.
Arguments, defaults and configs follow ``keras/src/layers/merging/``.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.masks import combine_masks
from keraslite.layers.shape_inference import ShapeInferenceMixin, is_shape


def format_shapes(shapes: Any) -> str:
    """Shapes as `[(None, 3), (None, 4)]` for error messages."""
    return "[" + ", ".join(str(tuple(s)) for s in shapes) + "]"


class Merge(ShapeInferenceMixin, Layer):
    """Base class of the merging layers: checks a list of inputs, then ``_merge_function``."""

    _min_inputs = 1
    _max_inputs: int | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._checked: tuple | None = None
        self.built = True

    @property
    def _a(self) -> str:
        """The article and class name for error messages, e.g. "An `Add`"."""
        kind = type(self).__name__
        return f"{'An' if kind[0] in 'AEIOU' else 'A'} `{kind}`"

    def _merge_function(self, inputs: list) -> Tensor:
        raise NotImplementedError

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The AND of the inputs' masks (a step counts if it counts in every input)."""
        return combine_masks(mask) if isinstance(mask, (list, tuple)) else mask

    def _check_list(self, shapes: Any) -> list:
        """``shapes`` as a list of shape tuples, or an error saying how to call the layer."""
        kind = type(self).__name__
        if not isinstance(shapes, (list, tuple)) or is_shape(shapes) or not all(
                is_shape(tuple(s)) if isinstance(s, (list, tuple)) else False for s in shapes):
            raise ValueError(
                f"{self._a} layer should be called on a list of inputs, e.g. "
                f"{kind}()([x1, x2]). Received: input_shape={shapes}"
            )
        shapes = [tuple(s) for s in shapes]
        n = len(shapes)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            if self._max_inputs == self._min_inputs:
                expected = f"exactly {self._min_inputs}"
            else:
                expected = f"at least {self._min_inputs}"
            raise ValueError(
                f"{self._a} layer should be called on a list of {expected} inputs. "
                f"Received: {n} inputs with shapes {format_shapes(shapes)}"
            )
        batch_sizes = {s[0] for s in shapes if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"{self._a} layer cannot merge tensors with different batch sizes "
                f"{sorted(batch_sizes)}: every input needs the same number of samples. "
                f"Received: input shapes {format_shapes(shapes)}"
            )
        if any(not s for s in shapes):
            raise ValueError(
                f"The inputs of a `{kind}` layer need a batch axis; scalars cannot be merged. "
                f"Received: input shapes {format_shapes(shapes)}"
            )
        return shapes

    def _broadcast(self, shapes: list) -> tuple:
        """The broadcast of the non-batch shapes (aligned on the last axis), or an error."""
        out: tuple = ()
        for shape in shapes:
            a, b = (out, shape[1:]) if len(out) >= len(shape) - 1 else (shape[1:], out)
            merged = list(a[:len(a) - len(b)])
            for i, j in zip(a[len(a) - len(b):], b):
                if i is None or j is None:
                    merged.append(None if i != 1 and j != 1 else (j if i == 1 else i))
                elif i == 1 or j == 1 or i == j:
                    merged.append(j if i == 1 else i)
                else:
                    raise ValueError(
                        f"{self._a} layer needs inputs whose shapes match or "
                        "broadcast (each non-batch axis the same size, or 1), but the inputs "
                        "have incompatible shapes. Received: input shapes "
                        f"{format_shapes(shapes)}. If one input should be projected to the "
                        "other's size, put a Dense layer before the merge."
                    )
            out = tuple(merged)
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._check_list(input_shape)
        batch_sizes = {s[0] for s in shapes} - {None}
        batch = batch_sizes.pop() if batch_sizes else None
        return (batch,) + self._broadcast(shapes)

    def _validate(self, inputs: Any) -> list:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{self._a} layer should be called on a list of inputs, e.g. "
                f"{type(self).__name__}()([x1, x2]). Received: inputs of shape "
                f"{getattr(inputs, 'shape', None)} (not a list of tensors)"
            )
        shapes = tuple(tuple(x.shape) for x in inputs)
        if shapes != self._checked:
            self.compute_output_shape(list(shapes))
            self._checked = shapes
        return list(inputs)

    def call(self, inputs: Any) -> Tensor:
        inputs = self._validate(inputs)
        ndim = max(x.ndim for x in inputs)
        if any(x.ndim != ndim for x in inputs):
            inputs = [x if x.ndim == ndim else
                      ops.reshape(x, x.shape[:1] + (1,) * (ndim - x.ndim) + x.shape[1:])
                      for x in inputs]
        return self._merge_function(inputs)


class Add(Merge):
    """Adds a list of inputs element-wise (all of the same shape, or broadcastable).

    Example:
        >>> x1, x2 = keraslite.Input(shape=(16,)), keraslite.Input(shape=(16,))
        >>> y = keraslite.layers.Add()([x1, x2])  # shape (None, 16)

    """

    def _merge_function(self, inputs: list) -> Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """Subtracts two inputs element-wise: ``inputs[0] - inputs[1]``."""

    _min_inputs = _max_inputs = 2

    def _merge_function(self, inputs: list) -> Tensor:
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Multiplies a list of inputs element-wise."""

    def _merge_function(self, inputs: list) -> Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(Merge):
    """Averages a list of inputs element-wise."""

    def _merge_function(self, inputs: list) -> Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


class Maximum(Merge):
    """The element-wise maximum of a list of inputs."""

    def _merge_function(self, inputs: list) -> Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(Merge):
    """The element-wise minimum of a list of inputs."""

    def _merge_function(self, inputs: list) -> Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


class Concatenate(Merge):
    """Concatenates a list of inputs along ``axis``.

    All inputs must have the same rank and the same sizes on every axis but ``axis``.

    Args:
        axis: the axis to concatenate along (default -1, the last one).
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> a, b = keraslite.Input(shape=(3,)), keraslite.Input(shape=(5,))
        >>> keraslite.layers.Concatenate()([a, b]).shape
        (None, 8)

    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"`axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._check_list(input_shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) > 1:
            raise ValueError(
                "A `Concatenate` layer requires inputs of the same rank (number of axes), with "
                "matching shapes except for the concatenation axis. Received: input shapes "
                f"{format_shapes(shapes)}. Reshape or expand the inputs to a common rank first."
            )
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenation axis {self.axis} is out of range for inputs of rank {rank}: "
                f"expected an axis in [{-rank}, {rank - 1}]. Received: input shapes "
                f"{format_shapes(shapes)}"
            )
        axis = self.axis % rank
        out = list(shapes[0])
        for i in range(rank):
            sizes = [s[i] for s in shapes]
            if i == axis:
                out[i] = None if None in sizes else sum(sizes)
                continue
            known = {d for d in sizes if d is not None}
            if len(known) > 1:
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the "
                    f"concatenation axis (axis={self.axis}), but axis {i} has sizes {sizes}. "
                    f"Received: input shapes {format_shapes(shapes)}. To join along another "
                    "axis, pass `axis=`."
                )
            out[i] = known.pop() if known else None
        return tuple(out)

    def call(self, inputs: Any) -> Tensor:
        return ops.concatenate(self._validate(inputs), axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Add`: ``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Subtract`: ``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Multiply`: ``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Average`: ``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Maximum`: ``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Minimum`: ``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """Functional interface to :class:`Concatenate`: ``Concatenate(axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
