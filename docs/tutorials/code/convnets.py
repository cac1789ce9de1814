"""Tutorial 7: convolutional networks. The convolution as a small dense layer slid over the
image (im2col: one matrix product), pooling, and keras.io's "simple MNIST convnet" trained on
scikit-learn's 8x8 digits (upscaled to 28x28), which ship with scikit-learn (no download).

    python convnets.py           # the tutorial, on the 8x8 digits upscaled to 28x28
    python convnets.py --mnist   # the same network on MNIST (downloads 11 MB once)

Writes convnet_filters.png.
"""
# --8<-- [start:digits]
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keraslite as keras


def load_small_digits():
    """scikit-learn's 1797 digits (8x8, values 0..16) as MNIST-like 28x28 images in [0, 1]:
    each pixel becomes a 3x3 block (24x24), with a 2-pixel border (MNIST's digits, too, fill
    the middle of a 28x28 image)."""
    digits = load_digits()
    images = np.kron(digits.images, np.ones((3, 3))) / 16.0
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.2, stratify=digits.target, random_state=0)
    return (x_train, y_train), (x_test, y_test)


def load_mnist():
    """The real thing: 60 000 + 10 000 handwritten 28x28 digits, values 0..255."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return (x_train / 255.0, y_train), (x_test / 255.0, y_test)


(x_train, y_train), (x_test, y_test) = load_mnist() if "--mnist" in sys.argv \
    else load_small_digits()
x_train = x_train[..., None].astype("float32")  # (n, 28, 28) -> (n, 28, 28, 1): one channel
x_test = x_test[..., None].astype("float32")
print("train:", x_train.shape, " test:", x_test.shape, " labels:", np.unique(y_train))
# --8<-- [end:digits]

# --8<-- [start:loops]
keras.utils.set_random_seed(0)
conv = keras.layers.Conv2D(4, kernel_size=(3, 3))  # 4 filters of 3x3 pixels
image = x_train[:1]                                # a batch of one image, (1, 28, 28, 1)
out = np.asarray(conv(image))
kernel, bias = (np.asarray(w) for w in conv.get_weights())
print("kernel", kernel.shape, " bias", bias.shape, " output", out.shape)

by_hand = np.zeros((26, 26, 4))
for i in range(26):          # every position of the 3x3 window ...
    for j in range(26):
        patch = image[0, i:i + 3, j:j + 3, :]          # (3, 3, 1)
        for f in range(4):   # ... times every filter: a dot product, plus the bias
            by_hand[i, j, f] = np.sum(patch * kernel[..., f]) + bias[f]
print("loops == Conv2D:", np.allclose(by_hand, out[0], atol=1e-5))
# --8<-- [end:loops]

# --8<-- [start:im2col]
from numpy.lib.stride_tricks import sliding_window_view

windows = sliding_window_view(image[0], (3, 3), axis=(0, 1))  # (26, 26, 1, 3, 3)
patches = windows.transpose(0, 1, 3, 4, 2).reshape(26 * 26, 3 * 3 * 1)  # one row per position
weights = kernel.reshape(3 * 3 * 1, 4)                                  # one column per filter
as_dense = patches @ weights + bias                                     # ONE matrix product
print("patches", patches.shape, "@ weights", weights.shape, "->", as_dense.shape)
print("im2col == Conv2D:", np.allclose(as_dense.reshape(26, 26, 4), out[0], atol=1e-5))
# --8<-- [end:im2col]

# --8<-- [start:pooling]
grid = np.arange(16.0).reshape(1, 4, 4, 1)
pooled = keras.layers.MaxPooling2D(pool_size=(2, 2))(grid)
print(grid[0, :, :, 0])
print("max over each 2x2 block:\n", np.asarray(pooled)[0, :, :, 0])
# --8<-- [end:pooling]

# --8<-- [start:model]
num_classes = 10
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    keras.layers.MaxPooling2D(pool_size=(2, 2)),
    keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
    keras.layers.MaxPooling2D(pool_size=(2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(num_classes, activation="softmax"),
])
model.summary()
# --8<-- [end:model]

# --8<-- [start:train]
y_train_1hot = keras.utils.to_categorical(y_train, num_classes)
y_test_1hot = keras.utils.to_categorical(y_test, num_classes)
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(x_train, y_train_1hot, batch_size=32, epochs=4, validation_split=0.1,
                    verbose=2)
loss, accuracy = model.evaluate(x_test, y_test_1hot, verbose=0)
print(f"test loss {loss:.3f}, test accuracy {accuracy:.3f}")
# --8<-- [end:train]

# --8<-- [start:dense]
conv1 = model.layers[0]
print("Conv2D(32, 3x3) on 28x28x1:", conv1.count_params(), "weights")
print("a Dense layer with the same 26x26x32 outputs:", (28 * 28 + 1) * 26 * 26 * 32, "weights")
# --8<-- [end:dense]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

first = model.layers[0]
filters = np.asarray(first.kernel)[:, :, 0, :]       # (3, 3, 32)
maps = np.asarray(first(x_test[:2]))                  # (2, 26, 26, 32): relu(conv) of 2 digits

fig, axes = plt.subplots(3, 9, figsize=(12, 4.6))
for ax in axes.flat:
    ax.axis("off")
axes[0, 0].text(0.5, 0.5, "filters", ha="center", va="center")
limit = abs(filters[:, :, :8]).max()
for k in range(8):
    axes[0, k + 1].imshow(filters[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[0, k + 1].set_title(f"filter {k}", fontsize=9)
for row in (1, 2):
    axes[row, 0].imshow(x_test[row - 1, :, :, 0], cmap="gray_r")
    axes[row, 0].set_title(f"input: {y_test[row - 1]}", fontsize=9)
    for k in range(8):
        axes[row, k + 1].imshow(maps[row - 1, :, :, k], cmap="viridis")
fig.suptitle("First Conv2D layer: 3x3 filters (red +, blue -) and their feature maps")
fig.savefig("convnet_filters.png", dpi=100, bbox_inches="tight")
# --8<-- [end:plot]
