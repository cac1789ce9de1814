"""Wrappers: ``Bidirectional`` (an RNN run both ways) and ``TimeDistributed`` (a layer per step)."""

from __future__ import annotations

from typing import Any

from keraslite import ops
from keraslite.layers.base import Layer
from keraslite.layers.graph_calls import _accepts
from keraslite.layers.rnn.base import RNN
from keraslite.layers.symbolic import KerasTensor

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _copy_layer(layer: Layer, **changes: Any) -> Layer:
    from keraslite.saving.serialization import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(layer)
    config["config"].update(changes)
    return deserialize_keras_object(config, kind="layers")


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy backwards, and merges their outputs.

    With forward outputs y_f and backward outputs y_b (re-reversed to the input's time
    order when ``return_sequences``), the output is ``[y_f, y_b]`` concatenated on the last
    axis (``"concat"``), y_f + y_b (``"sum"``), y_f ⊙ y_b (``"mul"``), (y_f + y_b) / 2
    (``"ave"``) or the pair ``[y_f, y_b]`` (``None``).

    Args:
        layer: an RNN (``LSTM(64)``, ``GRU``, ``SimpleRNN`` or ``RNN(cell)``).
        merge_mode: one of "concat" (default), "sum", "mul", "ave", None.
        backward_layer: the layer to run backwards (``go_backwards=True``); default: a copy
            of ``layer`` with ``go_backwards`` flipped.
        weights: initial weights (forward layer's, then backward layer's).

    """

    def __init__(self, layer: Any, merge_mode: Any = "concat", weights: Any = None,
                 backward_layer: Any = None, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance "
                f"such as LSTM(64). Received: {layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Merge mode should be one of {_MERGE_MODES}. "
                f"Received: merge_mode={merge_mode!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` must be a `keras.layers.Layer` instance. "
                f"Received: backward_layer={backward_layer!r}")
        super().__init__(**kwargs)
        base = layer.name.removeprefix("forward_")
        self.forward_layer = _copy_layer(layer, name="forward_" + base)
        if backward_layer is None:
            base = layer.name.removeprefix("backward_")
            self.backward_layer = _copy_layer(layer, name="backward_" + base,
                                              go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        for attr in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attr) != getattr(self.backward_layer, attr):
                raise ValueError(
                    f"Forward layer and backward layer should have the same `{attr}`. "
                    f"Received: forward {getattr(self.forward_layer, attr)}, backward "
                    f"{getattr(self.backward_layer, attr)}")
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        for sub in (self.forward_layer, self.backward_layer):
            if isinstance(sub, RNN):
                sub.zero_output_for_mask = sub.return_sequences
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, sequences_shape: Any = None, initial_state_shape: Any = None) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build(tuple(sequences_shape))
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        out = [out, out] if self.merge_mode is None else out
        if self.return_state:
            n = len(self.forward_layer.state_size) + len(self.backward_layer.state_size)
            return (out if isinstance(out, list) else [out]) + [None] * n
        return out

    def compute_output_spec(self, sequences: Any, *args: Any, **kwargs: Any) -> Any:
        f = self.forward_layer.compute_output_spec(sequences)
        b = self.backward_layer.compute_output_spec(sequences)
        fo, fs = (f[0], list(f[1:])) if self.return_state else (f, [])
        bo, bs = (b[0], list(b[1:])) if self.return_state else (b, [])
        if self.merge_mode == "concat":
            out = KerasTensor(fo.shape[:-1] + (fo.shape[-1] + bo.shape[-1],), fo.dtype)
        elif self.merge_mode is None:
            out = (fo, bo)
        else:
            out = KerasTensor(fo.shape, fo.dtype)
        if not self.return_state:
            return out
        return (*out, *fs, *bs) if self.merge_mode is None else (out, *fs, *bs)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool = False) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        kwargs = {"training": training, "mask": mask}
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.divide(ops.add(y, y_rev), 2.0)
        elif self.merge_mode == "mul":
            output = ops.multiply(y, y_rev)
        else:
            output = (y, y_rev)
        if self.return_state:
            return output + states if self.merge_mode is None else (output,) + states
        return output

    def reset_states(self, states: Any = None) -> None:
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self) -> dict:
        from keraslite.saving.serialization import serialize_keras_object

        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Bidirectional:
        from keraslite.saving.serialization import deserialize_keras_object

        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"],
                                                   custom_objects=custom_objects, kind="layers")
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_keras_object(backward, custom_objects=custom_objects,
                                                kind="layers")
        return cls(backward_layer=backward, **config)


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step:  output[:, t] = layer(inputs[:, t]).

    The steps run as one call on the batch and time axes merged, (batch·time, ...), which is
    the same for layers that treat samples independently (Dense, Conv, Dropout ...).

    Args:
        layer: the layer to apply, e.g. ``Dense(10)``.

    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions (batch, time, ...). Received: input_shape={shape}")
        return (shape[0],) + shape[2:]

    def build(self, input_shape: Any) -> None:
        if not self.layer.built:
            self.layer._maybe_build(self._child_shape(input_shape))
        self.built = True

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        child = KerasTensor(self._child_shape(inputs.shape), inputs.dtype)
        out = self.layer.compute_output_spec(child)
        return KerasTensor((inputs.shape[0], inputs.shape[1]) + tuple(out.shape[1:]), out.dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self.compute_output_spec(KerasTensor(tuple(input_shape))).shape

    def call(self, inputs: Any, training: bool = False, mask: Any = None) -> Any:
        n, steps = inputs.shape[0], inputs.shape[1]
        flat = ops.reshape(inputs, (n * steps,) + tuple(inputs.shape[2:]))
        kwargs = {"training": training}
        if mask is not None:
            if _accepts(type(self.layer))[1]:
                kwargs["mask"] = ops.reshape(mask, (n * steps,) + tuple(mask.shape[2:]))
        out = self.layer(flat, **kwargs)
        return ops.reshape(out, (n, steps) + tuple(out.shape[1:]))

    def get_config(self) -> dict:
        from keraslite.saving.serialization import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> TimeDistributed:
        from keraslite.saving.serialization import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects,
                                         kind="layers")
        return cls(layer, **config)
