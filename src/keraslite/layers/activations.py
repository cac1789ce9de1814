"""Activation layers: ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU`` and ``Softmax``.

Each composes :mod:`keraslite.activations` / :mod:`keraslite.ops`; only ``PReLU`` has a weight.
Arguments, defaults, validation and configs follow ``keras/src/layers/activations/``.
"""

from __future__ import annotations

from typing import Any

from keraslite import activations, constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.kernels import ActivationKernel, LeakyReluKernel
from keraslite.naming import deprecated


def _non_negative(layer: str, name: str, value: Any) -> None:
    if value is None or value < 0:
        raise ValueError(
            f"{name} of a {layer} layer cannot be None or a negative value; expected a float "
            f">= 0. Received: {name}={value!r}"
        )


class ReLU(Layer):
    """Rectified linear unit layer.

    f(x) = max_value for x >= max_value, x for threshold <= x < max_value,
    negative_slope · (x - threshold) otherwise (see :func:`keraslite.activations.relu`).

    Args:
        max_value: float >= 0, the largest output; ``None`` means unbounded.
        negative_slope: float >= 0, the slope below the threshold.
        threshold: float >= 0, the threshold of the thresholded activation.
        **kwargs: base layer arguments (``name``, ``dtype``, ...).

    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value; use None for no cap. "
                f"Received: max_value={max_value}"
            )
        _non_negative("ReLU", "negative_slope", negative_slope)
        _non_negative("ReLU", "threshold", threshold)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for the plain max(x, 0) (see ``layers.kernels``)."""
        if self.max_value is not None or self.threshold or self.negative_slope:
            return None
        return ActivationKernel("relu")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """Leaky rectified linear unit layer: f(x) = x for x >= 0, negative_slope · x below.

    Args:
        negative_slope: float >= 0, the slope below zero (0.3 here, 0.2 for the activation
            function ``leaky_relu``, as in Keras). The Keras 2 name ``alpha`` is accepted with
            a deprecation note.
        **kwargs: base layer arguments.

    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            deprecated(
                "Argument `alpha` of LeakyReLU is the Keras 2 name; use `negative_slope` instead. "
                f"Received: alpha={negative_slope}"
            )
        super().__init__(**kwargs)
        _non_negative("LeakyReLU", "negative_slope", negative_slope)
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel (see :mod:`keraslite.layers.kernels`)."""
        return LeakyReluKernel(self.negative_slope)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Parametric ReLU: f(x) = x for x >= 0, alpha ⊙ x below, with a learned ``alpha``.

    Computed as relu(x) - alpha ⊙ relu(-x); ``alpha`` has the shape of one sample, with size 1
    along ``shared_axes``.

    Args:
        alpha_initializer: initializer of ``alpha`` (default ``"Zeros"``).
        alpha_regularizer: a penalty on ``alpha``, added to the loss.
        alpha_constraint: a projection applied to ``alpha`` after each update.
        shared_axes: the input axes (counting the batch axis as 0) along which one ``alpha`` is
            shared; e.g. ``[1, 2]`` for one slope per channel of ``(batch, h, w, channels)``.
        **kwargs: base layer arguments.

    """

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        param_shape = list(input_shape[1:])
        for i in self.shared_axes or ():
            if not 1 <= i < len(input_shape):
                raise ValueError(
                    f"shared_axes of PReLU layer '{self.name}' must be input axes between 1 and "
                    f"{len(input_shape) - 1} (axis 0 is the batch). Received: "
                    f"shared_axes={self.shared_axes} for input shape {input_shape}"
                )
            param_shape[i - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                f"PReLU layer '{self.name}' needs known sizes for the axes it does not share. "
                f"Received: input_shape={input_shape}, shared_axes={self.shared_axes}"
            )
        self.alpha = self.add_weight(shape=tuple(param_shape), name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        negative = ops.multiply(self.alpha, ops.relu(ops.negative(inputs)))
        return ops.subtract(ops.relu(inputs), negative)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(Layer):
    """Exponential linear unit layer: f(x) = x for x > 0, alpha (eˣ - 1) below.

    Args:
        alpha: the scale of the negative part (default 1.0).
        **kwargs: base layer arguments.

    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax layer: f(x)_i = e^x_i / Σ_j e^x_j along ``axis``.

    Args:
        axis: an axis, or a list of axes normalized together (then f = exp(x - logsumexp(x))).
        **kwargs: base layer arguments.

    Call arguments:
        inputs: the logits.
        mask: optional, broadcastable to ``inputs``; 1 (True) keeps an entry, 0 masks it out
            (its output is 0 and the others are normalized without it).

    """

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Tensor:
        keep = None
        if mask is not None:
            keep = ops.convert_to_numpy(mask)
            if keep.ndim > inputs.ndim or any(
                    m != 1 and m != i for m, i in zip(keep.shape[::-1], inputs.shape[::-1])):
                raise ValueError(
                    "The `mask` of a Softmax layer must be broadcastable to `inputs` (each axis "
                    "of size 1 or equal to the input's). Received: "
                    f"inputs.shape={tuple(inputs.shape)}, mask.shape={keep.shape}"
                )
            keep = keep.astype(bool) if keep.dtype.kind == "b" else keep > 0.5
            inputs = ops.where(keep, inputs, -1e9)
        axis = self.axis
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, (list, tuple)):
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=tuple(axis),
                                                                 keepdims=True)))
        else:
            outputs = activations.softmax(inputs, axis=axis)
        if keep is not None:
            outputs = ops.where(keep, outputs, 0.0)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
