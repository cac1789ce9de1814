"""CIFAR-100 small images (100 fine / 20 coarse classes), as ``keras.datasets.cifar100``."""

from __future__ import annotations

import os

import numpy as np

from keraslite.datasets._sources import fetch
from keraslite.datasets.cifar import load_batch, to_data_format


def load_data(label_mode: str = "fine") -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (50000, 32, 32, 3) and
    (10000, 32, 32, 3), int64 labels of shape (N, 1).

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 superclasses).

    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = fetch("cifar-100-python.tar.gz", "cifar-100-python-target", extract=True)
    path = os.path.join(path, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), f"{label_mode}_labels")
    return ((to_data_format(x_train), np.reshape(y_train, (-1, 1))),
            (to_data_format(x_test), np.reshape(y_test, (-1, 1))))
