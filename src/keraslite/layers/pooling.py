"""Pooling layers: ``MaxPooling1D/2D/3D``, ``AveragePooling1D/2D/3D`` and the global ones.

Arguments, defaults and configs follow ``keras/src/layers/pooling/``. ``GlobalAveragePooling1D``
accepts a ``mask`` (``(batch, steps)``, as an Embedding with ``mask_zero=True`` makes) and then
averages only the unmasked steps, as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.conv_kernels import GlobalAverageKernel, MaxPoolKernel
from keraslite.layers.shape_inference import ShapeInferenceMixin
from keraslite.ops.conv_utils import (
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    output_length,
)


def check_ndim(layer: Layer, input_shape: tuple, ndim: int) -> None:
    if len(input_shape) != ndim:
        raise ValueError(
            f"Input 0 of layer '{layer.name}' ({type(layer).__name__}) is incompatible with the "
            f"layer: expected ndim={ndim} (batch, {ndim - 2} spatial axes, channels), found "
            f"ndim={len(input_shape)}. Received: input_shape={tuple(input_shape)}"
        )


class Pooling(ShapeInferenceMixin, Layer):
    """Max or average pooling over windows of ``pool_size``.

    Args:
        pool_size: an int or one per spatial axis.
        strides: an int or one per spatial axis; default ``pool_size``.
        padding: ``"valid"`` or ``"same"`` (output size ⌈L / s⌉).
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``keras.config.image_data_format()``.

    """

    rank = 2
    _op = staticmethod(ops.max_pool)

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else \
            normalize_tuple(strides, self.rank, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.built = True

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for max pooling whose windows tile the input (stride = pool
        size, valid padding, channels last); else None (the tape).
        """
        if type(self)._op is not ops.max_pool or self.strides != self.pool_size or \
                self.padding != "valid" or self.data_format != "channels_last":
            return None
        return MaxPoolKernel(self)

    def call(self, inputs: Any) -> Tensor:
        return type(self)._op(inputs, self.pool_size, self.strides, self.padding,
                              self.data_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        check_ndim(self, shape, self.rank + 2)
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        out = tuple(output_length(n, k, s, 1, self.padding)
                    for n, k, s in zip(spatial, self.pool_size, self.strides))
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(
                f"Layer '{self.name}': pool_size {self.pool_size} is larger than the input's "
                f"spatial shape {spatial}; use padding='same' or a smaller pool_size. "
                f"Received: input_shape={shape}"
            )
        return (shape[0],) + out + (shape[-1],) if last else shape[:2] + out

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(Pooling):
    """Max over windows of ``pool_size`` steps (default 2). See Pooling."""

    rank = 1

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class MaxPooling2D(Pooling):
    """Max over ``pool_size`` windows (default (2, 2)) of images. See Pooling."""

    rank = 2

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class MaxPooling3D(Pooling):
    """Max over ``pool_size`` windows (default (2, 2, 2)) of volumes. See Pooling."""

    rank = 3

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None,
                 padding: str = "valid", data_format: Any = None, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling1D(Pooling):
    """Mean over windows of ``pool_size`` steps. See Pooling."""

    rank = 1
    _op = staticmethod(ops.average_pool)


class AveragePooling2D(Pooling):
    """Mean over ``pool_size`` windows of images. See Pooling."""

    rank = 2
    _op = staticmethod(ops.average_pool)


class AveragePooling3D(Pooling):
    """Mean over ``pool_size`` windows of volumes. See Pooling."""

    rank = 3
    _op = staticmethod(ops.average_pool)


class GlobalPooling(ShapeInferenceMixin, Layer):
    """Max or mean over all spatial axes.

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``keras.config.image_data_format()``.
        keepdims: keep the spatial axes with length 1 (``(batch, 1, ..., channels)``) instead
            of returning ``(batch, channels)``.

    """

    rank = 2
    _reduce = staticmethod(ops.max)

    def __init__(self, data_format: Any = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.keepdims = keepdims
        self.built = True

    def _axes(self) -> tuple:
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def call(self, inputs: Any) -> Tensor:
        return type(self)._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for a global average (see :mod:`.conv_kernels`), else None."""
        if type(self)._reduce is not ops.mean:
            return None
        return GlobalAverageKernel(self)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        check_ndim(self, shape, self.rank + 2)
        if self.data_format == "channels_last":
            return (shape[0],) + (1,) * self.rank + (shape[-1],) if self.keepdims \
                else (shape[0], shape[-1])
        return shape[:2] + (1,) * self.rank if self.keepdims else shape[:2]

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalMaxPooling1D(GlobalPooling):
    """Max over the steps of ``(batch, steps, channels)``. See GlobalPooling."""

    rank = 1


class GlobalMaxPooling2D(GlobalPooling):
    """Max over height and width. See GlobalPooling."""

    rank = 2


class GlobalMaxPooling3D(GlobalPooling):
    """Max over depth, height and width. See GlobalPooling."""

    rank = 3


class GlobalAveragePooling1D(GlobalPooling):
    """Mean over the steps of ``(batch, steps, channels)``; with a mask, over unmasked steps.

    With a ``(batch, steps)`` mask m: y[n, c] = Σ_t m[n, t] x[n, t, c] / Σ_t m[n, t].
    """

    rank = 1
    _reduce = staticmethod(ops.mean)

    def __init__(self, data_format: Any = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Tensor:
        if mask is None:
            return super().call(inputs)
        axis = self._axes()[0]
        keep = ops.expand_dims(ops.cast(mask, "bool"),
                               2 if self.data_format == "channels_last" else 1)
        weights = ops.cast(keep, inputs.dtype)
        total = ops.sum(ops.where(keep, inputs, 0), axis=axis, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(weights, axis=axis, keepdims=self.keepdims))

    def plan_kernel(self, training: bool) -> Any:
        """The kernel of the unmasked mean (the engine replays no graph that carries masks)."""
        return GlobalAverageKernel(self)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None


class GlobalAveragePooling2D(GlobalPooling):
    """Mean over height and width. See GlobalPooling."""

    rank = 2
    _reduce = staticmethod(ops.mean)


class GlobalAveragePooling3D(GlobalPooling):
    """Mean over depth, height and width. See GlobalPooling."""

    rank = 3
    _reduce = staticmethod(ops.mean)


# Keras' aliases.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D,
                                                     GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
