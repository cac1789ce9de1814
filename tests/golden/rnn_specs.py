"""Golden specs for text and sequence models (merged into ``specs.SPECS``).

One per RNN kind, Bidirectional merge mode, masking source (Embedding ``mask_zero``, Masking,
masks reaching a per-step loss and metric), stateful use, stacked and custom-cell RNNs.
Predictions, evaluation and three training steps are compared; stateful specs carry their
states through all of them. (``lstm_stateful`` is compared on eager calls instead, in
``stateful.npz``: Keras 3 on JAX does not carry the states of a stateful RNN across
``predict``/``fit`` batches, while it does in eager calls and on TensorFlow.) Data are seeded
from each spec's name. Imports only NumPy, like ``specs.py``.
"""

import zlib

import numpy as np


def simple_rnn_cce_sgd(keras):
    model = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(0.1),
                  metrics=["accuracy"])
    return model


def lstm_embedding_mask_adam(keras):
    model = keras.Sequential([keras.Input(shape=(6,)),
                              keras.layers.Embedding(12, 4, mask_zero=True),
                              keras.layers.LSTM(5),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01),
                  metrics=["accuracy"])
    return model


def gru_sequences_mask_per_step_loss(keras):
    model = keras.Sequential([keras.Input(shape=(6,)),
                              keras.layers.Embedding(10, 3, mask_zero=True),
                              keras.layers.GRU(4, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.RMSprop(0.01), metrics=["accuracy"])
    return model


def _bidirectional(keras, mode, sequences):
    inputs = keras.Input(shape=(5, 3))
    layer = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=sequences),
                                       merge_mode=mode)
    x = layer(keras.layers.Masking(0.0)(inputs))
    if mode is None:
        x = keras.layers.Concatenate()(x)
    if sequences:
        x = keras.layers.Flatten()(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01))
    return model


def bidirectional_concat(keras):
    return _bidirectional(keras, "concat", False)


def bidirectional_sum_sequences(keras):
    return _bidirectional(keras, "sum", True)


def bidirectional_mul(keras):
    return _bidirectional(keras, "mul", False)


def bidirectional_ave_sequences(keras):
    return _bidirectional(keras, "ave", True)


def bidirectional_none_gru(keras):
    inputs = keras.Input(shape=(5, 3))
    a, b = keras.layers.Bidirectional(keras.layers.GRU(3), merge_mode=None)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Add()([a, b])))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.1))
    return model


def lstm_stateful(keras):
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)),
                              keras.layers.LSTM(3, stateful=True, return_sequences=True),
                              keras.layers.SimpleRNN(2, stateful=True),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.1))
    return model


def backwards_states_time_distributed(keras):
    inputs = keras.Input(shape=(5, 2))
    seq, h = keras.layers.SimpleRNN(3, return_sequences=True, return_state=True,
                                    go_backwards=True, activation="relu")(inputs)
    seq = keras.layers.GRU(3, return_sequences=True, reset_after=False)(seq, initial_state=h)
    out = keras.layers.TimeDistributed(keras.layers.Dense(2))(seq)
    model = keras.Model(inputs, out)
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01))
    return model


def stacked_cells_masking(keras):
    model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.Masking(0.0),
                              keras.layers.RNN([keras.layers.LSTMCell(3),
                                                keras.layers.GRUCell(2)]),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01),
                  metrics=["accuracy"])
    return model


RNN_SPECS = {f.__name__: f for f in (
    simple_rnn_cce_sgd, lstm_embedding_mask_adam, gru_sequences_mask_per_step_loss,
    bidirectional_concat, bidirectional_sum_sequences, bidirectional_mul,
    bidirectional_ave_sequences, bidirectional_none_gru,
    backwards_states_time_distributed, stacked_cells_masking)}


def _padded_ids(rng, n, steps, vocab):
    ids = rng.randint(1, vocab, size=(n, steps))
    lengths = rng.randint(2, steps + 1, size=n)
    for i, k in enumerate(lengths):
        ids[i, k:] = 0
    return ids.astype(np.float32)


def rnn_data(name):
    """Deterministic ``(x, y)`` for an RNN spec (token ids as float32, padded with 0)."""
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    if name == "simple_rnn_cce_sgd":
        x = rng.normal(size=(8, 5, 3)).astype(np.float32)
        return x, np.eye(3, dtype=np.float32)[rng.randint(0, 3, size=8)]
    if name == "lstm_embedding_mask_adam":
        return _padded_ids(rng, 10, 6, 12), rng.randint(0, 2, size=(10, 1)).astype(np.float32)
    if name == "gru_sequences_mask_per_step_loss":
        return _padded_ids(rng, 8, 6, 10), rng.randint(0, 3, size=(8, 6)).astype(np.float32)
    if name == "lstm_stateful":
        x = rng.normal(size=(4, 5, 2)).astype(np.float32)
        return x, rng.normal(size=(4, 1)).astype(np.float32)
    x = rng.normal(size=(8, 5, 3 if name.startswith("bidirectional") else 2))
    if name.startswith("bidirectional") or name == "stacked_cells_masking":
        for i, k in enumerate(rng.randint(2, 6, size=8)):
            x[i, k:] = 0.0
    x = x.astype(np.float32)
    if name == "backwards_states_time_distributed":
        return x, rng.normal(size=(8, 5, 2)).astype(np.float32)
    if name == "stacked_cells_masking":
        return x, rng.randint(0, 2, size=(8, 1)).astype(np.float32)
    return x, rng.normal(size=(8, 1)).astype(np.float32)
