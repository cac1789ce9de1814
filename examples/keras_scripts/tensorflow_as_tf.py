"""Regression with `import tensorflow as tf` and `tf.keras.*` (TensorFlow 2 style)."""

import numpy as np
import tensorflow as tf

print("TensorFlow", tf.__version__)
print("GPUs:", tf.config.list_physical_devices("GPU"))
tf.random.set_seed(42)

rng = np.random.default_rng(42)
x = rng.uniform(-1, 1, size=(256, 3)).astype("float32")
y = (x @ np.array([[2.0], [-1.0], [0.5]]) + 0.3).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(3,), dtype=tf.float32),
    tf.keras.layers.Dense(8, activation="tanh"),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(tf.constant(x), tf.convert_to_tensor(y), epochs=40, batch_size=32, verbose=0)
final = history.history["loss"][-1]
print(f"final mse: {final:.4f}")
assert final < 0.05, final
