"""Golden specs for the normalization layers (merged into ``specs.SPECS``).

BatchNormalization's predictions use the moving statistics, its three training steps use batch
statistics and update the moving ones (``w_out`` holds them, in Keras' weight order);
Normalization is adapted inside the spec on the spec's own inputs. Data are seeded from each
spec's *name* (``zlib.crc32``), so specs added elsewhere never change these files. Imports only
NumPy, like ``specs.py``.
"""

import zlib

import numpy as np


def batchnorm_mlp_sgd(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(8),
            keras.layers.BatchNormalization(
                momentum=0.8, epsilon=0.01, gamma_regularizer=keras.regularizers.L2(0.01)
            ),
            keras.layers.Activation("relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        metrics=["accuracy"],
    )
    return model


def batchnorm_axis1_renorm_layernorm_adam(keras):
    model = keras.Sequential(
        [
            keras.Input(shape=(3, 4)),
            keras.layers.BatchNormalization(
                axis=1,
                momentum=0.7,
                renorm=True,
                renorm_clipping={"rmax": 1.5, "rmin": 0.5, "dmax": 0.5},
                renorm_momentum=0.6,
            ),
            keras.layers.LayerNormalization(axis=[1, 2], center=False),
            keras.layers.Dense(2),
        ]
    )
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.05))
    return model


def batchnorm_frozen_layernorm_adam(keras):
    # trainable=False: BatchNormalization runs in inference mode even inside fit.
    frozen = keras.layers.BatchNormalization(
        center=False,
        moving_mean_initializer=keras.initializers.Constant(0.3),
        moving_variance_initializer=keras.initializers.Constant(2.0),
        trainable=False,
    )
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(6, activation="tanh"),
            frozen,
            keras.layers.LayerNormalization(epsilon=0.01),
            keras.layers.Dense(2),
        ]
    )
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.05))
    return model


def normalization_rescaling_cce_adam(keras):
    x, _ = normalization_data("normalization_rescaling_cce_adam")
    norm = keras.layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            norm,
            keras.layers.Rescaling(0.5, offset=0.1),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.LayerNormalization(epsilon=0.01),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=0.02),
        metrics=["accuracy"],
    )
    return model


NORMALIZATION_SPECS = {
    f.__name__: f
    for f in (
        batchnorm_mlp_sgd,
        batchnorm_axis1_renorm_layernorm_adam,
        batchnorm_frozen_layernorm_adam,
        normalization_rescaling_cce_adam,
    )
}


def normalization_data(name):
    """Deterministic ``(x, y)`` for a normalization spec: float32 inputs away from mean 0 and
    standard deviation 1, so that the statistics matter.
    """
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    if name == "batchnorm_mlp_sgd":
        x = rng.normal(2.0, 3.0, size=(16, 5)).astype(np.float32)
        return x, rng.randint(0, 2, size=(16, 1)).astype(np.float32)
    if name == "batchnorm_axis1_renorm_layernorm_adam":
        x = (rng.normal(size=(12, 3, 4)) * [[2.0], [0.5], [1.0]] + [[1.0], [-2.0], [0.0]])
        return x.astype(np.float32), rng.normal(size=(12, 3, 2)).astype(np.float32)
    if name == "batchnorm_frozen_layernorm_adam":
        x = rng.normal(size=(10, 4)).astype(np.float32)
        return x, rng.normal(size=(10, 2)).astype(np.float32)
    if name == "normalization_rescaling_cce_adam":
        x = (rng.normal(size=(12, 6)) * [1.0, 5.0, 0.2, 30.0, 2.0, 1.0] + [0, 3, -1, 40, 0, 7])
        labels = rng.randint(0, 3, size=12)
        return x.astype(np.float32), np.eye(3, dtype=np.float32)[labels]
    raise KeyError(name)
