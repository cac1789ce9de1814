"""Tutorial 4: vanishing gradients in a deep sigmoid network, watched with keraslite's
gradient monitor, and fixed with relu and He initialization.

Writes gradient_norms.png and vanishing_loss.png.
"""
# --8<-- [start:model]
import warnings

import numpy as np
from sklearn.datasets import make_moons

import keraslite as keras

x, y = make_moons(n_samples=512, noise=0.2, random_state=0)
x = x.astype("float32")


def deep_network(activation, initializer, depth=8, width=32):
    """`depth` hidden layers of `width` neurons, then one sigmoid output neuron."""
    keras.utils.set_random_seed(0)
    hidden = [keras.layers.Dense(width, activation=activation, kernel_initializer=initializer,
                                 name=f"hidden_{i + 1}") for i in range(depth)]
    model = keras.Sequential([keras.Input(shape=(2,)), *hidden,
                              keras.layers.Dense(1, activation="sigmoid", name="output")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model
# --8<-- [end:model]


# --8<-- [start:sigmoid]
sigmoid_net = deep_network("sigmoid", "glorot_uniform")  # glorot_uniform: Dense's default
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    sigmoid_history = sigmoid_net.fit(
        x, y, epochs=20, batch_size=32, verbose=0,
        callbacks=[keras.callbacks.GradientNormLogger()])  # records grad_norm/<layer>
for warning in caught:
    print(f"{type(warning.message).__name__}: {warning.message}\n")
print("final loss", round(sigmoid_history.history["loss"][-1], 3),
      " accuracy", round(sigmoid_history.history["accuracy"][-1], 3))
# --8<-- [end:sigmoid]

# --8<-- [start:norms]
names = [layer.name for layer in sigmoid_net.layers]
norms = [sigmoid_history.history[f"grad_norm/{name}"][0] for name in names]  # epoch 1
for name, norm, closer in zip(names, norms, norms[1:] + [None]):
    shrink = f"  ({closer / norm:4.1f} times smaller than the next layer's)" if closer else ""
    print(f"{name:>8}: {norm:.1e}{shrink}")
# --8<-- [end:norms]

# --8<-- [start:relu]
relu_net = deep_network("relu", "he_normal")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    relu_history = relu_net.fit(x, y, epochs=20, batch_size=32, verbose=0,
                                callbacks=[keras.callbacks.GradientNormLogger()])
print("warnings:", len(caught))
print("final loss", round(relu_history.history["loss"][-1], 3),
      " accuracy", round(relu_history.history["accuracy"][-1], 3))
first = relu_history.history["grad_norm/hidden_1"][0]
last = relu_history.history["grad_norm/output"][0]
print(f"epoch 1: gradient norm at hidden_1 {first:.1e}, at the output layer {last:.1e}")
# --8<-- [end:relu]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
keras.utils.plot_gradient_norms(sigmoid_history, ax=left,
                                title="sigmoid, glorot_uniform: gradients vanish")
keras.utils.plot_gradient_norms(relu_history, ax=right, title="relu, he_normal: they do not")
for ax in (left, right):
    ax.legend(fontsize=7, ncol=2)
fig.savefig("gradient_norms.png", dpi=100, bbox_inches="tight")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(np.arange(1, 21), sigmoid_history.history["loss"], marker=".", label="sigmoid")
ax.plot(np.arange(1, 21), relu_history.history["loss"], marker=".", label="relu + he_normal")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Eight hidden layers")
ax.legend()
fig.savefig("vanishing_loss.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
