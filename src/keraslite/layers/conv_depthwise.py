"""Depthwise and separable convolutions: ``DepthwiseConv1D/2D``, ``SeparableConv1D/2D``.

A depthwise convolution filters each input channel on its own with ``depth_multiplier``
kernels (``kernel`` of shape ``(*kernel_size, channels, depth_multiplier)``); a separable one
follows it with a 1×1 convolution mixing the channels (``depthwise_kernel``,
``pointwise_kernel`` ``(1, ..., channels · depth_multiplier, filters)``). Arguments, weights and
configs follow ``keras/src/layers/convolutional/``.
"""

from __future__ import annotations

from typing import Any

from keraslite import constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.convolutional import ConvBase, positive_int, serialize_or_none
from keraslite.ops.convolution import conv_bias_act


class DepthwiseConv(ConvBase):
    """Depthwise convolution: channel c gets its own ``depth_multiplier`` filters.

    Output channel c m + j = Σ_t x[o s + t d, c] kernel[t, c, j]  (+ bias).

    Args:
        kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias:
            as :class:`~keraslite.layers.Conv2D`.
        depth_multiplier: the number of filters per input channel.
        depthwise_initializer (``"glorot_uniform"``), bias_initializer,
            depthwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, bias_constraint: for the depthwise kernel and the bias.

    """

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 depth_multiplier: int = 1, data_format: Any = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = positive_int(type(self).__name__, "depth_multiplier",
                                             depth_multiplier)

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def _output_channels(self, input_shape: tuple) -> int:
        return self._channels(input_shape) * self.depth_multiplier

    def call(self, inputs: Any) -> Tensor:
        w = self.kernel
        view = tuple(w.shape[:-2]) + (1, w.shape[-2] * w.shape[-1])
        args = (self.strides, self.padding, self.data_format, self.dilation_rate, view)
        if self._fused_activation is not None:
            return conv_bias_act(inputs, w, self.bias, self._fused_activation, *args)
        return self._finish(conv_bias_act(inputs, w, None, "linear", *args))

    def get_config(self) -> dict:
        base = super().get_config()
        config = {k: base[k] for k in ("name", "trainable", "dtype")}
        if "batch_input_shape" in base:
            config["batch_input_shape"] = base["batch_input_shape"]
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": self._activation_name,
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
            "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
            "activity_regularizer": serialize_or_none(regularizers, self.activity_regularizer),
            "depthwise_constraint": serialize_or_none(constraints, self.kernel_constraint),
            "bias_constraint": serialize_or_none(constraints, self.bias_constraint),
        })
        return config


class DepthwiseConv1D(DepthwiseConv):
    """1-D depthwise convolution. See DepthwiseConv."""

    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    """2-D depthwise convolution (MobileNet's building block). See DepthwiseConv."""

    rank = 2


class SeparableConv(ConvBase):
    """Depthwise separable convolution: a depthwise convolution, then a pointwise (1×1) one.

    Args:
        filters: the number of output channels of the pointwise convolution.
        kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier,
            activation, use_bias: as :class:`DepthwiseConv`.
        depthwise_* / pointwise_* initializer, regularizer, constraint: for the two kernels;
            bias_*: for the bias ``(filters,)``.

    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Any = None, dilation_rate: Any = 1,
                 depth_multiplier: int = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = positive_int(type(self).__name__, "depth_multiplier",
                                             depth_multiplier)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            name="depthwise_kernel", initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            name="pointwise_kernel", initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        x = ops.depthwise_conv(inputs, self.depthwise_kernel, self.strides, self.padding,
                               self.data_format, self.dilation_rate)
        args = (1, "valid", self.data_format, 1)
        if self._fused_activation is not None:
            return conv_bias_act(x, self.pointwise_kernel, self.bias, self._fused_activation,
                                 *args)
        return self._finish(conv_bias_act(x, self.pointwise_kernel, None, "linear", *args))

    def get_config(self) -> dict:
        base = super().get_config()
        config = {k: base[k] for k in ("name", "trainable", "dtype")}
        if "batch_input_shape" in base:
            config["batch_input_shape"] = base["batch_input_shape"]
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": self._activation_name,
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
            "pointwise_regularizer": serialize_or_none(regularizers,
                                                       self.pointwise_regularizer),
            "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
            "activity_regularizer": serialize_or_none(regularizers, self.activity_regularizer),
            "depthwise_constraint": serialize_or_none(constraints, self.kernel_constraint),
            "pointwise_constraint": serialize_or_none(constraints, self.pointwise_constraint),
            "bias_constraint": serialize_or_none(constraints, self.bias_constraint),
        })
        return config


class SeparableConv1D(SeparableConv):
    """1-D depthwise separable convolution. See SeparableConv."""

    rank = 1


class SeparableConv2D(SeparableConv):
    """2-D depthwise separable convolution (Xception's building block). See SeparableConv."""

    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
