"""Fashion-MNIST (Zalando clothing images), as ``keras.datasets.fashion_mnist``."""

from __future__ import annotations

import gzip
import os

import numpy as np

from keraslite.datasets._sources import fetch

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read(path: str, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data() -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (60000, 28, 28) and
    (10000, 28, 28), uint8 labels 0-9 (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal,
    Shirt, Sneaker, Bag, Ankle boot). The four IDX files are cached in
    ``~/.keras/datasets/fashion-mnist``.
    """
    paths = [fetch(name, cache_subdir=os.path.join("datasets", "fashion-mnist"))
             for name in _FILES]
    y_train, y_test = _read(paths[0], 8), _read(paths[2], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
