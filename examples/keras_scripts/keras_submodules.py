"""Three classes with `from keras.models import ...` / `from keras.layers import ...` imports."""

import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import Adam
from keras.utils import set_random_seed, to_categorical

set_random_seed(1)
rng = np.random.default_rng(1)
x = rng.normal(size=(300, 4)).astype("float32")
labels = np.argmax(x[:, :3], axis=1)
y = to_categorical(labels, num_classes=3)

model = Sequential([Input(shape=(4,)), Dense(16, activation="relu"),
                    Dense(3, activation="softmax")])
model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x, y, epochs=15, batch_size=32, validation_split=0.2, verbose=0)
accuracy = model.evaluate(x, y, verbose=0)[1]
print(f"training accuracy: {accuracy:.3f}")
assert accuracy > 0.8, accuracy
