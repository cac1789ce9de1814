"""Diagnostics of text and sequence models: token ids outside an Embedding's table, and a
``return_sequences=True`` RNN feeding a per-sample output.
"""

from __future__ import annotations

from typing import Any

from keraslite.diagnostics._emit import DiagnosticError, fail


def embedding_ids_error(layer: Any, low: int, high: int) -> DiagnosticError:
    """The error for token ids outside ``[0, input_dim)`` of an Embedding layer.

    Keras on a CPU raises an opaque index error here, and on a GPU silently returns zeros.
    """
    n = layer.input_dim
    if low < 0:
        return fail(
            f"Embedding layer '{layer.name}' received a negative token id ({low}). Token ids "
            f"index rows of the embedding table and must lie in [0, {n}). Received: ids in "
            f"[{low}, {high}]", "embedding-id-out-of-range")
    if high == n:
        hint = (f"The largest id equals input_dim ({n}): off by one. Token ids from a "
                "Tokenizer's word_index start at 1, so the table needs one more row than "
                f"there are words: use Embedding(input_dim={n + 1}, ...), i.e. "
                "input_dim=len(word_index) + 1 (or num_words).")
    else:
        hint = (f"Ids up to {high} appear, but the table has {n} rows. If the vocabulary was "
                "cut (Tokenizer(num_words=...), TextVectorization(max_tokens=...)), use the "
                f"same number as input_dim; otherwise use input_dim={high + 1} or more "
                "(the largest id + 1).")
    return fail(
        f"Embedding layer '{layer.name}' received token id {high}, but input_dim={n} only "
        f"allows ids 0..{n - 1}. {hint} Received: ids in [{low}, {high}]",
        "embedding-id-out-of-range")


def _is_rnn(layer: Any) -> bool:
    from keraslite.layers.rnn.base import RNN
    from keraslite.layers.rnn.wrappers import Bidirectional

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
