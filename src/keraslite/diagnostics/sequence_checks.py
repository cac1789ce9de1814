"""Diagnostics of text and sequence models: token ids outside an Embedding's table, and a
``return_sequences=True`` RNN feeding a per-sample output.
"""

from __future__ import annotations

from typing import Any

from keraslite.layers.embedding import embedding_ids_error as embedding_ids_error
from keraslite.layers.rnn.base import RNN
from keraslite.layers.rnn.wrappers import Bidirectional
from keraslite.naming import fail


def _is_rnn(layer: Any) -> bool:
    return isinstance(layer, (RNN, Bidirectional))


def check_return_sequences_data(model: Any, ys: list) -> None:
    """Raise when per-step outputs (batch, time, units) meet per-sample labels at ``fit``."""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1 or len(ys) != 1 or len(getattr(outputs[0], "shape", ())) != 3:
        return
    layers = [x for x in getattr(model, "layers", []) or [] if _is_rnn(x)]
    if not layers or not getattr(layers[-1], "return_sequences", False):
        return
    y_shape = tuple(ys[0].shape)
    steps = outputs[0].shape[1]
    if len(y_shape) <= 2 and not (len(y_shape) == 2 and steps is not None and
                                  y_shape[1] == steps):
        raise fail(
            f"The model outputs one prediction per time step, shape {tuple(outputs[0].shape)}, "
            f"because its recurrent layer '{layers[-1].name}' has return_sequences=True, but "
            f"the labels hold one value per sequence, shape {y_shape}. Set "
            "return_sequences=False on the last recurrent layer for one prediction per "
            f"sequence. Received: y.shape={y_shape}", "rnn-return-sequences-output")
