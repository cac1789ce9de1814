"""Reshaping layers: ``Flatten``, ``Reshape``, ``Permute`` and ``RepeatVector``.

Each rearranges its input with one or two :mod:`keraslite.ops` calls (whose gradients undo the
rearrangement); none has weights, and none touches the batch axis. Arguments, defaults,
validation and configs follow ``keras/src/layers/reshaping/``.
"""

from __future__ import annotations

import math
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
from keraslite.layers.base import Layer
from keraslite.layers.shape_inference import ShapeInferenceMixin


class _Reshaping(ShapeInferenceMixin, Layer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.built = True

    def _expect_rank(self, shape: tuple, ndim: int, hint: str) -> None:
        if len(shape) != ndim:
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected "
                f"ndim={ndim}, found ndim={len(shape)}. {hint} Full shape received: {shape}"
            )


def standardize_data_format(data_format: str | None) -> str:
    """``"channels_last"`` (the default for None) or ``"channels_first"``."""
    if data_format is None:
        return "channels_last"
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    return value


class Flatten(_Reshaping):
    """Flattens each sample to one axis: ``(batch, d1, d2, ...)`` -> ``(batch, d1·d2·...)``.

    Inputs of shape ``(batch,)`` become ``(batch, 1)``. The batch size is unaffected.

    Args:
        data_format: ``"channels_last"`` (default) or ``"channels_first"``: with
            channels-first inputs ``(batch, channels, ...)`` the channels axis is moved last
            before flattening, so that the order matches a channels-last model.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> x = keraslite.Input(shape=(10, 64))
        >>> keraslite.layers.Flatten()(x).shape
        (None, 640)

    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)

    def call(self, inputs: Tensor) -> Tensor:
        shape = tuple(inputs.shape)
        if not shape:
            raise ValueError(
                f"Layer '{self.name}' (Flatten) needs inputs with a batch axis. "
                f"Received: inputs.shape={shape}"
            )
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = ops.transpose(inputs, (0, *range(2, len(shape)), 1))
        return ops.reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if not input_shape:
            raise ValueError(
                f"Layer '{self.name}' (Flatten) needs inputs with a batch axis. "
                f"Received: input_shape={input_shape}"
            )
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


def _validate_target_shape(target_shape: Any) -> tuple:
    if isinstance(target_shape, (int, xp.integer)) and not isinstance(target_shape, bool):
        target_shape = (target_shape,)
    try:
        shape = tuple(target_shape)
    except TypeError:
        raise TypeError(
            "`target_shape` must be a tuple of integers, without the batch axis, such as "
            f"(3, 4) or (-1, 2). Received: target_shape={target_shape!r}"
        ) from None
    for d in shape:
        if isinstance(d, bool) or not isinstance(d, (int, xp.integer)) or d < -1:
            raise ValueError(
                "Each dimension in `target_shape` must be a non-negative integer, or -1 for a "
                f"single unknown dimension. Received: target_shape={shape}"
            )
    if sum(d == -1 for d in shape) > 1:
        raise ValueError(
            "There must be at most one unknown dimension (-1) in `target_shape`. "
            f"Received: target_shape={shape}"
        )
    return tuple(int(d) for d in shape)


class Reshape(_Reshaping):
    """Reshapes each sample to ``target_shape``: output ``(batch_size, *target_shape)``.

    Args:
        target_shape: a tuple of integers, without the batch axis. One entry may be -1: its
            size is inferred from the input's size and the other entries.
        **kwargs: base layer arguments.

    Example:
        >>> x = keraslite.Input(shape=(12,))
        >>> keraslite.layers.Reshape((-1, 2, 2))(x).shape
        (None, 3, 2, 2)

    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = _validate_target_shape(target_shape)

    def _resolve(self, sample_shape: tuple) -> tuple:
        """``target_shape`` with its -1 resolved for a sample of ``sample_shape`` (None when a
        size is unknown); raises if the sizes cannot match.
        """
        target = self.target_shape
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in target)
        size = math.prod(sample_shape)
        known = math.prod(d for d in target if d != -1)
        if -1 in target:
            if (known == 0 and size != 0) or (known and size % known):
                raise ValueError(self._mismatch(sample_shape))
            fill = size // known if known else 0
            return tuple(fill if d == -1 else d for d in target)
        if known != size:
            raise ValueError(self._mismatch(sample_shape))
        return target

    def _mismatch(self, sample_shape: tuple) -> str:
        return (
            f"Layer '{self.name}' (Reshape) cannot reshape samples of shape {sample_shape} "
            f"({math.prod(sample_shape)} values) into target_shape={self.target_shape}: the "
            "total size of each sample must be unchanged (the batch axis is not part of "
            "target_shape; use -1 for one entry to have it inferred). Received: "
            f"input_shape=(batch, {', '.join(map(str, sample_shape))}), "
            f"target_shape={self.target_shape}"
        )

    def call(self, inputs: Tensor) -> Tensor:
        shape = tuple(inputs.shape)
        return ops.reshape(inputs, (shape[0],) + self._resolve(shape[1:]))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        return (input_shape[0],) + self._resolve(input_shape[1:])

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(_Reshaping):
    """Permutes the non-batch axes of the input according to ``dims``.

    Args:
        dims: a tuple of integers, a permutation of ``1..rank-1`` (the batch axis, 0, is not
            included). For instance ``(2, 1)`` swaps the two axes of ``(batch, a, b)`` inputs.
        **kwargs: base layer arguments.

    Example:
        >>> x = keraslite.Input(shape=(10, 64))
        >>> keraslite.layers.Permute((2, 1))(x).shape
        (None, 64, 10)

    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            dims = tuple(dims)
            ok = sorted(dims) == list(range(1, len(dims) + 1))
        except TypeError:
            ok = False
        if not ok:
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer: the set of indices in "
                "`dims` must be consecutive and start from 1 (the batch axis 0 stays first), "
                f"e.g. (2, 1). Received: dims={dims!r}"
            )
        self.dims = tuple(int(d) for d in dims)

    def _check(self, shape: tuple) -> None:
        self._expect_rank(shape, len(self.dims) + 1,
                          f"dims={self.dims} permutes {len(self.dims)} axes after the batch axis.")

    def call(self, inputs: Tensor) -> Tensor:
        self._check(tuple(inputs.shape))
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._check(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(_Reshaping):
    """Repeats each input vector ``n`` times: ``(batch, features)`` -> ``(batch, n, features)``.

    Args:
        n: a positive integer, the number of repetitions.
        **kwargs: base layer arguments.

    Example:
        >>> x = keraslite.Input(shape=(32,))
        >>> keraslite.layers.RepeatVector(3)(x).shape
        (None, 3, 32)

    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, xp.integer)):
            raise TypeError(f"Expected an integer value for `n`. Received: n={n!r}")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = int(n)

    def _check(self, shape: tuple) -> None:
        self._expect_rank(shape, 2, "RepeatVector takes (batch, features) inputs; Flatten or "
                                    "Reshape them first.")

    def call(self, inputs: Tensor) -> Tensor:
        self._check(tuple(inputs.shape))
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._check(input_shape)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
