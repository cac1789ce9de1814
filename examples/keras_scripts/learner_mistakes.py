"""A tour of keraslite's diagnostics: common mistakes, each caught and explained.

Warnings (training still runs) are keras.KerasliteWarning subclasses; mistakes that make
training meaningless raise ValueError. Each message says what is wrong, why, and the fix.
"""

import warnings

import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(60, 4)).astype("float32")
y = (x[:, 0] > 0).astype("float32")


def model_with(output, loss="binary_crossentropy"):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              output])
    model.compile(optimizer="adam", loss=loss)
    return model


def show(title, action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", keras.KerasliteWarning)
        try:
            action()
        except ValueError as err:
            print(f"{title}\n  error: {str(err).splitlines()[0]}")
            return
    for w in caught:
        if issubclass(w.category, keras.KerasliteWarning):
            print(f"{title}\n  warning: {str(w.message).splitlines()[0]}")


show("1-unit softmax output", lambda: model_with(keras.layers.Dense(1, activation="softmax")))
show("binary cross-entropy on a relu output",
     lambda: model_with(keras.layers.Dense(1, activation="relu")))
show("labels 1/2 with binary cross-entropy",
     lambda: model_with(keras.layers.Dense(1, activation="sigmoid")).fit(x, y + 1, verbose=0))
x_nan = x.copy()
x_nan[3, 1] = np.nan
show("NaN in x", lambda: model_with(keras.layers.Dense(1, activation="sigmoid")).fit(
    x_nan, y, verbose=0))
show("input shape with the number of samples", lambda: keras.Sequential(
    [keras.Input(shape=x.shape), keras.layers.Dense(1, activation="sigmoid")]).predict(
    x, verbose=0))


def diverging():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    model.fit(x * 100, y, epochs=5, verbose=0)


def unscaled():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="sigmoid"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x * [1, 300, 1, 1], y, epochs=1, verbose=0)


show("learning rate far too high for unscaled inputs", diverging)
show("a feature in the hundreds feeding a sigmoid layer", unscaled)
show("validation_freq without validation data", lambda: model_with(
    keras.layers.Dense(1, activation="sigmoid")).fit(x, y, validation_freq=2, verbose=0))
