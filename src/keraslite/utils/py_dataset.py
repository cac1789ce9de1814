"""``PyDataset`` (alias ``Sequence``): a dataset that produces its batches in Python code."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any


class PyDataset:
    """Base class for datasets that build each batch in Python, as Keras 3's ``PyDataset``.

    Subclass it, call ``super().__init__(**kwargs)``, and define ``__len__`` (the number of
    *batches*) and ``__getitem__(index)`` (batch ``index``, as ``(x, y)``, ``(x, y,
    sample_weight)`` or ``x`` alone for ``predict``). Optionally define ``on_epoch_end()``
    (called after each pass over the batches, e.g. to reshuffle) and ``on_epoch_begin()``. For
    an endless dataset, define a ``num_batches`` property returning None instead of
    ``__len__`` and pass ``steps_per_epoch`` to ``fit``.

    ``fit(dataset, epochs=...)`` reads every batch once per epoch, in a shuffled order of the
    batches when ``shuffle=True`` (the default; pass ``shuffle=False`` to keep the order).

    Args:
        workers: accepted for Keras code. keraslite reads batches in the calling thread, one at
            a time, so this starts no threads.
        use_multiprocessing: accepted for Keras code; starts no processes.
        max_queue_size: accepted for Keras code; there is no queue.

    Example:
        >>> import numpy as np
        >>> class Batches(PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, index):
        ...         rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[rows], self.y[rows]
        >>> len(Batches(np.zeros((10, 2)), np.zeros(10), batch_size=4))
        3

    """

    workers: int = 1  # class defaults: a subclass that skips super().__init__() still works
    use_multiprocessing: bool = False
    max_queue_size: int = 10

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10) -> None:
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index: int) -> Any:
        """Batch ``index`` (counted from 0): ``(x, y)``, ``(x, y, sample_weight)`` or ``x``."""
        raise NotImplementedError(
            f"{type(self).__name__} must define __getitem__(self, index) returning batch "
            "`index` as (x, y) or (x, y, sample_weight)."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches per pass (``len(self)``), or None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must define __len__ (the number of batches), or a "
            "`num_batches` property returning None for an endless dataset."
        )

    def __iter__(self) -> Iterator[Any]:
        """The batches in order (endlessly when ``num_batches`` is None)."""
        n = self.num_batches
        for index in itertools.count() if n is None else range(n):
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called before each pass over the batches."""

    def on_epoch_end(self) -> None:
        """Called after each pass over the batches (override it to reshuffle, for example)."""


Sequence = PyDataset
