"""A TensorFlow-tutorial input pipeline: `tf.data.Dataset` into fit, evaluate and predict."""

import numpy as np
import tensorflow as tf

tf.random.set_seed(7)
rng = np.random.default_rng(7)
x = rng.normal(size=(600, 4)).astype("float32")
y = (x[:, 0] - x[:, 1] + 0.5 * x[:, 2] > 0).astype("int64")


def normalize(features, label):
    return (features - tf.reduce_mean(features)) / 2.0, label


full = tf.data.Dataset.from_tensor_slices((x, y))
train_ds = (full.take(480).map(normalize, num_parallel_calls=tf.data.AUTOTUNE).cache()
            .shuffle(480).batch(32).prefetch(tf.data.AUTOTUNE))
val_ds = full.skip(480).map(normalize).batch(32)
print("batches:", len(train_ds), "train,", len(val_ds), "validation")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, epochs=10, validation_data=val_ds, verbose=0)
loss, accuracy = model.evaluate(val_ds, verbose=0)
print(f"loss {history.history['loss'][0]:.3f} -> {history.history['loss'][-1]:.3f}, "
      f"validation accuracy {accuracy:.3f}")
assert history.history["loss"][-1] < history.history["loss"][0] and accuracy > 0.85

features = full.skip(480).map(lambda f, label: normalize(f, label)[0]).batch(40)
print("predictions:", model.predict(features, verbose=0).shape)
