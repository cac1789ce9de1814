"""A Functional model with `from tensorflow import keras`."""

import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
x = rng.normal(size=(200, 6)).astype("float32")
y = (x[:, 0] - x[:, 1] > 0).astype("float32")

inputs = keras.Input(shape=(6,), name="features")
hidden = keras.layers.Dense(12, activation="relu")(inputs)
outputs = keras.layers.Dense(1, activation="sigmoid", name="survived")(hidden)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=16, verbose=0)
print(f"accuracy: {model.evaluate(x, y, verbose=0)[1]:.3f}")
