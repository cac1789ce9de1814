"""The interop models, written once for both libraries (as tests/golden/specs.py does).

Every builder takes the ``keras`` module to use (real Keras 3 in generate_keras_fixtures.py,
keraslite in write_keraslite_models.py) and returns ``(compiled model, xs, ys)``: lists of the
input and target arrays. This module imports neither library itself.

Both scripts write their ``.npz`` files with :func:`fixture_arrays`, so its key layout is the one
contract between the writer and the reader: inputs ``x0, x1, ...``, targets ``y0, ...``,
predictions ``p0, ...`` and each layer's weights after one more training step
(``step:<layer>:<i>``).
"""

from __future__ import annotations

import numpy as np


def sequential(keras, seed: int) -> tuple:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(48, 4)).astype("float32")], [rng.integers(0, 3, size=48)]


def functional(keras, seed: int) -> tuple:
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = keras.layers.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)
    o1 = keras.layers.Dense(1, name="o1")(ha + hb)
    o2 = keras.layers.Dense(2, activation="softmax", name="o2")(hb[:, 1:4])
    model = keras.Model([a, b], [o1, o2], name="two_in_two_out")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=["mse", "categorical_crossentropy"])
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(32, 4)).astype("float32") for _ in range(2)]
    y = [rng.normal(size=(32, 1)).astype("float32"),
         np.eye(2, dtype="float32")[rng.integers(0, 2, size=32)]]
    return model, x, y


def activations(keras, seed: int) -> tuple:
    layers = keras.layers
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8), layers.PReLU(),
                              layers.Dense(8), layers.LeakyReLU(negative_slope=0.2),
                              layers.Dense(4), layers.Softmax()])
    model.compile(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                  loss="categorical_crossentropy")
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(40, 6)).astype("float32")]
    y = [np.eye(4, dtype="float32")[rng.integers(0, 4, size=40)]]
    return model, x, y


def zoo(keras, seed: int) -> tuple:
    """Many layer types in one graph (with Dropout: compare predictions, not training steps)."""
    layers = keras.layers
    inp = keras.Input((6,), name="features")
    h = layers.Dense(8, name="d1")(inp)
    h = layers.BatchNormalization(name="bn")(h)
    h = layers.Activation("relu", name="act")(h)
    h = layers.Dropout(0.3, name="drop")(h)
    h = layers.LayerNormalization(name="ln")(h)
    h = layers.Reshape((4, 2), name="reshape")(h)
    h = layers.Permute((2, 1), name="permute")(h)
    h = layers.Flatten(name="flat")(h)
    side = layers.Rescaling(0.5, offset=0.1, name="rescale")(inp)
    side = layers.Dense(4, activation="elu", name="d2")(side)
    h = layers.Concatenate(name="concat")([h, side])
    h = layers.Add(name="sum")([layers.Dense(5, name="d3")(h), layers.Dense(5, name="d4")(h)])
    out = layers.Dense(3, activation="softmax", name="out")(h)
    model = keras.Model(inp, out, name="zoo")
    model.compile(optimizer="nadam", loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(40, 6)).astype("float32")]
    y = [np.eye(3, dtype="float32")[rng.integers(0, 3, size=40)]]
    return model, x, y


def nested(keras, seed: int) -> tuple:
    """A Sequential and a Functional model used as layers (the latter called twice)."""
    layers = keras.layers
    inner_seq = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu")],
                                 name="inner_seq")
    inner_in = keras.Input((3,), name="inner_in")
    inner_fun = keras.Model(inner_in, layers.Dense(2, name="f1")(inner_in), name="inner_fun")
    x = keras.Input((4,), name="x")
    out = inner_fun(inner_seq(x))
    out2 = inner_fun(layers.Dense(3, name="side")(x))
    model = keras.Model(x, [out, out2], name="outer")
    model.compile(optimizer="adam", loss=["mse", "mae"])
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(24, 4)).astype("float32")]
    return model, x, [rng.normal(size=(24, 2)).astype("float32") for _ in range(2)]


def two_inputs(keras, seed: int) -> tuple:
    """Two inputs joined by layers only: Keras' legacy ``.h5`` reader cannot rebuild op layers
    (``a + b``, ``x[:, 1:]``), so the legacy fixtures use this graph instead of ``functional``.
    """
    layers = keras.layers
    a = keras.Input((3,), name="left")
    b = keras.Input((2,), name="right")
    h = layers.Concatenate(name="join")([a, b])
    h = layers.Dense(6, activation="relu", name="hidden")(h)
    h = layers.BatchNormalization(name="norm")(h)
    out = layers.Dense(1, activation="sigmoid", name="out")(h)
    model = keras.Model([a, b], out, name="two_inputs")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(32, 3)).astype("float32"), rng.normal(size=(32, 2)).astype("float32")]
    return model, x, [rng.integers(0, 2, size=(32, 1)).astype("float32")]


OPTIMIZERS = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam",
              "RMSprop", "SGD"]


def optimizer_model(keras, name: str) -> tuple:
    """A tiny model trained with one optimizer: its state's order must match Keras'."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer=getattr(keras.optimizers, name)(learning_rate=0.01), loss="mse")
    rng = np.random.default_rng(OPTIMIZERS.index(name))
    return model, [rng.normal(size=(16, 3)).astype("float32")], \
        [rng.normal(size=(16, 2)).astype("float32")]


MODELS = {"sequential": sequential, "functional": functional, "activations": activations,
          "zoo": zoo, "nested": nested}
SEEDS = {"sequential": 11, "functional": 12, "activations": 13, "zoo": 14, "nested": 15}


def builders(keras, seeds: dict | None = None) -> dict:
    """``{name: build()}`` for every interop model, in the order the fixtures are written.

    ``seeds`` overrides entries of ``SEEDS`` (the optimizer models' data seeds are fixed).
    """
    seeds = {**SEEDS, **(seeds or {})}
    result = {name: (lambda f=fn, s=seeds[name]: f(keras, s)) for name, fn in MODELS.items()}
    result.update({f"opt_{name.lower()}": (lambda n=name: optimizer_model(keras, n))
                   for name in OPTIMIZERS})
    return result


# The models saved in the legacy HDF5 format (``model.save("m.h5")``) by both libraries.
LEGACY = ["sequential", "two_inputs", "activations", "zoo", "opt_adamw", "opt_ftrl"]


def legacy_builders(keras) -> dict:
    """``{name: build()}`` for the legacy ``.h5`` fixtures (the same data seeds in both)."""
    every = builders(keras)
    every["two_inputs"] = lambda: two_inputs(keras, 16)
    return {name: every[name] for name in LEGACY}


def one(xs: list) -> object:
    """A single array as itself, several as the list (what ``fit`` and ``predict`` take)."""
    return xs[0] if len(xs) == 1 else xs


def fixture_arrays(model, x: list, y: list, preds: list) -> dict:
    """The ``.npz`` contents: data, predictions and the layers' weights as they are now."""
    arrays = {f"x{i}": a for i, a in enumerate(x)}
    arrays.update({f"y{i}": a for i, a in enumerate(y)})
    arrays.update({f"p{i}": p for i, p in enumerate(preds)})
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            arrays[f"step:{layer.name}:{i}"] = np.asarray(w)
    return arrays
