"""CIFAR-10 small images (10 classes), as ``keras.datasets.cifar10``."""

from __future__ import annotations

import os

import numpy as np

from keraslite.datasets._sources import fetch
from keraslite.datasets.cifar import load_batch, to_data_format


def load_data() -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (50000, 32, 32, 3) and
    (10000, 32, 32, 3) (channels first if ``image_data_format()`` says so), uint8 labels of
    shape (N, 1): airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck.
    """
    path = fetch("cifar-10-python.tar.gz", "cifar-10-batches-py-target", extract=True)
    path = os.path.join(path, "cifar-10-batches-py")
    parts = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    return ((to_data_format(x_train), y_train.reshape(-1, 1)),
            (to_data_format(x_test.astype("uint8")),
             np.asarray(y_test, dtype="uint8").reshape(-1, 1)))
