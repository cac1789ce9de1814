"""`from tensorflow.keras.layers import Dense, Input` and friends, with a Keras 3 F1 metric."""

import numpy as np
from tensorflow.keras import backend as K
from tensorflow.keras import ops
from tensorflow.keras.layers import Dense, Input
from tensorflow.keras.models import Model
from tensorflow.keras.optimizers import Adam


def f1(y_true, y_pred):
    """F1 score of a batch, written with keras.ops (Keras 3)."""
    y_true = ops.reshape(ops.cast(y_true, "float32"), (-1,))
    y_pred = ops.reshape(ops.round(y_pred), (-1,))
    tp = ops.sum(y_true * y_pred)
    precision = tp / (ops.sum(y_pred) + K.epsilon())
    recall = tp / (ops.sum(y_true) + K.epsilon())
    return 2 * precision * recall / (precision + recall + K.epsilon())


K.clear_session()
rng = np.random.default_rng(5)
x = rng.normal(size=(240, 5)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32").reshape(-1, 1)

inputs = Input(shape=(5,))
outputs = Dense(1, activation="sigmoid")(Dense(8, activation="relu")(inputs))
model = Model(inputs, outputs)
model.compile(optimizer=Adam(learning_rate=0.02), loss="binary_crossentropy",
              metrics=["accuracy", f1])
history = model.fit(x, y, epochs=15, batch_size=24, verbose=0)
print("metrics:", sorted(history.history))
print(f"f1: {history.history['f1'][-1]:.3f}")
