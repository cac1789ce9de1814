"""examples/mnist_convnet.py: its offline data paths, and the convnet learning on them."""

import gzip
import sys
from pathlib import Path

import numpy as np

import keraslite as keras

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import mnist_convnet  # noqa: E402


def test_read_idx_reads_mnist_format_files(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([3, 7], np.uint8)
    header = np.array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28], np.uint8).tobytes()
    for split in ("train", "t10k"):
        (tmp_path / f"{split}-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(header + images.tobytes()))
        (tmp_path / f"{split}-labels-idx1-ubyte").write_bytes(header[:8] + labels.tobytes())
    (x, y), (xt, yt) = mnist_convnet.read_idx(tmp_path)
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(yt, labels)


def test_convnet_learns_synthetic_digits():
    """The example's network (smaller, fewer steps) learns the generated digits."""
    (x, y), (xt, yt) = mnist_convnet.synthetic_digits(1200, 0), mnist_convnet.synthetic_digits(
        300, 1)
    assert x.shape == (1200, 28, 28) and x.dtype == np.uint8 and set(np.unique(y)) == set(
        range(10))
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu"),
                              L.MaxPooling2D(2), L.Conv2D(16, 3, activation="relu"),
                              L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                              L.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(3e-3), metrics=["accuracy"])
    model.fit(x[..., None] / 255.0, y, batch_size=64, epochs=6, verbose=0)
    assert model.evaluate(xt[..., None] / 255.0, yt, verbose=0)[1] > 0.85  # chance: 0.1
