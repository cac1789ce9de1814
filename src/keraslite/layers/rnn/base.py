"""The generic ``RNN`` layer: a cell looped over the time axis, with masks, states and options.

For inputs ``x`` of shape ``(batch, time, features)`` the layer runs
``output_t, states = cell(x_t, states)`` for t = 1..T (T..1 with ``go_backwards``). A mask
(from ``Embedding(mask_zero=True)``, ``Masking`` or ``mask=``) keeps the previous states and
output at masked steps (zeros instead for the output with ``zero_output_for_mask``).

The built-in SimpleRNN, LSTM and GRU override :meth:`RNN._fused` to run the whole sequence as
one op (:mod:`keraslite.ops.recurrent`); a custom cell runs step by step on the tape.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from keraslite import ops
from keraslite.autodiff.tensor import Tensor, Variable
from keraslite.backend import xp
from keraslite.layers.base import Layer
from keraslite.layers.graph_calls import _accepts
from keraslite.layers.rnn.cells import StackedRNNCells
from keraslite.layers.symbolic import KerasTensor, flatten
from keraslite.ops.core import value_of

_PROBE = [False]


@contextmanager
def probe_calls() -> Any:
    """Calls inside run stateful RNNs from zero states and leave their carried states alone
    (the engine's one-sample probes that resolve losses and shapes before training).
    """
    saved = _PROBE[0]
    _PROBE[0] = True
    try:
        yield
    finally:
        _PROBE[0] = saved


def _as_list(states: Any) -> list:
    if states is None:
        return []
    return list(states) if isinstance(states, (list, tuple)) else [states]


class RNN(Layer):
    """Base class for recurrent layers; also the layer that runs a custom cell.

    Args:
        cell: an object with ``call(inputs, states) -> (output, new_states)`` and
            ``state_size`` (an int or a list of ints), such as ``LSTMCell(32)``; a list of
            cells is stacked (:class:`StackedRNNCells`).
        return_sequences: return the output of every step, shape (batch, time, units),
            instead of the last one, shape (batch, units).
        return_state: also return the final states: ``output, *states``.
        go_backwards: process the sequence from the last step to the first (the outputs
            come in processing order).
        stateful: carry the final states of a batch over as the initial states of the next
            (sample i of a batch continues sample i of the previous one); clear them with
            :meth:`reset_states`. The batch size must stay fixed.
        unroll: accepted for compatibility; the loop is never symbolic here.
        zero_output_for_mask: output zeros (instead of the previous output) at masked steps.

    Call arguments:
        sequences: the inputs, (batch, time, features).
        initial_state: a list of initial state tensors (default zeros).
        mask: booleans (batch, time); True keeps a step.
        training: enables dropout.

    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                "Argument `cell` should have a `call` method and a `state_size` attribute "
                f"(one integer per state). Received: cell={cell!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self._states: list | None = None

    # -- states ----------------------------------------------------------------------------
    @property
    def state_size(self) -> list:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def states(self) -> list | None:
        """The carried states of a stateful layer (non-trainable variables), else None."""
        return self._states

    def get_initial_state(self, batch_size: int) -> list:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            return _as_list(fn(batch_size))
        return [ops.zeros((batch_size, d), self.dtype) for d in self.state_size]

    def reset_states(self, states: Any = None) -> None:
        """Zero the carried states of a stateful layer (or set them to ``states``)."""
        if self._states is None:
            return
        values = _as_list(states)
        for i, v in enumerate(self._flat_states()):
            v.assign(xp.zeros(v.shape, v.dtype) if not values else value_of(values[i]))

    reset_state = reset_states

    def _flat_states(self) -> list:
        return [v for v in flatten(self._states) if isinstance(v, Variable)]

    # -- building --------------------------------------------------------------------------
    def build(self, sequences_shape: Any = None, initial_state_shape: Any = None) -> None:
        shape = tuple(sequences_shape)
        if len(shape) < 3:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects sequences of shape "
                f"(batch, time, features), but received an input of shape {shape}. "
                "A 2-D input (batch, features) needs a time axis: reshape it to "
                f"(batch, time, 1) or feed an Embedding first. Received: input_shape={shape}")
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((shape[0],) + shape[2:])
            self.cell.built = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self.state_size)
        return out

    def compute_output_spec(self, sequences: Any, *args: Any, **kwargs: Any) -> Any:
        batch = sequences.shape[0]
        size = getattr(self.cell, "output_size", None) or self.state_size[0]
        if isinstance(size, (list, tuple)):
            size = size[0]
        dtype = self.dtype
        out = KerasTensor((batch, sequences.shape[1], size) if self.return_sequences
                          else (batch, size), dtype)
        if not self.return_state:
            return out
        states = []
        for s in self.state_size:
            if isinstance(s, (list, tuple)):
                states.extend(KerasTensor((batch, d), dtype) for d in s)
            else:
                states.append(KerasTensor((batch, s), dtype))
        return (out, *states)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        spec = self.compute_output_spec(KerasTensor(tuple(sequences_shape)))
        return tuple(t.shape for t in spec) if isinstance(spec, tuple) else spec.shape

    # -- calling ---------------------------------------------------------------------------
    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None,
             training: bool = False) -> Any:
        batch = sequences.shape[0]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        stateful = self.stateful and not _PROBE[0]
        if initial_state is None and stateful:
            if self._states is None or self._flat_states()[0].shape[0] != batch:
                if self._states is not None:
                    raise ValueError(
                        f"Layer '{self.name}' is stateful, so every batch must have "
                        f"{self._flat_states()[0].shape[0]} samples (the batch size it was "
                        f"first called with). Received: a batch of {batch}. Pass "
                        "batch_size= to fit/predict and drop the last partial batch, or use "
                        "stateful=False.")
                self._states = [Variable(xp.asarray(value_of(s)), trainable=False,
                                         name="rnn_state")
                                for s in flatten(self.get_initial_state(batch))]
            initial_state = [Tensor(v.value.copy()) for v in self._flat_states()]
        elif initial_state is None:
            initial_state = flatten(self.get_initial_state(batch))
        else:
            initial_state = [ops.convert_to_tensor(s) for s in flatten(_as_list(initial_state))]
        if mask is not None:
            mask = xp.asarray(value_of(mask)).astype(bool)
        result = self._fused(sequences, initial_state, mask, bool(training))
        if result is None:
            result = self._loop(sequences, initial_state, mask, bool(training))
        seq, states = result
        if mask is not None and self.zero_output_for_mask:
            seq = ops.multiply(seq, mask[:, ::-1, None] if self.go_backwards
                               else mask[:, :, None])
        if stateful:
            for v, s in zip(self._flat_states(), flatten(states)):
                v.assign(value_of(s))
        output = seq if self.return_sequences else seq[:, -1]
        if self.return_state:
            return (output, *flatten(states))
        return output

    def _fused(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> Any:
        """The whole sequence as one op, or None to run the cell step by step."""
        return None

    def _loop(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> tuple:
        """Run the cell over the steps on the tape; ``(outputs (batch, time, units), states)``."""
        cell = self.cell
        steps = sequences.shape[1]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        states = _regroup(initial_state, cell) if _is_stacked(cell) else list(initial_state)
        kwargs = {}
        if isinstance(cell, Layer):
            cell._maybe_build((sequences.shape[0],) + tuple(sequences.shape[2:]))
            if _accepts(type(cell))[0]:
                kwargs["training"] = training
        outputs = []
        for t in order:
            out, new = cell.call(sequences[:, t], states, **kwargs)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                keep = mask[:, t][:, None]
                # Keras: a masked step outputs the first state (of the last cell), unchanged
                prev = flatten(states[-1] if _is_stacked(cell) else states)[0]
                out = ops.where(keep, out, prev)
                new = _where_structure(keep, new, states)
            states = new
            outputs.append(out)
        _reset_dropout(cell)
        return ops.stack(outputs, axis=1), states

    # -- configuration ---------------------------------------------------------------------
    def get_config(self) -> dict:
        from keraslite.saving.serialization import serialize_keras_object

        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> RNN:
        from keraslite.saving.serialization import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects,
                                        kind="layers")
        return cls(cell, **config)


def _is_stacked(cell: Any) -> bool:
    return isinstance(cell, StackedRNNCells)


def _regroup(flat_states: list, cell: Any) -> list:
    """Flat initial states as one list per stacked cell."""
    out, i = [], 0
    for c in cell.cells:
        n = len(c.state_size) if isinstance(c.state_size, (list, tuple)) else 1
        out.append(list(flat_states[i:i + n]))
        i += n
    return out


def _where_structure(keep: Any, new: Any, old: Any) -> Any:
    if isinstance(new, (list, tuple)):
        return [_where_structure(keep, n, o) for n, o in zip(new, old)]
    return ops.where(keep, new, old)


def _reset_dropout(cell: Any) -> None:
    for c in getattr(cell, "cells", [cell]):
        if hasattr(c, "reset_dropout_mask"):
            c.reset_dropout_mask()
            c.reset_recurrent_dropout_mask()
