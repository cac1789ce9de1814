"""Binary classification with `import keras` and `from keras import layers` (Keras 3 style).

Run it unchanged on keraslite:  keraslite run examples/keras_scripts/import_keras.py --epochs 5
"""

import argparse

import keras
import numpy as np
from keras import layers

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(400, 8)).astype("float32")
y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0).astype("int64")
x_train, x_test, y_train, y_test = x[:320], x[320:], y[:320], y[320:]

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32,
                    validation_data=(x_test, y_test), verbose=0)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"epochs: {len(history.history['loss'])}")
print(f"test accuracy: {accuracy:.3f}")
