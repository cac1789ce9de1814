"""`import tf_keras as keras`: the Keras 2 package that TensorFlow 2.16+ users install."""

import numpy as np
import tf_keras as keras

rng = np.random.default_rng(11)
x = rng.normal(size=(120, 4)).astype("float32")
y = rng.integers(0, 3, size=120)

model = keras.models.Sequential([
    keras.layers.Input(shape=(4,)),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=20, verbose=2)
print("predictions:", model.predict(x[:2], verbose=0).shape)
