"""SimpleRNN, LSTM and GRU: an RNN around the matching cell, run as one fused op per sequence.

Each has Keras 3's arguments and defaults (LSTM ``unit_forget_bias=True``, GRU
``reset_after=True``, sigmoid recurrent activation, orthogonal recurrent initializer). The
forward and backward passes run in :mod:`keraslite.ops.recurrent`; recurrent dropout in
training, GRU ``reset_after=False`` and activations the op does not know run the cell step by
step on the tape instead (same results, slower).
"""

from __future__ import annotations

from typing import Any

from keraslite import activations, ops
from keraslite.layers.rnn.base import RNN
from keraslite.layers.rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from keraslite.ops import recurrent

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")
_LAYER_ARGS = ("name", "trainable", "dtype", "activity_regularizer", "input_shape",
               "batch_input_shape", "batch_size", "input_dim", "input_length", "autocast")


class _Builtin(RNN):
    _cell_class: type = SimpleRNNCell

    def __init__(self, units: int, **kwargs: Any) -> None:
        kwargs.pop("use_cudnn", None)
        kwargs.pop("time_major", None)
        rnn = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        layer = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        cell = self._cell_class(units, dtype=layer.get("dtype"),
                                trainable=layer.get("trainable", True),
                                name=f"{type(self).__name__.lower()}_cell", **kwargs)
        super().__init__(cell, **rnn, **layer)

    def __getattr__(self, name: str) -> Any:
        # units, activation, dropout ... read through to the cell, as in Keras
        cell = self.__dict__.get("cell")
        if cell is not None and not name.startswith("_") and name in cell.__dict__:
            return cell.__dict__[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _input_dropout(self, sequences: Any, training: bool) -> Any:
        cell = self.cell
        if training and 0.0 < cell.dropout < 1.0:
            mask = cell.get_dropout_mask(sequences[:, 0])
            cell.reset_dropout_mask()
            return ops.multiply(sequences, mask[:, None, :])
        return sequences

    def _fusable(self, training: bool) -> bool:
        cell = self.cell
        if training and cell.recurrent_dropout > 0:
            return False
        names = [activations.serialize(cell.activation)]
        if hasattr(cell, "recurrent_activation"):
            names.append(activations.serialize(cell.recurrent_activation))
        return all(isinstance(n, str) and recurrent.supported(n) and
                   activations.get(n) is getattr(cell, a)
                   for n, a in zip(names, ("activation", "recurrent_activation")))

    def _last_only(self, mask: Any) -> bool:
        """Whether the fused op may return only the final states (no per-step outputs)."""
        return not self.return_sequences and not (mask is not None and
                                                  self.zero_output_for_mask)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("cell")
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        return {**config, **cell}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> RNN:
        return cls(**config)


class SimpleRNN(_Builtin):
    """A fully connected RNN:  h_t = activation(x_t·W + b + h_{t-1}·U)  (see :class:`RNN` for
    return_sequences, return_state, go_backwards, stateful, masks).

    Args:
        units: the size of the output and state.
        activation: default ``"tanh"``.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training.
        **kwargs: the cell's initializers, regularizers and constraints, and the RNN options.

    """

    _cell_class = SimpleRNNCell

    def _fused(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> Any:
        if not self._fusable(training):
            return None
        cell = self.cell
        x = self._input_dropout(sequences, training)
        y = recurrent.simple_rnn_sequence(
            x, initial_state[0], cell.kernel, cell.recurrent_kernel, cell.bias, mask,
            activations.serialize(cell.activation), self.go_backwards)
        return y, [y[:, -1]]


class LSTM(_Builtin):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), gates in Keras' order i, f, c, o.

    c_t = σ(z_f) ⊙ c_{t-1} + σ(z_i) ⊙ tanh(z_c),  h_t = σ(z_o) ⊙ tanh(c_t),
    z = x_t·W + h_{t-1}·U + b.  States ``[h, c]``; ``unit_forget_bias`` starts b_f at 1.

    Args:
        units: the size of the output and of each state.
        activation, recurrent_activation: defaults ``"tanh"`` and ``"sigmoid"``.
        dropout, recurrent_dropout: fractions of the inputs / states dropped in training.
        **kwargs: the cell's initializers, regularizers and constraints, and the RNN options
            (``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``, ...).

    """

    _cell_class = LSTMCell

    def _fused(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> Any:
        if not self._fusable(training):
            return None
        cell = self.cell
        x = self._input_dropout(sequences, training)
        y = recurrent.lstm_sequence(
            x, initial_state[0], initial_state[1], cell.kernel, cell.recurrent_kernel,
            cell.bias, mask, activations.serialize(cell.activation),
            activations.serialize(cell.recurrent_activation), self.go_backwards,
            self._last_only(mask))
        k = cell.units
        last = y[:, -1]
        return y[:, :, :k], [last[:, :k], last[:, k:]]


class GRU(_Builtin):
    """Gated recurrent unit (Cho et al., 2014), Keras 3's ``reset_after=True`` form by default.

    z = σ(x_z + h_{t-1}·U_z + b'_z),  r = σ(x_r + h_{t-1}·U_r + b'_r),
    ĥ = tanh(x_h + r ⊙ (h_{t-1}·U_h + b'_h)),  h_t = z ⊙ h_{t-1} + (1 - z) ⊙ ĥ.

    Args:
        units: the size of the output and state.
        reset_after: apply the reset gate after the recurrent matrix product (default True,
            the form cuDNN and Keras 3 use; its bias has shape (2, 3·units)).
        **kwargs: as for :class:`LSTM`.

    """

    _cell_class = GRUCell

    def _fused(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> Any:
        cell = self.cell
        if not cell.reset_after or not self._fusable(training):
            return None
        x = self._input_dropout(sequences, training)
        b = cell.bias
        y = recurrent.gru_sequence(
            x, initial_state[0], cell.kernel, cell.recurrent_kernel,
            None if b is None else b[0], None if b is None else b[1], mask,
            activations.serialize(cell.activation),
            activations.serialize(cell.recurrent_activation), self.go_backwards,
            self._last_only(mask))
        return y, [y[:, -1]]
