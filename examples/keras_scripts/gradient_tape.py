"""A custom training loop with `tf.GradientTape`, `tf.constant` and `tf.reduce_mean`."""

import numpy as np
import tensorflow as tf

tf.random.set_seed(0)
rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(128, 3)), dtype=tf.float32)
y = tf.constant(np.asarray(x) @ np.array([[1.0], [-2.0], [0.5]], "float32"))

model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(1)])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for _ in range(60):
    loss = train_step(x, y)
final = float(np.asarray(loss))
print(f"final loss: {final:.6f}")
assert final < 1e-3, final
