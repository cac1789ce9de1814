"""Spatial reshaping for convnets: ``UpSampling``, ``ZeroPadding`` and ``Cropping`` in 1, 2
and 3 dimensions, and ``SpatialDropout2D/3D``.

Arguments and configs follow ``keras/src/layers/reshaping/`` and
``keras/src/layers/regularization/``. Each layer is composed of differentiable ops (repeat,
pad, slicing, multiply), so gradients need no code here.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.pooling import check_ndim
from keraslite.layers.regularization import Dropout
from keraslite.layers.shape_inference import ShapeInferenceMixin
from keraslite.ops.conv_utils import normalize_data_format, normalize_tuple


def _pairs(value: Any, rank: int, name: str) -> tuple:
    """An int, ``rank`` ints (symmetric) or ``rank`` pairs as ``rank`` ``(before, after)``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}")
        return ((value, value),) * rank
    if rank == 1:
        return (normalize_tuple(value, 2, name, allow_zero=True),)
    try:
        items = list(value)
    except TypeError:
        items = []
    if len(items) != rank:
        raise ValueError(
            f"`{name}` should be an int, a tuple of {rank} ints or a tuple of {rank} tuples of "
            f"2 ints ((before, after) per spatial axis). Received: {name}={value!r}"
        )
    return tuple(normalize_tuple(v, 2, f"entry {i} of {name}", allow_zero=True)
                 for i, v in enumerate(items))


class _Spatial(ShapeInferenceMixin, Layer):
    """Shared: rank, data format and the spatial axes."""

    rank = 2

    def __init__(self, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.built = True

    def _first_axis(self) -> int:
        return 1 if self.data_format == "channels_last" else 2

    def _map_spatial(self, input_shape: Any, fn: Any) -> tuple:
        shape = list(input_shape)
        check_ndim(self, tuple(shape), self.rank + 2)
        first = self._first_axis()
        for i in range(self.rank):
            if shape[first + i] is not None:
                shape[first + i] = fn(i, shape[first + i])
        return tuple(shape)


class UpSampling(_Spatial):
    """Repeat each step / pixel / voxel ``size`` times along each spatial axis (nearest)."""

    def __init__(self, size: Any = 2, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.size = normalize_tuple(size, self.rank, "size")

    def call(self, inputs: Any) -> Tensor:
        x = inputs
        for i, s in enumerate(self.size):
            if s != 1:
                x = ops.repeat(x, s, axis=self._first_axis() + i)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._map_spatial(input_shape, lambda i, n: n * self.size[i])

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(UpSampling):
    """Repeat each step ``size`` times: ``(batch, steps, c)`` → ``(batch, steps·size, c)``."""

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, "channels_last", **kwargs)
        self.size = int(size)

    def call(self, inputs: Any) -> Tensor:
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        check_ndim(self, shape, 3)
        return (shape[0], None if shape[1] is None else shape[1] * self.size, shape[2])

    def get_config(self) -> dict:
        config = Layer.get_config(self)
        config["size"] = self.size
        return config


class UpSampling2D(UpSampling):
    """Repeat rows and columns: ``size`` (default (2, 2)). ``interpolation``: ``"nearest"``
    (``"bilinear"`` and the others of ``keras.ops.image.resize``).
    """

    rank = 2

    def __init__(self, size: Any = (2, 2), data_format: Any = None,
                 interpolation: str = "nearest", **kwargs: Any) -> None:
        super().__init__(size, data_format, **kwargs)
        self.interpolation = interpolation

    def call(self, inputs: Any) -> Tensor:
        if self.interpolation == "nearest":
            return super().call(inputs)
        out = self.compute_output_shape(tuple(inputs.shape))
        first = self._first_axis()
        return ops.image.resize(inputs, out[first:first + 2], interpolation=self.interpolation,
                            data_format=self.data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(UpSampling):
    """Repeat along depth, height and width: ``size`` (default (2, 2, 2))."""

    rank = 3

    def __init__(self, size: Any = (2, 2, 2), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(size, data_format, **kwargs)


class ZeroPadding(_Spatial):
    """Add rows/columns of zeros: ``padding`` an int, one int per axis, or (before, after)
    pairs per axis.
    """

    def __init__(self, padding: Any = 1, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.padding = _pairs(padding, self.rank, "padding")

    def call(self, inputs: Any) -> Tensor:
        widths = [(0, 0)] * (self.rank + 2)
        for i, p in enumerate(self.padding):
            widths[self._first_axis() + i] = p
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._map_spatial(input_shape, lambda i, n: n + sum(self.padding[i]))

    def get_config(self) -> dict:
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding, "data_format": self.data_format}


class ZeroPadding1D(ZeroPadding):
    """Zeros before and after the steps of ``(batch, steps, channels)``."""

    rank = 1


class ZeroPadding2D(ZeroPadding):
    """Zeros around images: ``((top, bottom), (left, right))``."""

    rank = 2


class ZeroPadding3D(ZeroPadding):
    """Zeros around volumes."""

    rank = 3


class Cropping(_Spatial):
    """Remove ``cropping`` (an int, one int per axis, or (before, after) pairs) from the ends
    of each spatial axis.
    """

    def __init__(self, cropping: Any = 1, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(data_format, **kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping")

    def call(self, inputs: Any) -> Tensor:
        index = [slice(None)] * (self.rank + 2)
        for i, (b, a) in enumerate(self.cropping):
            n = inputs.shape[self._first_axis() + i]
            index[self._first_axis() + i] = slice(b, n - a)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        def crop(i: int, n: int) -> int:
            if sum(self.cropping[i]) >= n:
                raise ValueError(
                    "Values in `cropping` argument should be smaller than the corresponding "
                    f"spatial dimension of the input. Received: input_shape="
                    f"{tuple(input_shape)}, cropping={self.cropping}"
                )
            return n - sum(self.cropping[i])

        return self._map_spatial(input_shape, crop)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Cropping1D(Cropping):
    """Crop steps: ``cropping=(before, after)`` (default (1, 1))."""

    rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self) -> dict:
        return {**Layer.get_config(self), "cropping": self.cropping[0]}


class Cropping2D(Cropping):
    """Crop images: ``((top, bottom), (left, right))`` (default no cropping)."""

    rank = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(Cropping):
    """Crop volumes (default 1 on each side of each axis)."""

    rank = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(cropping, data_format, **kwargs)


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one keep/drop draw per (sample, channel)."""

    rank = 2

    def __init__(self, rate: float, data_format: Any = None, seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = normalize_data_format(data_format)

    def _mask_shape(self, inputs: Tensor) -> tuple:
        shape = tuple(inputs.shape)
        check_ndim(self, shape, self.rank + 2)
        if self.data_format == "channels_last":
            return (shape[0],) + (1,) * self.rank + (shape[-1],)
        return shape[:2] + (1,) * self.rank

    def compute_output_shape(self, input_shape: Any) -> Any:
        check_ndim(self, tuple(input_shape), self.rank + 2)
        return input_shape

    def get_config(self) -> dict:
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype,
                  "data_format": self.data_format}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole 2-D feature maps (channels) of ``(batch, h, w, c)`` in training."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole 3-D feature maps (channels) of ``(batch, d, h, w, c)`` in training."""

    rank = 3
