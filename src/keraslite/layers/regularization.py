"""Noise layers, active only in training: ``Dropout``, ``SpatialDropout1D``, ``AlphaDropout``,
``GaussianNoise`` and ``GaussianDropout``.

Each draws its noise as a constant array and combines it with the input through
:mod:`keraslite.ops`, so gradients flow through the kept units. At inference (``predict``,
``evaluate``, or a call with ``training=False``) each returns its input unchanged. Noise comes
from the global generator (:func:`keraslite.utils.set_random_seed` makes it repeatable), or
from a generator of the layer's own when it is given a ``seed``. Arguments, defaults,
validation and configs follow ``keras/src/layers/regularization/``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from keraslite import ops
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import global_rng, to_device, xp
from keraslite.layers.base import Layer
from keraslite.layers.kernels import DropoutKernel
from keraslite.layers.shape_inference import ShapeInferenceMixin

# SELU's constants: AlphaDropout sets dropped units to SELU's negative saturation value.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _check_fraction(layer: str, name: str, value: Any) -> None:
    try:
        ok = 0 <= value <= 1
    except TypeError:
        ok = False
    if not ok or isinstance(value, bool):
        raise ValueError(
            f"Invalid value received for argument `{name}` of {layer}: expected a float value "
            f"between 0 and 1 (the fraction of units to drop; 0.2 to 0.5 are usual). "
            f"Received: {name}={value!r}"
        )


def _check_noise_shape(noise_shape: Any) -> tuple | None:
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str):
        raise ValueError(
            "Invalid value received for argument `noise_shape`: expected a tuple or list of "
            f"integers. Received: noise_shape={noise_shape!r}"
        )
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(
            "Invalid value received for argument `noise_shape`: expected an iterable of "
            f"integers (e.g. a tuple or list). Received: noise_shape={noise_shape!r}"
        ) from None
    for i, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if isinstance(dim, bool) or not isinstance(dim, (int, xp.integer)):
            raise ValueError(
                "Invalid value received for argument `noise_shape`: expected all elements to "
                f"be integers or None. Received element at index {i}: {dim!r} "
                f"(type: {type(dim).__name__})"
            )
        if dim <= 0:
            raise ValueError(
                "Invalid value received for argument `noise_shape`: expected all dimensions to "
                f"be positive integers or None. Received: {dim} at index {i}"
            )
    return tuple(None if d is None else int(d) for d in noise_shape)


class _NoiseLayer(ShapeInferenceMixin, Layer):
    """Shared parts of the noise layers: the random generator, shapes and dtypes."""

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self._generator = None
        self.supports_masking = True
        self.built = True

    def _rng(self) -> Any:
        """The global generator, or this layer's own one when it was given a ``seed``."""
        if self.seed is None:
            return global_rng()
        if self._generator is None:
            self._generator = numpy.random.default_rng(self.seed)  # host RNG
        return self._generator

    def _uniform(self, shape: tuple) -> Any:
        return to_device(self._rng().random(shape, dtype="float32"))

    def _normal(self, shape: tuple, dtype: Any) -> Any:
        dtype = dtype if dtype in (xp.float32, xp.float64) else xp.float64
        return to_device(self._rng().standard_normal(shape, dtype=dtype))

    @staticmethod
    def _float_dtype(inputs: Tensor) -> Any:
        return inputs.dtype if inputs.dtype.kind == "f" else xp.dtype("float32")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class Dropout(_NoiseLayer):
    """Randomly sets a fraction ``rate`` of the input units to 0 during training.

    Kept units are scaled by ``1 / (1 - rate)`` so that the expected sum is unchanged. Only
    active in training (``fit``, or a call with ``training=True``); at inference the input
    passes through unchanged. ``trainable`` has no effect: the layer has no weights.

    Args:
        rate: float between 0 and 1, the fraction of the input units to drop.
        noise_shape: the shape of the binary mask, broadcast against the input; ``None``
            entries take the input's size. For inputs ``(batch, timesteps, features)``,
            ``noise_shape=(None, 1, None)`` drops the same features at every timestep.
        seed: an integer seed for a generator of the layer's own (default: the global one).
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> layer = keraslite.layers.Dropout(0.5)
        >>> layer(numpy.ones((1, 4)), training=True)  # about half are 0, the others 2.0

    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        _check_fraction(type(self).__name__, "rate", rate)
        self.rate = rate
        self.noise_shape = _check_noise_shape(noise_shape)

    def _mask_shape(self, inputs: Tensor) -> tuple:
        shape = tuple(inputs.shape)
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"The `noise_shape` of layer '{self.name}' must have one entry per input axis "
                f"(use None to take the input's size); expected {len(shape)} entries for an "
                f"input of shape {shape}. Received: noise_shape={self.noise_shape}"
            )
        out = tuple(n if d is None else d for d, n in zip(self.noise_shape, shape))
        for d, n in zip(out, shape):
            if d not in (1, n):
                raise ValueError(
                    f"The `noise_shape` of layer '{self.name}' must broadcast to the input: "
                    f"each entry must be None, 1 or the input's size. Input shape: {shape}. "
                    f"Received: noise_shape={self.noise_shape}"
                )
        return out

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        shape = self._mask_shape(inputs)
        dtype = self._float_dtype(inputs)
        if self.rate >= 1:
            return ops.multiply(inputs, xp.zeros(shape, dtype))
        keep = 1.0 - self.rate
        scale = (self._uniform(shape) < keep).astype(dtype) * dtype.type(1.0 / keep)
        return ops.multiply(inputs, scale)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for an element-wise mask (see ``layers.kernels``)."""
        if self.noise_shape is not None or type(self)._mask_shape is not Dropout._mask_shape \
                or self.rate >= 1:
            return None
        return DropoutKernel(self)


class SpatialDropout1D(Dropout):
    """Dropout of whole 1D feature maps: drops channels for all timesteps at once.

    For inputs ``(batch, timesteps, channels)`` the mask has shape ``(batch, 1, channels)``.
    Use it after convolutions or embeddings, where neighbouring timesteps are strongly
    correlated and element-wise dropout regularizes little. Only active in training.

    Args:
        rate: float between 0 and 1, the fraction of channels to drop.
        seed: an integer seed for a generator of the layer's own (default: the global one).
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)

    def _check_rank(self, shape: tuple) -> None:
        if len(shape) != 3:
            raise ValueError(
                f"Input 0 of layer '{self.name}' (SpatialDropout1D) is incompatible with the "
                f"layer: expected ndim=3, (batch, timesteps, channels), found ndim={len(shape)}. "
                f"For 2D inputs use Dropout. Received: input_shape={shape}"
            )

    def _mask_shape(self, inputs: Tensor) -> tuple:
        self._check_rank(tuple(inputs.shape))
        return (inputs.shape[0], 1, inputs.shape[2])

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_rank(tuple(input_shape))
        return input_shape

    def get_config(self) -> dict:
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        return config


class AlphaDropout(Dropout):
    """Dropout that keeps the mean and variance of its inputs, for SELU networks.

    Dropped units are set to SELU's negative saturation value α' = -scale·alpha, then the
    result is transformed affinely, a·x + b with a = ((1 - rate)(1 + rate·α'²))^(-1/2) and
    b = -a·α'·rate, so that standardized inputs stay standardized (self-normalizing networks).
    Only active in training.

    Args:
        rate: float between 0 and 1, the fraction of units to drop.
        noise_shape: the shape of the mask, as for :class:`Dropout`.
        seed: an integer seed for a generator of the layer's own (default: the global one).
        **kwargs: base layer arguments.

    """

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        shape = self._mask_shape(inputs)
        dtype = self._float_dtype(inputs)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        kept = (self._uniform(shape) >= self.rate).astype(dtype)
        # a·(x·kept + α'·(1 - kept)) + b, as one multiply and one add
        return ops.add(ops.multiply(inputs, a * kept), (a * alpha_p * (1 - kept) + b).astype(dtype))


class GaussianNoise(_NoiseLayer):
    """Adds zero-centered Gaussian noise of standard deviation ``stddev`` during training.

    A form of data augmentation for real-valued inputs; only active in training.

    Args:
        stddev: float between 0 and 1, the standard deviation of the noise.
        seed: an integer seed for a generator of the layer's own (default: the global one).
        **kwargs: base layer arguments.

    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        _check_fraction(type(self).__name__, "stddev", stddev)
        self.stddev = stddev

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training or self.stddev == 0:
            return inputs
        dtype = self._float_dtype(inputs)
        noise = self._normal(tuple(inputs.shape), dtype) * self.stddev
        return ops.add(inputs, noise.astype(dtype, copy=False))

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_NoiseLayer):
    """Multiplies the input by 1-centered Gaussian noise during training.

    The noise has standard deviation sqrt(rate / (1 - rate)), matching the variance of
    :class:`Dropout` with the same ``rate``. Only active in training.

    Args:
        rate: float between 0 and 1 (1 excluded at training time), as for Dropout.
        seed: an integer seed for a generator of the layer's own (default: the global one).
        **kwargs: base layer arguments.

    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        _check_fraction(type(self).__name__, "rate", rate)
        self.rate = rate

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            raise ValueError(
                f"GaussianDropout layer '{self.name}' cannot train with rate=1: its noise "
                "would have infinite standard deviation sqrt(rate / (1 - rate)). Use a rate "
                f"below 1. Received: rate={self.rate}"
            )
        dtype = self._float_dtype(inputs)
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = self._normal(tuple(inputs.shape), dtype) * stddev + 1.0
        return ops.multiply(inputs, noise.astype(dtype, copy=False))

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
