"""Model specs shared by the golden-file generator (real Keras) and keraslite's tests.

Every entry of ``SPECS`` is a function ``build(keras) -> compiled model`` that uses only the
``keras`` module it is given, so the same code builds the model in Keras 3 and in keraslite.
``data(name)`` returns the deterministic ``(x, y)`` arrays used with that spec.
"""

import numpy as np
from conv_specs import CONV_SPECS, conv_data
from normalization_specs import NORMALIZATION_SPECS, normalization_data
from optimizer_specs import OPTIMIZER_SPECS, optimizer_data
from rnn_specs import RNN_SPECS, rnn_data


def lecture_mse_sgd(keras):
    # Dense(1, softmax) always outputs 1.0; kept on purpose (it mirrors the lecture).
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(5, activation="sigmoid"),
            keras.layers.Dense(1, activation="softmax"),
        ]
    )
    model.compile(loss="mean_squared_error", optimizer="sgd", metrics=["accuracy"])
    return model


def titanic_bce_sgd_nesterov(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(9,)),
            keras.layers.Dense(20, activation="sigmoid"),
            keras.layers.Dense(10, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        metrics=["accuracy"],
    )
    return model


def sgd_momentum(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Dense(2, activation="linear"),
        ]
    )
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5))
    return model


def cce_adam(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        metrics=["accuracy"],
    )
    return model


def sparse_logits_adam(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(4),
        ]
    )
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.Adam(),
        metrics=["accuracy"],
    )
    return model


def bce_logits_adam_nobias(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(5, activation="relu", use_bias=False),
            keras.layers.Dense(1),
        ]
    )
    model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), optimizer="adam")
    return model


def functional_two_in_two_out_shared(keras):
    a = keras.Input(shape=(4,))
    b = keras.Input(shape=(4,))
    shared = keras.layers.Dense(6, activation="relu")
    out1 = keras.layers.Dense(1, activation="sigmoid")(shared(a))
    out2 = keras.layers.Dense(2)(shared(b))
    model = keras.Model(inputs=[a, b], outputs=[out1, out2])
    model.compile(
        loss=["binary_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
    )
    return model


def adam_amsgrad(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(4, activation="sigmoid"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(
        loss="mse",
        optimizer=keras.optimizers.Adam(
            learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-6, amsgrad=True
        ),
    )
    return model


SPECS = {
    f.__name__: f
    for f in (
        lecture_mse_sgd,
        titanic_bce_sgd_nesterov,
        sgd_momentum,
        cce_adam,
        sparse_logits_adam,
        bce_logits_adam_nobias,
        functional_two_in_two_out_shared,
        adam_amsgrad,
    )
}
SPECS.update(OPTIMIZER_SPECS)  # after the specs above, so their data stay the same
SPECS.update(NORMALIZATION_SPECS)
SPECS.update(RNN_SPECS)
SPECS.update(CONV_SPECS)


def _x(rng, n, d):
    return rng.normal(size=(n, d)).astype(np.float32)


def _binary(rng, n):
    return rng.randint(0, 2, size=(n, 1)).astype(np.float32)


def data(name):
    """Deterministic ``(x, y)`` for spec ``name``; x is float32 (a list for multi-input)."""
    if name not in SPECS:
        raise KeyError(name)
    if name in OPTIMIZER_SPECS:
        return optimizer_data(name)
    if name in NORMALIZATION_SPECS:
        return normalization_data(name)
    if name in RNN_SPECS:
        return rnn_data(name)
    if name in CONV_SPECS:
        return conv_data(name)
    rng = np.random.RandomState(1000 + list(SPECS).index(name))
    if name == "lecture_mse_sgd":
        return _x(rng, 8, 3), _binary(rng, 8)
    if name == "titanic_bce_sgd_nesterov":
        return _x(rng, 16, 9), _binary(rng, 16)
    if name == "sgd_momentum":
        return _x(rng, 10, 4), rng.normal(size=(10, 2)).astype(np.float32)
    if name == "cce_adam":
        labels = rng.randint(0, 3, size=12)
        return _x(rng, 12, 5), np.eye(3, dtype=np.float32)[labels]
    if name == "sparse_logits_adam":
        x = _x(rng, 12, 6)
        return x, x[:, :4].argmax(axis=1).astype(np.int64)
    if name == "bce_logits_adam_nobias":
        return _x(rng, 8, 4), _binary(rng, 8)
    if name == "functional_two_in_two_out_shared":
        xa, xb = _x(rng, 10, 4), _x(rng, 10, 4)
        return [xa, xb], [_binary(rng, 10), rng.normal(size=(10, 2)).astype(np.float32)]
    if name == "adam_amsgrad":
        x = _x(rng, 8, 3)
        return x, (x.sum(axis=1, keepdims=True) * 0.5).astype(np.float32)
    raise AssertionError(name)
