"""Keras 2 habits that still run on keraslite, each with a one-line deprecation note.

`input_shape=` on the first layer, a bare-number shape, `lr=`, an activation name with stray
spaces, `keras.utils.np_utils`, and the `K.*` math of the classic hand-written F1 metric.
"""

import numpy as np
from keras import backend as K
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import Adam
from keras.utils.np_utils import to_categorical


def recall_m(y_true, y_pred):
    true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
    possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
    return true_positives / (possible_positives + K.epsilon())


rng = np.random.default_rng(17)
x = rng.normal(size=(150, 4)).astype("float32")
y = to_categorical((x[:, 0] > 0).astype(int), num_classes=2)

model = Sequential()
model.add(Dense(8, activation=" relu ", input_shape=4))
model.add(Dense(2, activation="softmax"))
model.compile(optimizer=Adam(lr=0.01), loss="categorical_crossentropy",
              metrics=["accuracy", recall_m])
history = model.fit(x, y, epochs=10, batch_size=15, verbose=0)
print(f"accuracy: {history.history['accuracy'][-1]:.3f}, "
      f"recall: {history.history['recall_m'][-1]:.3f}")
