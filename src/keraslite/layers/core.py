"""Core layers: ``Dense`` and ``Activation``."""

from __future__ import annotations

from typing import Any

from keraslite import activations, constraints, initializers, ops, regularizers
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import xp
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

    saved_variable_names = ("kernel", "bias")  # Keras 3 saves these, not a subclass's extras

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
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
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

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
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def enable_lora(self, rank: int, lora_alpha: float | None = None,
                    a_initializer: Any = "he_uniform", b_initializer: Any = "zeros") -> None:
        """Freeze the kernel and learn a low-rank update instead (LoRA).

        The layer then computes with ``kernel + (lora_alpha / rank) · A B``, where ``A`` is
        ``(input_dim, rank)`` and ``B`` is ``(rank, units)``; only ``A``, ``B`` and the bias
        train. Saving writes the merged kernel, as Keras 3 does.
        """
        if self.kernel_constraint:
            raise ValueError("Lora is incompatible with kernel constraints. In order to enable "
                             "lora on this layer, remove the `kernel_constraint` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        self.lora_kernel_a = self.add_weight(
            shape=(self.kernel.shape[0], rank), name="lora_kernel_a",
            initializer=a_initializer, regularizer=self.kernel_regularizer)
        self.lora_kernel_b = self.add_weight(
            shape=(rank, self.units), name="lora_kernel_b", initializer=b_initializer,
            regularizer=self.kernel_regularizer)
        self.kernel.trainable = False
        self._fused = False  # the kernel is a sum now: the fused dense op does not apply
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def saved_variables(self) -> list:
        """Keras 3's kernel and bias; with LoRA the kernel is saved merged with ``A B``."""
        saved = super().saved_variables()
        if self.lora_enabled:
            saved[0] = _MergedLoraKernel(self)
        return saved

    def call(self, inputs: Any) -> Tensor:
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected the "
                f"last axis of the input to have size {self.kernel.shape[0]}, but received an "
                f"input with shape {tuple(inputs.shape)}. Received: inputs.shape="
                f"{tuple(inputs.shape)}"
            )
        kernel = self.kernel
        if self.lora_enabled:
            update = ops.matmul(self.lora_kernel_a, self.lora_kernel_b)
            kernel = ops.add(kernel, ops.multiply(update, self.lora_alpha / self.lora_rank))
        elif self._fused:
            return fused_dense(inputs, kernel, self.bias, self._activation_name)
        x = ops.matmul(inputs, kernel)
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
            **({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
               if self.lora_rank else {}),
        }


class _MergedLoraKernel:
    """The kernel as saved under LoRA: ``kernel + (alpha / rank) · A B``.

    Loading assigns it to the kernel and zeroes ``B``, so the layer computes the same.
    """

    def __init__(self, layer: Dense) -> None:
        self.layer = layer
        self.covers = (layer.kernel, layer.lora_kernel_a, layer.lora_kernel_b)
        self.name, self.path, self.shape = "kernel", layer.kernel.path, layer.kernel.shape

    @property
    def value(self) -> Any:
        layer = self.layer
        scale = layer.lora_alpha / layer.lora_rank
        return layer.kernel.value + scale * (layer.lora_kernel_a.value @ layer.lora_kernel_b.value)

    def assign(self, value: Any) -> None:
        self.layer.kernel.assign(value)
        self.layer.lora_kernel_b.assign(xp.zeros(self.layer.lora_kernel_b.shape,
                                                 self.layer.lora_kernel_b.dtype))


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
        self.supports_masking = True
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
