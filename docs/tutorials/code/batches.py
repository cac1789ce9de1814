"""Tutorial 3: gradient descent with batches of 1, 32 and the whole set; the training display.

Writes batch_sizes.png.
"""
# --8<-- [start:data]
import numpy as np
from sklearn.datasets import make_moons

import keraslite as keras

x, y = make_moons(n_samples=512, noise=0.2, random_state=0)  # two interleaved half-moons
x = x.astype("float32")
print("x:", x.shape, " classes:", np.bincount(y))


def make_model():
    """The same small network, with the same starting weights every time."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model
# --8<-- [end:data]


# --8<-- [start:display]
model = make_model()
history = model.fit(x, y, epochs=3, batch_size=32)
# --8<-- [end:display]

# --8<-- [start:display2]
history = model.fit(x, y, epochs=2, batch_size=32, verbose=2)
# --8<-- [end:display2]

# --8<-- [start:compare]
epochs = 30
runs = {}
for batch_size in [1, 32, len(x)]:
    model = make_model()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    steps_per_epoch = int(np.ceil(len(x) / batch_size))
    runs[batch_size] = (history.history["loss"], steps_per_epoch)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    print(f"batch_size={batch_size:3d}: {steps_per_epoch:3d} steps per epoch, "
          f"{steps_per_epoch * epochs:5d} steps in all, final loss {loss:.3f}, "
          f"accuracy {accuracy:.3f}")
# --8<-- [end:compare]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
for batch_size, (losses, steps_per_epoch) in runs.items():
    label = f"batch_size={batch_size}" + (" (whole set)" if batch_size == len(x) else "")
    left.plot(range(1, epochs + 1), losses, marker=".", label=label)
    right.plot(steps_per_epoch * np.arange(1, epochs + 1), losses, marker=".", label=label)
left.set_xlabel("epoch")
left.set_title("Loss per epoch")
right.set_xscale("log")
right.set_xlabel("weight updates (steps), log scale")
right.set_title("Loss per number of updates")
for ax in (left, right):
    ax.set_ylabel("training loss")
    ax.legend()
fig.savefig("batch_sizes.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
