"""``tf.data`` for the TensorFlow stand-in: the input pipelines of the TensorFlow tutorials.

A :class:`Dataset` is a recipe: a function that starts a fresh pass over its elements, and its
cardinality (the number of elements, or ``INFINITE_CARDINALITY`` / ``UNKNOWN_CARDINALITY``).
Each transformation (``batch``, ``shuffle``, ``map``, ...) wraps the recipe of its input, so
iterating a dataset twice runs the pipeline twice, as in TensorFlow. Elements are NumPy arrays
inside tuples and dicts; iterating yields them as keraslite Tensors, ``as_numpy_iterator()`` as
arrays.

``fit``/``evaluate``/``predict`` read a dataset as a PyDataset-like batch source: each element
is one batch (so call ``.batch(n)`` first, as with TensorFlow), every epoch starts a new pass
(reshuffling a ``.shuffle()``), and an infinite ``.repeat()`` needs ``steps_per_epoch``. As for
a ``tf.data.Dataset`` in Keras, fit's ``shuffle`` argument does not reorder the batches.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from keraslite import ops
from keraslite.autodiff import Tensor
from keraslite.backend import global_rng

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class TensorSpec:
    """``tf.TensorSpec(shape, dtype)``: describes one output of ``Dataset.from_generator``."""

    def __init__(self, shape: Any = None, dtype: Any = "float32", name: str | None = None) -> None:
        self.shape, self.dtype, self.name = shape, np.dtype(dtype), name

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name!r})"


# -- element structures: nested tuples and dicts of arrays -----------------------------------
def _map(fn: Callable[[Any], Any], element: Any) -> Any:
    """``fn`` applied to every array of ``element``, keeping its tuples and dicts."""
    if isinstance(element, dict):
        return {key: _map(fn, value) for key, value in element.items()}
    if isinstance(element, tuple):
        return tuple(_map(fn, value) for value in element)
    return fn(element)


def _leaves(element: Any) -> list:
    if isinstance(element, dict):
        return [leaf for value in element.values() for leaf in _leaves(value)]
    if isinstance(element, tuple):
        return [leaf for value in element for leaf in _leaves(value)]
    return [element]


def _zip_map(fn: Callable[[list], Any], elements: list) -> Any:
    """``fn`` applied to the arrays at the same place in each of ``elements``."""
    first = elements[0]
    if isinstance(first, dict):
        return {key: _zip_map(fn, [e[key] for e in elements]) for key in first}
    if isinstance(first, tuple):
        return tuple(_zip_map(fn, [e[i] for e in elements]) for i in range(len(first)))
    return fn(elements)


def _to_array(value: Any) -> np.ndarray:
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, list):  # TensorFlow reads a list as one tensor, not a structure
        value = [_to_array(v) for v in value]
    array = np.asarray(value)
    if array.dtype == np.float64 and not isinstance(value, (np.ndarray, np.generic)):
        return array.astype("float32")  # Python floats make float32 tensors, as in TensorFlow
    return array


def _to_tensor(array: np.ndarray) -> Any:
    numeric = getattr(array, "dtype", None) is not None and array.dtype.kind in "biuf"
    return ops.convert_to_tensor(array) if numeric else array  # strings stay as they are


def _structure(value: Any) -> Any:
    """A user's element (lists read as arrays, pandas columns as arrays) as arrays."""
    if isinstance(value, dict):
        return {key: _structure(v) for key, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_structure(v) for v in value)
    return _to_array(value)


class Dataset:
    """A ``tf.data.Dataset``: build one with a ``from_*`` constructor or :meth:`range`.

    Args:
        make_iterator: a function starting a new pass over the elements (array structures).
        cardinality: the number of elements, ``INFINITE_CARDINALITY`` or ``UNKNOWN_CARDINALITY``.

    """

    def __init__(self, make_iterator: Callable[[], Iterator], cardinality: int) -> None:
        self._make_iterator, self._cardinality = make_iterator, int(cardinality)
        self._pass: Iterator | None = None  # the batch-source reading of fit/evaluate/predict
        self._ahead: dict[int, Any] = {}
        self._read = 0

    # -- constructors --------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per row of ``tensors`` (an array, a tuple or a dict of arrays)."""
        data = _structure(tensors)
        sizes = {len(leaf) if leaf.ndim else -1 for leaf in _leaves(data)}
        if len(sizes) != 1 or -1 in sizes:
            raise ValueError("from_tensor_slices needs arrays with the same first dimension. "
                             f"Received first dimensions: {sorted(sizes)}")
        n = sizes.pop()
        return Dataset(lambda: (_map(lambda a, i=i: a[i], data) for i in range(n)), n)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """A dataset of one element, ``tensors``."""
        data = _structure(tensors)
        return Dataset(lambda: iter([data]), 1)

    @staticmethod
    def range(*args: int, dtype: Any = "int64", name: str | None = None) -> Dataset:
        """The integers of ``range(*args)``, as Python's ``range``."""
        values = range(*args)
        return Dataset(lambda: (np.asarray(v, dtype) for v in values), len(values))

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None, output_shapes: Any = None,
                       args: tuple | None = None, output_signature: Any = None,
                       name: str | None = None) -> Dataset:
        """The elements yielded by ``generator(*args)``, called anew for each pass.

        The length is unknown, so ``fit`` needs ``steps_per_epoch`` (or ``.take(n)``).
        """
        types = output_types if output_signature is None else _map(
            lambda spec: spec.dtype, output_signature)

        def cast(element: Any) -> Any:
            element = _structure(tuple(element) if isinstance(element, list) else element)
            if types is None:
                return element
            if not isinstance(types, (tuple, dict)):
                return np.asarray(element, types)
            return _zip_map(lambda pair: np.asarray(pair[0], pair[1]), [element, types])

        return Dataset(lambda: map(cast, generator(*(args or ()))), UNKNOWN_CARDINALITY)

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> Dataset:
        """Tuples of the elements of ``datasets`` (a tuple of datasets, or several)."""
        if len(datasets) == 1 and isinstance(datasets[0], tuple):
            datasets = datasets[0]
        sizes = [d._cardinality for d in datasets]
        finite = [s for s in sizes if s >= 0]
        size = (min(finite) if finite else UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in sizes
                else INFINITE_CARDINALITY)
        return Dataset(lambda: zip(*(d._make_iterator() for d in datasets)), size)

    # -- transformations -----------------------------------------------------------------
    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Any = None, deterministic: Any = None,
              name: str | None = None) -> Dataset:
        """Stack ``batch_size`` consecutive elements (the last batch may be smaller)."""
        size, n = int(batch_size), self._cardinality

        def batches() -> Iterator:
            source = self._make_iterator()
            while chunk := list(itertools.islice(source, size)):
                if len(chunk) < size and drop_remainder:
                    return
                yield _zip_map(np.stack, chunk)

        return Dataset(batches, n if n < 0 else n // size if drop_remainder else -(-n // size))

    def unbatch(self, name: str | None = None) -> Dataset:
        """Split each element along its first dimension (undoes :meth:`batch`)."""
        def rows() -> Iterator:
            for element in self._make_iterator():
                for i in range(len(_leaves(element)[0])):
                    yield _map(lambda a, i=i: a[i], element)

        return Dataset(rows, INFINITE_CARDINALITY if self._cardinality == INFINITE_CARDINALITY
                       else UNKNOWN_CARDINALITY)

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name: str | None = None) -> Dataset:
        """Shuffle through a buffer of ``buffer_size`` elements, as TensorFlow does.

        Each output is drawn at random from the buffer and replaced by the next input element,
        so a buffer at least as large as the dataset gives a uniform shuffle. The draws come
        from ``seed`` or else keraslite's global generator (``tf.random.set_seed``), and differ
        at each pass unless ``reshuffle_each_iteration=False``.
        """
        passes = itertools.count()
        fixed = seed if seed is not None else int(global_rng().integers(2**63))

        def shuffled() -> Iterator:
            if not reshuffle_each_iteration:
                rng = np.random.default_rng(fixed)
            elif seed is not None:
                rng = np.random.default_rng([seed, next(passes)])
            else:
                rng = np.random.default_rng(int(global_rng().integers(2**63)))
            source, buffer = self._make_iterator(), []
            buffer.extend(itertools.islice(source, max(int(buffer_size), 1)))
            while buffer:
                i = int(rng.integers(len(buffer)))
                element = next(source, None)
                if element is None:
                    buffer[i], buffer[-1] = buffer[-1], buffer[i]
                    yield buffer.pop()
                else:
                    yield buffer[i]
                    buffer[i] = element

        return Dataset(shuffled, self._cardinality)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The elements ``count`` times over (forever when None or -1)."""
        endless = count is None or count < 0
        n = self._cardinality
        if n == 0 or count == 0:
            size = 0
        elif endless or n == INFINITE_CARDINALITY:
            size = INFINITE_CARDINALITY
        else:
            size = n * count if n >= 0 else UNKNOWN_CARDINALITY

        def repeated() -> Iterator:
            for _ in itertools.count() if endless else range(count):
                empty = True
                for element in self._make_iterator():
                    empty = False
                    yield element
                if empty:  # an empty dataset repeated is empty, not a hang
                    return

        return Dataset(repeated, size)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first ``count`` elements (all of them when -1)."""
        if count < 0:
            return self
        n = self._cardinality
        size = count if n == INFINITE_CARDINALITY else min(n, count) if n >= 0 else n
        return Dataset(lambda: itertools.islice(self._make_iterator(), count), size)

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (none when -1)."""
        n = self._cardinality
        if count < 0:
            return Dataset(lambda: iter(()), 0)
        return Dataset(lambda: itertools.islice(self._make_iterator(), count, None),
                       max(n - count, 0) if n >= 0 else n)

    def map(self, map_func: Callable, num_parallel_calls: Any = None,
            deterministic: Any = None, name: str | None = None) -> Dataset:
        """``map_func`` applied to each element (a tuple is passed as separate arguments).

        The function gets keraslite Tensors (arrays for strings) and returns the new element.
        """
        def apply(element: Any) -> Any:
            given = _map(_to_tensor, element)
            out = map_func(*given) if isinstance(given, tuple) else map_func(given)
            return _structure(tuple(out) if isinstance(out, list) else out)

        return Dataset(lambda: map(apply, self._make_iterator()), self._cardinality)

    def filter(self, predicate: Callable, name: str | None = None) -> Dataset:
        """The elements for which ``predicate`` (called as in :meth:`map`) is true."""
        def keep(element: Any) -> bool:
            given = _map(_to_tensor, element)
            return bool(predicate(*given) if isinstance(given, tuple) else predicate(given))

        return Dataset(lambda: filter(keep, self._make_iterator()), UNKNOWN_CARDINALITY)

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Keep the elements of the first complete pass in memory and replay them afterwards."""
        kept: list = []

        def cached() -> Iterator:
            if kept:
                yield from kept[0]
                return
            seen = []
            for element in self._make_iterator():
                seen.append(element)
                yield element
            kept.append(seen)

        return Dataset(cached, self._cardinality)

    def prefetch(self, buffer_size: Any = None, name: str | None = None) -> Dataset:
        """The dataset itself: keraslite reads elements when they are needed."""
        return self

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """The elements of this dataset, then those of ``dataset``."""
        a, b = self._cardinality, dataset._cardinality
        size = a + b if a >= 0 and b >= 0 else min(a, b) if -2 in (a, b) else -1
        return Dataset(lambda: itertools.chain(self._make_iterator(), dataset._make_iterator()),
                       size)

    # -- reading -------------------------------------------------------------------------
    def __iter__(self) -> Iterator:
        """The elements, as keraslite Tensors."""
        return (_map(_to_tensor, element) for element in self._make_iterator())

    def as_numpy_iterator(self) -> Iterator:
        """The elements, as NumPy arrays."""
        return iter(self._make_iterator())

    def cardinality(self) -> Tensor:
        """The number of elements, ``INFINITE_CARDINALITY`` (-1) or ``UNKNOWN_CARDINALITY`` (-2)."""
        return ops.convert_to_tensor(np.int64(self._cardinality))

    def __len__(self) -> int:
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<keraslite stand-in for tf.data.Dataset, cardinality {self._cardinality}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        from keraslite.compat.tensorflow_standin import Namespace

        return getattr(Namespace("tf.data.Dataset"), name)

    # -- the batch source read by fit/evaluate/predict (keraslite.training.sources) -------
    keeps_order = True  # fit's `shuffle` does not reorder the batches, as in Keras

    @property
    def num_batches(self) -> int | None:
        """Elements per pass, None when infinite or unknown (``steps_per_epoch`` needed)."""
        return self._cardinality if self._cardinality >= 0 else None

    def __getitem__(self, index: int) -> Any:
        """Element ``index`` of the current pass; asking for one already read starts a new pass.

        The trainer reads each index of a pass once, so elements read ahead are dropped when
        they are handed over.
        """
        if index < self._read and index not in self._ahead:
            self._pass, self._ahead, self._read = None, {}, 0
        if self._pass is None:
            self._pass = self._make_iterator()
        while self._read <= index:
            element = next(self._pass, None)
            if element is None:
                raise IndexError(f"The dataset ended after {self._read} elements "
                                 f"(steps asked for element {index + 1}).")
            self._ahead[self._read] = element
            self._read += 1
        return self._ahead.pop(index)

    def on_epoch_begin(self) -> None:
        """Called by the trainer before each pass."""

    def on_epoch_end(self) -> None:
        """Called by the trainer after each pass: the next one starts afresh (unless endless)."""
        if self._cardinality >= 0:
            self._pass, self._ahead, self._read = None, {}, 0
