"""Seeding, label encoding and session reset."""

from __future__ import annotations

from typing import Any

import numpy

from keraslite.backend import floatx, set_seed
from keraslite.naming import reset_uids


def set_random_seed(seed: int) -> None:
    """Seed every random source keraslite uses (and Python's and NumPy's global ones).

    After this, weight initialization, shuffling and dropout repeat exactly, so two runs of
    the same ``fit`` give bit-for-bit identical weights.
    """
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool):
        raise ValueError(
            f"Expected `seed` to be an integer. Received: seed={seed!r} (of type "
            f"{type(seed).__name__})"
        )
    import random

    random.seed(int(seed))
    numpy.random.seed(int(seed) % (2**32))
    set_seed(int(seed))


def to_categorical(x: Any, num_classes: int | None = None) -> numpy.ndarray:
    """One-hot encode integer class labels: ``[0, 2]`` -> ``[[1, 0, 0], [0, 0, 1]]``.

    Args:
        x: integer labels (any shape; a trailing axis of size 1 is dropped).
        num_classes: the number of classes (``max(x) + 1`` by default).

    """
    labels = numpy.asarray(getattr(x, "value", x))
    if labels.dtype.kind == "f":
        if not numpy.all(numpy.equal(numpy.mod(labels, 1), 0)):
            raise ValueError(
                "to_categorical() expects integer class labels. Received: non-integer values "
                f"such as {labels[numpy.mod(labels, 1) != 0].ravel()[:3].tolist()}"
            )
    labels = labels.astype("int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.size and labels.min() < 0:
        raise ValueError(
            f"to_categorical() expects labels >= 0. Received: minimum label {labels.min()}"
        )
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"Label {int(labels.max())} is out of range for num_classes={num_classes}: labels "
            f"must be in [0, {num_classes - 1}]. Received: num_classes={num_classes}"
        )
    return numpy.eye(num_classes, dtype=floatx())[labels]


def clear_session() -> None:
    """Reset the automatic name counters (``dense``, ``dense_1`` ... start over)."""
    reset_uids()
