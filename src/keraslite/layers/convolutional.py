"""Convolution layers: ``Conv1D/2D/3D`` and ``Conv1DTranspose/2DTranspose/3DTranspose``.

Arguments, defaults, weights (``kernel`` of shape ``(*kernel_size, in_channels / groups,
filters)``, transposed ``(*kernel_size, filters, in_channels)``; ``bias`` ``(filters,)``) and
configs follow ``keras/src/layers/convolutional/``, so ``.keras`` files go both ways. A
convolution with a built-in activation (relu, sigmoid, tanh, softmax, linear) runs as one fused
op (:func:`keraslite.ops.conv.conv_bias_act`).
"""

from __future__ import annotations

from typing import Any

from keraslite import activations, constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.conv_kernels import ConvKernel
from keraslite.layers.shape_inference import ShapeInferenceMixin
from keraslite.ops.conv_utils import (
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    output_length,
    transpose_output_length,
)
from keraslite.ops.convolution import conv_bias_act
from keraslite.ops.nn import fusable


def positive_int(layer: str, name: str, value: Any) -> int:
    """``value`` as a positive int, or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}` of {layer}: expected a strictly positive "
            f"integer. Received: {name}={value!r}"
        )
    return value


def serialize_or_none(module: Any, obj: Any) -> Any:
    return None if obj is None else module.serialize(obj)


class ConvBase(ShapeInferenceMixin, Layer):
    """What every convolution layer shares: arguments, activation, bias and config."""

    rank = 2
    transpose = False

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Any = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        name = type(self).__name__
        for arg in ("lora_rank", "lora_alpha"):
            value = kwargs.pop(arg, None)
            if value is not None:
                raise NotImplementedError(
                    f"{name}: LoRA (`{arg}`) is not supported by keraslite's convolutions; "
                    f"leave it None. Received: {arg}={value!r}"
                )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = positive_int(name, "filters", filters) if filters is not None else None
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = normalize_padding(padding, allow_causal=self.rank == 1 and
                                         not self.transpose)
        self.data_format = normalize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{name}: `strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self._activation_name = activations.serialize(self.activation)
        self._fused_activation = self._activation_name if (
            fusable(self._activation_name) and
            self.activation is activations.ALL.get(self._activation_name)) else None
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _channels(self, input_shape: tuple) -> int:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Input 0 of layer '{self.name}' ({type(self).__name__}) is incompatible with "
                f"the layer: expected ndim={self.rank + 2} (batch, {self.rank} spatial axes, "
                f"channels), found ndim={len(input_shape)}. Received: "
                f"input_shape={input_shape}"
            )
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None:
            raise ValueError(
                f"Layer '{self.name}' needs to know the number of input channels (the "
                f"{'last' if self.data_format == 'channels_last' else 'second'} axis). "
                f"Received: input_shape={input_shape}"
            )
        return channels

    def _add_bias(self, size: int) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(size,), name="bias",
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _finish(self, x: Tensor) -> Tensor:
        """Add the bias (over the channel axis) and apply the activation."""
        if self.bias is not None:
            shape = (1,) * (self.rank + 1) + (-1,) if self.data_format == "channels_last" \
                else (1, -1) + (1,) * self.rank
            x = ops.add(x, ops.reshape(self.bias, shape))
        return self.activation(x)

    def _spatial(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[1:-1] if self.data_format == "channels_last"
                     else input_shape[2:])

    def _with_spatial(self, input_shape: tuple, spatial: tuple, channels: int) -> tuple:
        if self.data_format == "channels_last":
            return (input_shape[0],) + tuple(spatial) + (channels,)
        return (input_shape[0], channels) + tuple(spatial)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._channels(input_shape)
        spatial = tuple(output_length(n, k, s, d, self.padding) for n, k, s, d in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate))
        if any(o is not None and o <= 0 for o in spatial):
            raise ValueError(
                f"Layer '{self.name}': the output would be empty (kernel_size "
                f"{self.kernel_size}, dilation {self.dilation_rate} larger than the input). "
                f"Use padding='same' or a smaller kernel. Received: input_shape={input_shape}"
            )
        return self._with_spatial(input_shape, spatial, self._output_channels(input_shape))

    def _output_channels(self, input_shape: tuple) -> int:
        return self.filters

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": self._activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
            "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
            "activity_regularizer": serialize_or_none(regularizers, self.activity_regularizer),
            "kernel_constraint": serialize_or_none(constraints, self.kernel_constraint),
            "bias_constraint": serialize_or_none(constraints, self.bias_constraint),
        }


class Conv(ConvBase):
    """An N-D convolution layer:  output = activation(conv(inputs, kernel) + bias).

    Args:
        filters: the number of output channels.
        kernel_size: an int or one per spatial axis.
        strides: an int or one per spatial axis (default 1).
        padding: ``"valid"`` (no padding), ``"same"`` (output size ⌈L / s⌉) or, for Conv1D,
            ``"causal"`` (output t sees inputs ≤ t).
        data_format: ``"channels_last"`` ``(batch, *spatial, channels)`` or
            ``"channels_first"``; default ``keras.config.image_data_format()``.
        dilation_rate: spacing between kernel taps (strides and dilation cannot both be > 1).
        groups: split the input channels into this many groups, each convolved with
            ``filters / groups`` filters.
        activation, use_bias, kernel_initializer (``"glorot_uniform"``), bias_initializer
            (``"zeros"``), kernel/bias/activity regularizers, kernel/bias constraints: as
            ``Dense``.

    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Any = None, dilation_rate: Any = 1,
                 groups: int = 1, activation: Any = None, use_bias: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, **kwargs)
        self.groups = positive_int(type(self).__name__, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={self.groups}, filters={self.filters}"
            )

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of "
                f"groups. Received groups={self.groups}, but the input has {channels} "
                f"channels (full input shape is {tuple(input_shape)})."
            )
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels // self.groups, self.filters), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.built = True

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel (channels last, one group, a fused activation), else None."""
        if self._fused_activation is None or self.groups != 1 or \
                self.data_format != "channels_last":
            return None
        return ConvKernel(self)

    def call(self, inputs: Any) -> Tensor:
        args = (self.strides, self.padding, self.data_format, self.dilation_rate)
        if self._fused_activation is not None:
            return conv_bias_act(inputs, self.kernel, self.bias, self._fused_activation, *args)
        return self._finish(conv_bias_act(inputs, self.kernel, None, "linear", *args))

    def get_config(self) -> dict:
        config = super().get_config()
        out = {}
        for key, value in config.items():
            out[key] = value
            if key == "dilation_rate":
                out["groups"] = self.groups
        return out


class Conv1D(Conv):
    """1-D convolution over ``(batch, steps, channels)``: temporal signals, text. See Conv."""

    rank = 1


class Conv2D(Conv):
    """2-D convolution over ``(batch, height, width, channels)`` images. See Conv."""

    rank = 2


class Conv3D(Conv):
    """3-D convolution over ``(batch, depth, height, width, channels)`` volumes. See Conv."""

    rank = 3


class ConvTranspose(ConvBase):
    """A transposed convolution ("deconvolution") layer: the gradient of a convolution.

    Args:
        filters, kernel_size, strides, padding (``"valid"``/``"same"``), data_format,
            dilation_rate, activation, use_bias, initializers, regularizers, constraints:
            as :class:`Conv`.
        output_padding: an int or one per axis (each below its stride), the extra length
            added on one side of the output; None lets the padding decide.

    The output length is (L - 1) s + max(k_eff, s) for ``"valid"`` and L s for ``"same"``.
    """

    transpose = True

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", output_padding: Any = None, data_format: Any = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True)
        for i, (op, s) in enumerate(zip(self.output_padding or (), self.strides)):
            if op >= s:
                raise ValueError(
                    "Strides must be greater than output padding. At index "
                    f"{i}, `output_padding` is {op} and `strides` is {s}. Received: "
                    f"output_padding={self.output_padding}, strides={self.strides}"
                )

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, channels), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        x = ops.conv_transpose(inputs, self.kernel, self.strides, self.padding,
                               self.output_padding, self.data_format, self.dilation_rate)
        return self._finish(x)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        self._channels(input_shape)
        opad = self.output_padding or (None,) * self.rank
        spatial = tuple(transpose_output_length(n, k, s, d, self.padding, p)
                        for n, k, s, d, p in zip(self._spatial(input_shape), self.kernel_size,
                                                 self.strides, self.dilation_rate, opad))
        return self._with_spatial(input_shape, spatial, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        out = {}
        for key, value in config.items():
            out[key] = value
            if key == "padding":
                out["output_padding"] = self.output_padding
        return out


class Conv1DTranspose(ConvTranspose):
    """1-D transposed convolution. See ConvTranspose."""

    rank = 1


class Conv2DTranspose(ConvTranspose):
    """2-D transposed convolution (upsampling in decoders and GAN generators)."""

    rank = 2


class Conv3DTranspose(ConvTranspose):
    """3-D transposed convolution. See ConvTranspose."""

    rank = 3


# Keras' aliases: the same classes (files store the canonical class name).
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
