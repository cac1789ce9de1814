"""`from tensorflow.python.keras import models, layers`: TensorFlow's private Keras 2 copy.

keraslite serves it with a one-line deprecation note (import keras instead).
"""

import numpy as np
from tensorflow.python.keras import layers, models

rng = np.random.default_rng(7)
x = rng.normal(size=(100, 3)).astype("float32")
y = (x[:, 0] > 0).astype("float32")

model = models.Sequential([layers.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                           layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, verbose=0)
print("layers:", [layer.name for layer in model.layers])
