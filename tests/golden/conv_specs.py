"""Golden specs for the convolution family (merged into ``specs.SPECS``): small models with every
convolution, pooling and spatial layer (no dropout: it is random), trained with Adam. Data are
seeded from each spec's name. Imports only NumPy, like ``specs.py``.
"""

import zlib

import numpy as np

CF = "channels_first"


def _adam(keras):
    return keras.optimizers.Adam(learning_rate=0.01)


def conv2d_mnist_like_adam(keras):
    L = keras.layers
    model = keras.Sequential([
        keras.Input((10, 9, 1)), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(6, (2, 3), strides=2, padding="same", activation="tanh"), L.Flatten(),
        L.Dense(3, activation="softmax")])
    model.compile(optimizer=_adam(keras), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def conv1d_causal_gap_adam(keras):
    L = keras.layers
    model = keras.Sequential([
        keras.Input((12, 2)), L.Conv1D(4, 3, padding="causal", dilation_rate=2,
                                       activation="relu"),
        L.MaxPooling1D(2, padding="same"), L.Conv1D(5, 2, activation="sigmoid",
                                                    kernel_regularizer="l2"),
        L.AveragePooling1D(2, strides=1), L.GlobalAveragePooling1D(),
        L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=_adam(keras), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def separable_depthwise_transpose_adam(keras):
    L = keras.layers
    model = keras.Sequential([
        keras.Input((6, 6, 2)),
        L.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="tanh"),
        L.DepthwiseConv2D(2, depth_multiplier=2, activation="elu"),
        L.Conv2DTranspose(3, 3, strides=2, activation="sigmoid"),
        L.AveragePooling2D(2, padding="same"), L.ZeroPadding2D(((1, 0), (0, 2))),
        L.Cropping2D(((0, 1), (1, 1))), L.UpSampling2D((1, 2)), L.GlobalMaxPooling2D(),
        L.Dense(2)])
    model.compile(optimizer=_adam(keras), loss="mse")
    return model


def channels_first_3d_adam(keras):
    L = keras.layers
    model = keras.Sequential([
        keras.Input((2, 5, 4, 6)),
        L.Conv3D(4, 2, groups=2, padding="same", data_format=CF, activation="relu"),
        L.Conv3DTranspose(3, 2, strides=2, output_padding=1, data_format=CF),
        L.MaxPooling3D(2, data_format=CF), L.AveragePooling3D((1, 2, 2), data_format=CF),
        L.UpSampling3D((1, 2, 1), data_format=CF),
        L.ZeroPadding3D(1, data_format=CF), L.Cropping3D(((0, 1), (1, 0), (0, 0)),
                                                         data_format=CF),
        L.GlobalAveragePooling3D(data_format=CF),
        L.Dense(2)])
    model.compile(optimizer=_adam(keras), loss="mse")
    return model


def conv1d_family_adam(keras):
    L = keras.layers
    model = keras.Sequential([
        keras.Input((7, 3)), L.Conv1DTranspose(4, 3, strides=2, padding="same"),
        L.SeparableConv1D(3, 3, depth_multiplier=2, activation="relu"),
        L.DepthwiseConv1D(2, strides=2), L.UpSampling1D(2), L.ZeroPadding1D((2, 1)),
        L.Cropping1D((1, 0)), L.Conv1D(4, 2, groups=2, data_format=CF),
        L.GlobalMaxPooling1D(keepdims=True), L.Flatten(), L.Dense(3, activation="softmax")])
    model.compile(optimizer=_adam(keras), loss="categorical_crossentropy")
    return model


CONV_SPECS = {f.__name__: f for f in (conv2d_mnist_like_adam, conv1d_causal_gap_adam,
                                      separable_depthwise_transpose_adam,
                                      channels_first_3d_adam, conv1d_family_adam)}


def conv_data(name):
    """Deterministic float32 ``(x, y)`` for a convolution spec."""
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    n = 8
    if name == "conv2d_mnist_like_adam":
        return rng.normal(size=(n, 10, 9, 1)).astype(np.float32), rng.randint(0, 3, n)
    if name == "conv1d_causal_gap_adam":
        x = rng.normal(size=(n, 12, 2)).astype(np.float32)
        return x, (x[:, :, 0].mean(1, keepdims=True) > 0).astype(np.float32)
    if name == "separable_depthwise_transpose_adam":
        return rng.normal(size=(n, 6, 6, 2)).astype(np.float32), \
            rng.normal(size=(n, 2)).astype(np.float32)
    if name == "channels_first_3d_adam":
        return rng.normal(size=(n, 2, 5, 4, 6)).astype(np.float32), \
            rng.normal(size=(n, 2)).astype(np.float32)
    if name == "conv1d_family_adam":
        return rng.normal(size=(n, 7, 3)).astype(np.float32), \
            np.eye(3, dtype=np.float32)[rng.randint(0, 3, n)]
    raise AssertionError(name)
