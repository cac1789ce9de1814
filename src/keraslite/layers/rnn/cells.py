"""Recurrent cells: one time step of SimpleRNN, LSTM and GRU, written with plain ops.

A cell maps ``(inputs_t, states) -> (output_t, new_states)``; the generic :class:`RNN` layer
loops it over time on the tape. The built-in SimpleRNN/LSTM/GRU layers run the same math as
one fused op (:mod:`keraslite.ops.recurrent`) and fall back to these cells for what the op does
not cover (recurrent dropout in training, GRU ``reset_after=False``, other activations).
"""

from __future__ import annotations

from typing import Any

import numpy

from keraslite import activations, constraints, initializers, ops, regularizers
from keraslite.backend import global_rng, to_device, xp
from keraslite.layers.base import Layer
from keraslite.layers.core import _serialize_or_none
from keraslite.layers.graph_calls import _accepts


def _ser(obj: Any) -> Any:
    return _serialize_or_none(obj)


class DropoutRNNCell:
    """Dropout masks drawn once per sequence batch (the same mask at every time step)."""

    def _draw(self, rate: float, shape: tuple, dtype: Any) -> Any:
        rng = global_rng() if self.seed is None else self._own_rng()
        keep = 1.0 - rate
        mask = to_device(rng.random(shape, dtype="float32") < keep)  # host RNG -> device
        return mask.astype(dtype) / dtype.type(keep)

    def _own_rng(self) -> Any:
        if self.__dict__.get("_generator") is None:
            self.__dict__["_generator"] = numpy.random.default_rng(self.seed)
        return self.__dict__["_generator"]

    def get_dropout_mask(self, step_input: Any) -> Any:
        if not self.dropout:
            return None
        if self._dropout_mask is None:
            v = step_input.value
            self._dropout_mask = self._draw(self.dropout, v.shape, v.dtype)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state: Any) -> Any:
        if not self.recurrent_dropout:
            return None
        if self._recurrent_dropout_mask is None:
            v = state.value
            self._recurrent_dropout_mask = self._draw(self.recurrent_dropout, v.shape, v.dtype)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None


class _Cell(DropoutRNNCell, Layer):
    """Shared arguments of the built-in cells (Keras 3's names and defaults)."""

    _gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, xp.integer)) or units <= 0:
            raise ValueError(
                f"Received an invalid value for argument `units`, expected a positive integer. "
                f"Received: units={units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self._dropout_mask = None
        self._recurrent_dropout_mask = None
        self.state_size = self.units
        self.output_size = self.units

    def _build_kernels(self, input_dim: int, bias_shape: tuple, bias_init: Any) -> None:
        n = self._gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, n), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, n), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=bias_shape, name="bias", initializer=bias_init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def build(self, input_shape: Any) -> None:
        self._build_kernels(int(input_shape[-1]), (self._gates * self.units,),
                            self.bias_initializer)

    def _step_inputs(self, inputs: Any, h: Any, training: bool) -> tuple:
        if training and 0.0 < self.dropout < 1.0:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h = ops.multiply(h, self.get_recurrent_dropout_mask(h))
        return inputs, h

    def get_initial_state(self, batch_size: int) -> list:
        return [ops.zeros((batch_size, self.units), self.dtype)]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _ser(self.kernel_regularizer),
            "recurrent_regularizer": _ser(self.recurrent_regularizer),
            "bias_regularizer": _ser(self.bias_regularizer),
            "kernel_constraint": _ser(self.kernel_constraint),
            "recurrent_constraint": _ser(self.recurrent_constraint),
            "bias_constraint": _ser(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


class SimpleRNNCell(_Cell):
    """h_t = activation(x_t·W + b + h_{t-1}·U); output h_t, state [h_t]."""

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple:
        h = states[0] if isinstance(states, (list, tuple)) else states
        x, h = self._step_inputs(inputs, h, training)
        z = ops.matmul(x, self.kernel)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        out = self.activation(ops.add(z, ops.matmul(h, self.recurrent_kernel)))
        return out, [out] if isinstance(states, (list, tuple)) else out


class LSTMCell(_Cell):
    """One LSTM step (gates i, f, c, o):
    z = x_t·W + h_{t-1}·U + b;  c_t = σ(z_f) ⊙ c_{t-1} + σ(z_i) ⊙ act(z_c);
    h_t = σ(z_o) ⊙ act(c_t).  States [h, c]; ``unit_forget_bias`` starts b_f at 1.
    """

    _gates = 4

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def build(self, input_shape: Any) -> None:
        init = self.bias_initializer
        if self.unit_forget_bias:
            k, base = self.units, self.bias_initializer

            def init(shape, dtype=None):
                return xp.concatenate([xp.asarray(base((k,), dtype)),
                                       xp.ones((k,), dtype or "float32"),
                                       xp.asarray(base((2 * k,), dtype))]).astype(dtype)
        self._build_kernels(int(input_shape[-1]), (4 * self.units,), init)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple:
        h, c = states[0], states[1]
        x, h = self._step_inputs(inputs, h, training)
        z = ops.add(ops.matmul(x, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        k = self.units
        i = self.recurrent_activation(z[:, :k])
        f = self.recurrent_activation(z[:, k:2 * k])
        g = self.activation(z[:, 2 * k:3 * k])
        o = self.recurrent_activation(z[:, 3 * k:])
        c = ops.add(ops.multiply(f, c), ops.multiply(i, g))
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_initial_state(self, batch_size: int) -> list:
        return [ops.zeros((batch_size, self.units), self.dtype) for _ in range(2)]

    def get_config(self) -> dict:
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """One GRU step (gates z, r, h). With ``reset_after=True`` (Keras 3's default):
    ĥ = act(x_h + r ⊙ (h_{t-1}·U_h + b'_h)); else ĥ = act(x_h + (r ⊙ h_{t-1})·U_h);
    h_t = z ⊙ h_{t-1} + (1 - z) ⊙ ĥ. With ``reset_after`` the bias has shape (2, 3·units):
    input and recurrent biases.
    """

    _gates = 3

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", reset_after: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def build(self, input_shape: Any) -> None:
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._build_kernels(int(input_shape[-1]), shape, self.bias_initializer)

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple:
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        x, h = self._step_inputs(inputs, h_tm1, training)
        k = self.units
        xw = ops.matmul(x, self.kernel)
        if self.bias is not None:
            xw = ops.add(xw, self.bias[0] if self.reset_after else self.bias)
        if self.reset_after:
            rec = ops.matmul(h, self.recurrent_kernel)
            if self.bias is not None:
                rec = ops.add(rec, self.bias[1])
            z = self.recurrent_activation(ops.add(xw[:, :k], rec[:, :k]))
            r = self.recurrent_activation(ops.add(xw[:, k:2 * k], rec[:, k:2 * k]))
            hh = self.activation(ops.add(xw[:, 2 * k:], ops.multiply(r, rec[:, 2 * k:])))
        else:
            u = self.recurrent_kernel
            z = self.recurrent_activation(ops.add(xw[:, :k], ops.matmul(h, u[:, :k])))
            r = self.recurrent_activation(ops.add(xw[:, k:2 * k],
                                                  ops.matmul(h, u[:, k:2 * k])))
            hh = self.activation(ops.add(xw[:, 2 * k:], ops.matmul(ops.multiply(r, h),
                                                                  u[:, 2 * k:])))
        out = ops.add(ops.multiply(z, h), ops.multiply(ops.subtract(1.0, z), hh))
        return out, [out] if isinstance(states, (list, tuple)) else out

    def get_config(self) -> dict:
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of one cell into the next."""

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    "All cells must have a `call` method and a `state_size` attribute. "
                    f"Received: cell={cell!r}")
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        if size is None:
            size = last.state_size[0] if isinstance(last.state_size, (list, tuple)) else \
                last.state_size
        return size

    def get_initial_state(self, batch_size: int) -> list:
        out = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                state = fn(batch_size)
            else:
                sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else \
                    [cell.state_size]
                state = [ops.zeros((batch_size, s)) for s in sizes]
            out.append(state)
        return out

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            size = getattr(cell, "output_size", None) or (
                cell.state_size[0] if isinstance(cell.state_size, (list, tuple))
                else cell.state_size)
            shape = shape[:-1] + (size,)
        self.built = True

    def call(self, inputs: Any, states: Any, training: bool = False) -> tuple:
        new_states = []
        x = inputs
        for cell, state in zip(self.cells, states):
            wrapped = isinstance(state, (list, tuple))
            state = list(state) if wrapped else [state]
            kwargs = {"training": training} if _takes_training(cell) else {}
            x, new = cell.call(x, state, **kwargs)
            new_states.append(list(new) if isinstance(new, (list, tuple)) else [new])
        return x, new_states

    def get_config(self) -> dict:
        from keraslite.saving.serialization import serialize_keras_object

        return {**super().get_config(),
                "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> StackedRNNCells:
        from keraslite.saving.serialization import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects, kind="layers")
                 for c in config.pop("cells")]
        return cls(cells, **config)


def _takes_training(cell: Any) -> bool:
    return _accepts(type(cell))[0]
