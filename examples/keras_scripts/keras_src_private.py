"""Private `keras.src.*` paths (found in code copied from Keras' own source) also resolve."""

import numpy as np
from keras.src.layers import Dense
from keras.src.layers.core.dense import Dense as DenseFromFile
from keras.src.models import Sequential
from keras.src.optimizers import SGD

assert Dense is DenseFromFile
rng = np.random.default_rng(13)
x = rng.normal(size=(64, 2)).astype("float32")
y = x.sum(axis=1, keepdims=True)

model = Sequential([Dense(1)])
model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
model.fit(x, y, epochs=30, verbose=0)
print(f"mse: {model.evaluate(x, y, verbose=0):.5f}")
