"""MNIST handwritten digits, as ``keras.datasets.mnist`` (downloaded once, 11 MB)."""

from __future__ import annotations

import numpy as np

from keraslite.datasets._sources import fetch


def load_data(path: str = "mnist.npz") -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (60000, 28, 28) and
    (10000, 28, 28), uint8 labels 0-9.

    Args:
        path: the file's name in the cache (``~/.keras/datasets``).

    """
    with np.load(fetch("mnist.npz", path), allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
