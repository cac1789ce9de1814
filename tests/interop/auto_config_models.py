"""Interop models whose custom classes define no ``get_config``, written once for both libraries.

Keras 3 records a custom layer's or subclassed model's constructor arguments and saves them as
its config; keraslite does the same (``keraslite.layers.auto_config``). ``Block`` (a layer) and
``Net`` (a subclassed model holding a ``Block``) check that a file written by either library
loads in the other with ``custom_objects=custom_objects(keras)``. Builders follow
``interop_models``: each takes the ``keras`` module and returns ``(compiled model, xs, ys)``.
This module imports neither library itself.
"""

from __future__ import annotations

import numpy as np

_CLASSES: dict = {}


def custom_objects(keras) -> dict:
    """``{"Block": Block, "Net": Net}`` built on ``keras`` (made once per library)."""
    if keras.__name__ in _CLASSES:
        return _CLASSES[keras.__name__]
    ops = keras.ops

    class Block(keras.layers.Layer):
        def __init__(self, units, scale=1.0, activation="tanh", **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.scale = scale
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                          initializer="glorot_uniform", name="kernel")
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, x):
            h = ops.multiply(ops.matmul(x, self.kernel), self.scale)
            return self.activation(ops.add(h, self.bias))

    class Net(keras.Model):
        def __init__(self, hidden=8, classes=3, **kwargs):
            super().__init__(**kwargs)
            self.block = Block(hidden, scale=0.5, name="block")
            self.head = keras.layers.Dense(classes, activation="softmax", name="head")

        def call(self, x):
            return self.head(self.block(x))

    _CLASSES[keras.__name__] = {"Block": Block, "Net": Net}
    return _CLASSES[keras.__name__]


def auto_config_layer(keras, seed: int) -> tuple:
    """A Sequential model holding the custom layer."""
    block = custom_objects(keras)["Block"]
    model = keras.Sequential([keras.Input((4,)),
                              block(6, scale=2.0, activation="relu", name="block"),
                              keras.layers.Dense(3, activation="softmax", name="out")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(32, 4)).astype("float32")], [rng.integers(0, 3, size=32)]


def auto_config_model(keras, seed: int) -> tuple:
    """The subclassed model (its layers are named, so both libraries agree on the names).

    It is built with its default arguments: Keras 3.15 records a subclassed *model's* defaults
    rather than the arguments passed (its ``Model.__new__`` drops them before the recording),
    so ``Net(hidden=5)`` saved by Keras would not load back, in Keras or in keraslite.
    """
    model = custom_objects(keras)["Net"](name="net")
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(32, 4)).astype("float32")], [rng.integers(0, 3, size=32)]


MODELS = {"auto_config_layer": auto_config_layer, "auto_config_model": auto_config_model}
SEEDS = {"auto_config_layer": 21, "auto_config_model": 22}


def auto_config_builders(keras) -> dict:
    """``{name: build()}`` for these models, in the order the fixtures are written."""
    return {name: (lambda f=fn, s=SEEDS[name]: f(keras, s)) for name, fn in MODELS.items()}
