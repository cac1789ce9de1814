"""Boston housing prices (13 features, 506 rows), as ``keras.datasets.boston_housing``."""

from __future__ import annotations

import numpy as np

from keraslite.datasets._sources import fetch, split_shuffled


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: float64 features (N, 13), prices in k$.

    Args:
        path: the file's name in the cache.
        test_split: the fraction kept for testing (after a shuffle with ``seed``).
        seed: the shuffle seed (113, as Keras: the same split as Keras).

    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    with np.load(fetch("boston_housing.npz", path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return split_shuffled(x, y, test_split, seed)
