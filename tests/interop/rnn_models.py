"""Text and sequence models for the interop fixtures, written once for both libraries.

Each builder takes the ``keras`` module (real Keras 3, or keraslite) and returns
``(compiled model, xs, ys)``. Imports neither library. The key layout of the ``.npz`` files is
``interop_models.fixture_arrays``'s.
"""

from __future__ import annotations

import numpy as np


def _ids(rng, n, steps, vocab):
    ids = rng.integers(1, vocab, size=(n, steps))
    for i, k in enumerate(rng.integers(2, steps + 1, size=n)):
        ids[i, k:] = 0
    return ids.astype("int32")


def text_lstm(keras, seed: int) -> tuple:
    layers = keras.layers
    model = keras.Sequential([keras.Input((8,), dtype="int32"),
                              layers.Embedding(30, 6, mask_zero=True),
                              layers.LSTM(5, return_sequences=True),
                              layers.SimpleRNN(4),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    return model, [_ids(rng, 32, 8, 30)], [rng.integers(0, 2, size=(32, 1)).astype("float32")]


def bidirectional_tagger(keras, seed: int) -> tuple:
    layers = keras.layers
    inp = keras.Input((6, 3), name="frames")
    h = layers.Masking(0.0)(inp)
    h = layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode="concat")(h)
    h = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="ave")(h)
    out = layers.TimeDistributed(layers.Dense(3, activation="softmax"), name="tags")(h)
    model = keras.Model(inp, out, name="tagger")
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(24, 6, 3)).astype("float32")
    x[:, 4:][rng.random(24) < 0.5] = 0.0
    return model, [x], [rng.integers(0, 3, size=(24, 6)).astype("float32")]


def stacked_cells(keras, seed: int) -> tuple:
    layers = keras.layers
    inp = keras.Input((5, 2))
    seq, h1, c1 = layers.LSTM(3, return_sequences=True, return_state=True,
                              go_backwards=True)(inp)
    h = layers.RNN([layers.GRUCell(3, reset_after=False), layers.SimpleRNNCell(2)])(seq)
    out = layers.Dense(1)(layers.Concatenate()([h, h1, c1]))
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(16, 5, 2)).astype("float32")], \
        [rng.normal(size=(16, 1)).astype("float32")]


MODELS = {"rnn_text_lstm": text_lstm, "rnn_bidirectional_tagger": bidirectional_tagger,
          "rnn_stacked_cells": stacked_cells}


def builders(keras, offset: int = 0) -> dict:
    return {name: (lambda f=fn, s=i + offset: f(keras, s))
            for i, (name, fn) in enumerate(MODELS.items())}
