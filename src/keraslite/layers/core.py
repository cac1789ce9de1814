"""Core layers: ``Dense`` and ``Activation``."""

from __future__ import annotations

from typing import Any

from keraslite import activations, constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.layers.base import Layer
from keraslite.layers.kernels import ACTIVATIONS, ActivationKernel, DenseKernel
from keraslite.ops.nn import dense as fused_dense
from keraslite.ops.nn import fusable


class Dense(Layer):
    """A densely connected layer:  output = activation(inputs · kernel + bias).

    Applies to the last axis of the input; a ``(batch, d)`` input gives ``(batch, units)``.

    Args:
        units: the output size.
        activation: a name (``"relu"``, ``"sigmoid"``, ``"softmax"`` ...) or callable;
            ``None`` means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: defaults ``"glorot_uniform"`` and ``"zeros"``.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to the loss.
        kernel_constraint, bias_constraint: projections applied after each update.

    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            try:
                ok = int(units) == units and int(units) > 0
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ValueError(
                    "Received an invalid value for `units`, expected a positive integer (the "
                    f"number of outputs). Received: units={units!r}"
                )
            units = int(units)
        self.units = units
        self.activation = activations.get(activation)
        self._activation_name = activations.serialize(self.activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._fused = fusable(self._activation_name) and \
            self.activation is activations.ALL.get(self._activation_name)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        if not input_shape or input_shape[-1] is None:
            raise ValueError(
                f"Dense layer '{self.name}' needs to know the size of the last input axis. "
                f"Received: input_shape={input_shape}"
            )
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name="bias",
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected the "
                f"last axis of the input to have size {self.kernel.shape[0]}, but received an "
                f"input with shape {tuple(inputs.shape)}. Received: inputs.shape="
                f"{tuple(inputs.shape)}"
            )
        if self._fused:
            return fused_dense(inputs, self.kernel, self.bias, self._activation_name)
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)[:-1] + (self.units,)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for a fused activation (see :mod:`keraslite.layers.kernels`)."""
        if not self._fused or self._activation_name not in ACTIVATIONS:
            return None
        return DenseKernel(self)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self._activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize_or_none(self.kernel_regularizer),
            "bias_regularizer": _serialize_or_none(self.bias_regularizer),
            "kernel_constraint": _serialize_or_none(self.kernel_constraint),
            "bias_constraint": _serialize_or_none(self.bias_constraint),
        }


def _serialize_or_none(obj: Any) -> Any:
    if obj is None:
        return None
    return {"module": type(obj).__module__.replace("keraslite", "keras"),
            "class_name": type(obj).__name__,
            "config": obj.get_config() if hasattr(obj, "get_config") else {},
            "registered_name": None}


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: a name such as ``"relu"`` or a callable.

    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self._activation_name = activations.serialize(self.activation)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        return self.activation(inputs)

    def plan_kernel(self, training: bool) -> Any:
        """The engine's kernel for the activations it knows (see ``layers.kernels``)."""
        name = self._activation_name
        if name not in ACTIVATIONS or self.activation is not activations.ALL.get(name):
            return None
        return ActivationKernel(name)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": self._activation_name}
