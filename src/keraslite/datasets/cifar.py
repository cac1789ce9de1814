"""Reading CIFAR batch files (Python pickles) safely: see :mod:`keraslite.datasets.safe_pickle`."""

from __future__ import annotations

from typing import Any

import numpy as np

from keraslite.config import image_data_format
from keraslite.datasets.safe_pickle import loads


def load_batch(fpath: Any, label_key: str = "labels") -> tuple:
    """``(data, labels)`` of one CIFAR batch: uint8 (N, 3, 32, 32) and a list of ints."""
    with open(fpath, "rb") as f:
        batch = loads(f.read())
    if not isinstance(batch, dict):
        raise ValueError(f"{fpath} is not a CIFAR batch (expected a dict)")
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data = np.asarray(batch["data"], dtype=np.uint8)
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_data_format(x: np.ndarray) -> np.ndarray:
    """Channels last (N, 32, 32, 3) unless ``image_data_format()`` is channels_first."""
    return x.transpose(0, 2, 3, 1) if image_data_format() == "channels_last" else x
