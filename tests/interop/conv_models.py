"""Convnets for the ``.keras`` interop fixtures (both libraries; see interop_models.py).

``conv_mnist`` is keras.io's simple MNIST convnet (Dropout included: predictions are compared,
training steps are not); ``conv_family`` and ``conv_transposed`` hold the other convolution,
pooling and spatial layers and are compared on the next Adam step too.
"""

from __future__ import annotations

import numpy as np

CF = "channels_first"


def conv_mnist(keras, seed: int) -> tuple:
    L = keras.layers
    model = keras.Sequential([
        keras.Input((12, 12, 1)), L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
        L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(32, 12, 12, 1)).astype("float32")], \
        [np.eye(10, dtype="float32")[rng.integers(0, 10, 32)]]


def conv_family(keras, seed: int) -> tuple:
    L = keras.layers
    inp = keras.Input((10, 2), name="signal")
    a = L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu",
                 kernel_regularizer=keras.regularizers.L2(0.01), name="causal")(inp)
    a = L.SeparableConv1D(4, 2, depth_multiplier=2, name="sep1d")(a)
    a = L.DepthwiseConv1D(2, padding="same", name="dw1d")(a)
    a = L.AveragePooling1D(2, name="avg1d")(a)
    a = L.UpSampling1D(2, name="up1d")(a)
    a = L.ZeroPadding1D((1, 0), name="pad1d")(a)
    a = L.Cropping1D((0, 1), name="crop1d")(a)
    a = L.Conv1DTranspose(3, 2, strides=2, name="t1d")(a)
    a = L.GlobalMaxPooling1D(name="gmp1d")(a)
    b = L.GlobalAveragePooling1D(name="gap1d")(L.MaxPooling1D(3, 1, padding="same")(inp))
    out = L.Dense(2, activation="softmax", name="out")(L.Concatenate()([a, b]))
    model = keras.Model(inp, out, name="conv_family")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy")
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(24, 10, 2)).astype("float32")], \
        [np.eye(2, dtype="float32")[rng.integers(0, 2, 24)]]


def conv_transposed(keras, seed: int) -> tuple:
    L = keras.layers
    model = keras.Sequential([
        keras.Input((2, 6, 6)),
        L.SeparableConv2D(4, 3, padding="same", data_format=CF, activation="tanh"),
        L.DepthwiseConv2D(2, depth_multiplier=2, data_format=CF),
        L.Conv2DTranspose(3, 3, strides=2, output_padding=1, data_format=CF),
        L.AveragePooling2D(2, data_format=CF), L.ZeroPadding2D(1, data_format=CF),
        L.Cropping2D(((0, 1), (1, 0)), data_format=CF), L.UpSampling2D(data_format=CF),
        L.Reshape((3, 14, 14, 1)),
        L.Conv3D(2, (2, 2, 1), strides=(2, 2, 1), data_format=CF, activation="sigmoid"),
        L.Conv3DTranspose(2, (1, 2, 2), data_format=CF), L.MaxPooling3D(1, data_format=CF),
        L.AveragePooling3D((1, 2, 2), data_format=CF), L.UpSampling3D(1, data_format=CF),
        L.ZeroPadding3D(0, data_format=CF), L.Cropping3D(0, data_format=CF),
        L.GlobalAveragePooling3D(data_format=CF, keepdims=True),
        L.GlobalMaxPooling3D(), L.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    rng = np.random.default_rng(seed)
    return model, [rng.normal(size=(16, 2, 6, 6)).astype("float32")], \
        [rng.normal(size=(16, 3)).astype("float32")]


CONV_MODELS = {"conv_mnist": conv_mnist, "conv_family": conv_family,
               "conv_transposed": conv_transposed}
CONV_RANDOM_TRAINING = {"conv_mnist"}


def conv_builders(keras) -> dict:
    """``{name: () -> (model, xs, ys)}`` for the convnets, with fixed data seeds."""
    return {name: (lambda f=fn, s=i: f(keras, 40 + s))
            for i, (name, fn) in enumerate(CONV_MODELS.items())}
