"""Batch sources: the batches of a generator, a PyDataset or arrays, converted to arrays.

A source yields ``(xs, kind, ys, sample_weights)`` batches (the lists of arrays that the
trainer's per-batch methods take) through ``batches(steps)``; ``first()`` shows the first batch
without using it up (to build the model), ``has_more()`` tells whether another batch is there,
and ``ran_out`` is set when the data ended before ``steps`` batches. How each kind is read is
described in :mod:`keraslite.training.iterators`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from keraslite.backend import distribute, global_rng, xp
from keraslite.training import data as data_module

Batch = tuple[list, str, list, list]  # (input arrays, input kind, targets, sample weights)
_END = object()


def is_dataset(data: Any) -> bool:
    """Whether ``data`` is a PyDataset (or a Keras ``PyDataset``/``Sequence`` look-alike)."""
    return (hasattr(data, "__getitem__") and callable(getattr(data, "on_epoch_end", None))
            and not hasattr(data, "shape"))


def is_batch_source(data: Any) -> bool:
    """Whether ``data`` yields batches itself: a generator/iterator or a PyDataset."""
    return isinstance(data, Iterator) or is_dataset(data)


def unpack_batch(batch: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` of one batch; missing parts are None."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            "Each batch must be x, (x,), (x, y) or (x, y, sample_weight); put several inputs "
            f"inside x: ((x1, x2), y). Received: a tuple of {len(batch)} elements"
        )
    return batch + (None,) * (3 - len(batch))  # type: ignore[return-value]


def dataset_length(dataset: Any) -> int | None:
    """The number of batches of a PyDataset per pass; None for an endless one."""
    try:
        n = dataset.num_batches if hasattr(type(dataset), "num_batches") else len(dataset)
    except (NotImplementedError, TypeError) as err:
        raise TypeError(
            f"{type(dataset).__name__} must tell how many batches it holds: define __len__ "
            "(the number of batches, not of samples) or a `num_batches` property returning "
            f"None for an endless dataset. Received: {err}"
        ) from None
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise TypeError(
            f"{type(dataset).__name__}.__len__ must return the number of batches, a "
            f"non-negative int. Received: {n!r}"
        )
    return n


class StreamSource:
    """The batches of a generator: one stream, read once, with one batch of look-ahead."""

    def __init__(self, iterator: Iterator, convert: Callable[[Any], Batch]) -> None:
        self.iterator, self.convert = iterator, convert
        self.num_batches: int | None = None
        self.ran_out = False
        self._ahead: list = []

    def has_more(self) -> bool:
        """Read one batch ahead (kept for the next ``batches``); False at the end."""
        if not self._ahead:
            raw = next(self.iterator, _END)
            if raw is _END:
                return False
            self._ahead.append(self.convert(raw))
        return True

    def first(self) -> Batch:
        """The next batch, kept for ``batches`` (to build the model)."""
        if not self.has_more():
            raise ValueError(
                "The generator yielded no batch: it is empty or already used up (a generator "
                "can be read only once; create a new one for each call). Received: an "
                "exhausted generator"
            )
        return self._ahead[0]

    def batches(self, steps: int | None) -> Iterator[Batch]:
        """Yield ``steps`` batches (all that remain when None), continuing the stream."""
        count = 0
        while steps is None or count < steps:
            if not self.has_more():
                self.ran_out = steps is not None
                return
            count += 1
            yield self._ahead.pop()


class IndexedSource:
    """The batches of a PyDataset, read by index in passes (rules in ``iterators``)."""

    def __init__(self, dataset: Any, convert: Callable[[Any], Batch], shuffle: bool,
                 restart: bool) -> None:
        self.dataset, self.convert = dataset, convert
        self.shuffle, self.restart = shuffle, restart
        self.num_batches = dataset_length(dataset)
        self.ran_out = False
        self._pos = 0
        self._order: Any = None
        self._first: Batch | None = None

    def has_more(self) -> bool:
        return True

    def first(self) -> Batch:
        """Batch 0 (to build the model); the first pass reuses it instead of reading it again."""
        if self.num_batches == 0:
            raise ValueError(
                f"{type(self.dataset).__name__} holds no batch: its __len__ returned 0. "
                "Received: an empty PyDataset"
            )
        if self._first is None:
            self._first = self.convert(self.dataset[0])
        return self._first

    def _get(self, index: int) -> Batch:
        if index == 0 and self._first is not None:
            batch, self._first = self._first, None
            return batch
        return self.convert(self.dataset[index])

    def batches(self, steps: int | None) -> Iterator[Batch]:
        """Yield ``steps`` batches (one pass when None)."""
        n = self.num_batches
        if self.restart:
            self._pos = 0
        if n is None:  # endless: each call is one pass
            self.dataset.on_epoch_begin()
            for _ in range(steps):
                yield self._get(self._pos)
                self._pos += 1
            self.dataset.on_epoch_end()
            return
        total = n if steps is None else steps
        if self.restart and total > n:
            total, self.ran_out = n, True
        for _ in range(total):
            if self._pos == 0:
                # every worker reads the batches in the same order (distribute hook)
                self._order = distribute.same_order(global_rng().permutation(n)) \
                    if self.shuffle else None
                self.dataset.on_epoch_begin()
            yield self._get(self._pos if self._order is None else int(self._order[self._pos]))
            self._pos += 1
            if self._pos == n:
                self._pos = 0
                self.dataset.on_epoch_end()
        if self.restart and self._pos:
            self._pos = 0
            self.dataset.on_epoch_end()


# Arrays up to this size are shuffled with one gather per epoch; larger ones per batch, so that
# a shuffled copy of a large x (mlp-large: 180 MiB) is never held next to the original.
GATHER_ONCE_BYTES = 16 * 2**20


class Shuffled:
    """One epoch's view of ``array`` in the order ``order`` (None: as it is), sliced by batch.

    With ``buffers`` (a dict kept across epochs), a batch gathered from a large array is written
    into a reused array: the batch is then only valid until the next one is taken.
    """

    __slots__ = ("array", "order", "buffers")

    def __init__(self, array: Any, order: Any, buffers: dict | None = None) -> None:
        if order is not None and isinstance(array, xp.ndarray) and \
                array.nbytes <= GATHER_ONCE_BYTES:
            array, order = array[order], None
        self.array, self.order, self.buffers = array, order, buffers

    def __getitem__(self, sl: slice) -> Any:
        if self.order is None:
            return self.array[sl]
        rows = self.order[sl]
        if self.buffers is None or not isinstance(self.array, xp.ndarray):
            return self.array[rows]
        key = (id(self.array), len(rows))
        out = self.buffers.get(key)
        if out is None:
            out = self.buffers[key] = xp.empty((len(rows),) + self.array.shape[1:],
                                               self.array.dtype)
        # mode="clip" (the rows are valid indices) writes straight into `out`, unbuffered
        return xp.take(self.array, rows, axis=0, out=out, mode="clip")


class ArraySource:
    """Prepared arrays in (shuffled) batches, one epoch per call of ``batches``.

    Each epoch's row order passes through :func:`~keraslite.backend.distribute.shard_rows`
    (the data-parallel hook). Inputs of a batch may live in reused buffers (valid for one
    step); targets and sample weights never do (deferred metrics read them later).
    """

    def __init__(self, arrays: Batch, batch_size: int, shuffle: bool) -> None:
        self.arrays, self.batch_size, self.shuffle = arrays, batch_size, shuffle
        self.n = arrays[0][0].shape[0]
        if self.n == 0:
            raise ValueError(
                "The training data holds no samples: `x` has 0 rows, so there is nothing to "
                "fit. Check how the data was loaded or split. Received: x with 0 samples"
            )
        rows = self.n if distribute.get_strategy() is None else \
            len(distribute.shard_rows(xp.arange(self.n)))
        self.num_batches = max(-(-rows // batch_size), 1)
        self.ran_out = False
        self._buffers: dict = {}

    def has_more(self) -> bool:
        return True

    def first(self) -> Batch:
        return self.arrays

    def batches(self, steps: int | None) -> Iterator[Batch]:
        xs, kind, ys, sws = self.arrays
        order = distribute.shard_rows(global_rng().permutation(self.n) if self.shuffle
                                      else None if distribute.get_strategy() is None
                                      else xp.arange(self.n))
        n = self.n if order is None else len(order)
        ex = [Shuffled(a, order, self._buffers) for a in xs]
        ey = [Shuffled(a, order) for a in ys]
        ew = [Shuffled(a, order) for a in sws]
        size = self.batch_size
        simple = len(ex) == 1 and len(ey) == 1 and not ew  # the common case, without loops
        for step in range(-(-n // size) if steps is None else steps):
            start = (step * size) % n
            sl = slice(start, min(start + size, n))
            if simple:
                yield [ex[0][sl]], kind, [ey[0][sl]], []
            else:
                yield [a[sl] for a in ex], kind, [a[sl] for a in ey], [a[sl] for a in ew]


def _converter(model: Any, targets: bool, what: str,
               class_weight: dict | None = None) -> Callable[[Any], Batch]:
    """A function turning one raw batch into ``(xs, kind, ys, sample_weights)`` arrays."""

    def convert(raw: Any) -> Batch:
        x, y, sw = unpack_batch(raw)
        if not targets:
            xs, kind, _, _ = model._prepare(x)
            return _dense(xs), kind, [], []
        xs, kind, ys, sws = model._prepare(x, y, sw)
        xs = _dense(xs)
        if not ys and model._needs_targets("train" if what == "fit" else "test"):
            raise ValueError(
                f"`{what}` needs targets, but a batch holds only the inputs: make the generator "
                "or PyDataset produce (x, y) or (x, y, sample_weight) tuples. Received: a batch "
                f"of type {type(raw).__name__}"
            )
        return xs, kind, ys, weigh_classes(ys, sws, class_weight)

    return convert


def _dense(xs: list) -> list:
    """A batch's sparse inputs (a generator may yield SciPy matrices) as dense arrays."""
    return [a[:] if isinstance(a, data_module.SparseRows) else a for a in xs]


def weigh_classes(ys: list, sws: list, class_weight: dict | None) -> list:
    """The sample weights times each sample's class weight (unchanged without ``class_weight``)."""
    if class_weight is None:
        return sws
    if len(ys) != 1:
        raise ValueError("`class_weight` is only supported for models with one output.")
    cw = data_module.class_weights_to_sample_weights(ys[0], class_weight)
    return [cw * sws[0]] if sws else [cw]


def make_source(model: Any, data: Any, what: str, *, targets: bool = True, shuffle: bool = False,
                restart: bool = True, class_weight: dict | None = None) -> Any:
    """A :class:`StreamSource` or :class:`IndexedSource` over ``data``."""
    convert = _converter(model, targets, what, class_weight)
    if is_dataset(data):  # a tf.data.Dataset orders its own batches (`keeps_order`)
        return IndexedSource(data, convert, shuffle and not getattr(data, "keeps_order", False),
                             restart)
    return StreamSource(data, convert)


