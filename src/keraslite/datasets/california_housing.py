"""California housing prices (8 features), as ``keras.datasets.california_housing``."""

from __future__ import annotations

import numpy as np

from keraslite.datasets._sources import fetch, split_shuffled


def load_data(version: str = "large", path: str = "california_housing.npz",
              test_split: float = 0.2, seed: int = 113) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: float32 features (N, 8), median values.

    Args:
        version: "large" (20640 rows) or "small" (the first 600).
        path: the file's name in the cache.
        test_split: the fraction kept for testing (after a shuffle with ``seed``).
        seed: the shuffle seed (113, as Keras).

    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    if version not in ("small", "large"):
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    with np.load(fetch("california_housing.npz", path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return split_shuffled(x, y, test_split, seed)
