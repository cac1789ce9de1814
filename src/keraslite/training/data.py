"""Turning user data (arrays, DataFrames, lists, dicts) into checked arrays, and batching.

Everything is converted once, before the first epoch: to contiguous arrays of the model's
float dtype, with clear errors for data that cannot be used.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp


def _columns_with(frame: Any, kinds: str) -> list[str]:
    return [str(c) for c, dt in frame.dtypes.items() if getattr(dt, "kind", "O") in kinds]


class SparseRows:
    """A SciPy sparse matrix (CountVectorizer / TfidfVectorizer output) read by rows.

    It stays sparse in memory; indexing it with a slice or an array of row indices gives the
    rows as a dense array of ``dtype`` (one batch at a time). ``subset`` keeps rows sparse.
    """

    ndim = 2

    def __init__(self, matrix: Any, dtype: Any = None) -> None:
        self.matrix = matrix.tocsr()
        self.dtype = xp.dtype(dtype or (matrix.dtype if matrix.dtype.kind == "f" else floatx()))
        self.shape = self.matrix.shape

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: Any) -> Any:
        return xp.asarray(self.matrix[rows].toarray(), dtype=self.dtype)

    def subset(self, rows: Any) -> SparseRows:
        return SparseRows(self.matrix[rows], self.dtype)

    def astype(self, dtype: Any) -> SparseRows:
        return SparseRows(self.matrix, dtype)

    def sample(self, rows: int = 1024) -> Any:
        """The first ``rows`` rows, dense (for checks that look at the data)."""
        return self[:rows]


def is_sparse(data: Any) -> bool:
    """Whether ``data`` is a SciPy sparse matrix or array (checked without importing SciPy)."""
    return type(data).__module__.startswith("scipy.sparse") and hasattr(data, "tocsr")


def to_array(data: Any, argument: str, float_dtype: str | None = None,
             strings: bool = False) -> Any:
    """Convert one input or target to an array, refusing strings with a helpful error.

    Args:
        data: an array, Tensor, DataFrame, Series or (nested) list of numbers.
        argument: the user's argument name (``x``, ``y`` ...) for error messages.
        float_dtype: cast floats (and ints, booleans) to this dtype; ``None`` keeps them.
        strings: the model takes strings here (a ``dtype="string"`` input): keep them.

    """
    if isinstance(data, Tensor):
        data = data.value
    if isinstance(data, SparseRows):
        return data
    if is_sparse(data):
        if len(data.shape) != 2:
            raise ValueError(f"`{argument}` is a sparse array of rank {len(data.shape)}; only "
                             f"2-D sparse matrices are read. Received: shape={data.shape}")
        return SparseRows(data, float_dtype)
    if hasattr(data, "to_numpy") and hasattr(data, "dtypes") and hasattr(data, "columns"):
        bad = _columns_with(data, "OSUM")
        if bad and not strings:
            raise TypeError(
                f"`{argument}` is a DataFrame with non-numeric columns {bad}. Neural networks "
                "need numbers: encode them first (e.g. pandas.factorize or get_dummies) or drop "
                f"them. Received: {argument} with dtypes {dict(data.dtypes.astype(str))}"
            )
        data = data.to_numpy()
    elif hasattr(data, "to_numpy"):
        data = data.to_numpy()
    try:
        array = xp.asarray(data)
    except ValueError as err:
        raise ValueError(
            f"`{argument}` could not be turned into an array: its rows have different lengths "
            f"(ragged lists, such as the token ids of texts of different lengths). Pad or "
            f"truncate every sequence to one length first (keras.utils.pad_sequences(sequences, "
            f"maxlen=...)). Received: {argument} of type {type(data).__name__} ({err})"
        ) from None
    if array.dtype.kind in "OUS" and strings:
        return array.astype(object)
    if array.dtype.kind in "OUS":
        try:
            array = array.astype(floatx())
        except (TypeError, ValueError):
            sample = next((v for v in array.reshape(-1) if isinstance(v, (str, bytes))), None)
            text = " " in str(sample).strip()
            fix = ("This looks like raw text, and this model's inputs are numbers. Either "
                   "start the model with keras.Input(shape=(1,), dtype=\"string\") followed "
                   "by a keras.layers.TextVectorization layer (call its adapt(texts) before "
                   "fit), or tokenize the texts into numbers first: "
                   "TextVectorization(output_mode=\"int\", output_sequence_length=...) after "
                   "adapt, or Tokenizer + pad_sequences" if text else
                   "Convert strings to numbers first (for example with pandas.factorize or a "
                   "lookup table)")
            raise TypeError(
                f"`{argument}` contains non-numeric values such as {str(sample)!r} (dtype "
                f"{array.dtype}). {fix}. Received: {argument}.dtype={array.dtype}"
            ) from None
    if float_dtype is not None and array.dtype.kind in "fiub" and array.dtype != float_dtype:
        array = array.astype(float_dtype)
    return array


def frame_columns(data: Any) -> list[str] | None:
    """The column names of a DataFrame (None for other data), for error messages."""
    if hasattr(data, "columns") and hasattr(data, "dtypes"):
        return [str(c) for c in data.columns]
    return None


def flatten_data(data: Any, argument: str, names: list[str] | None,
                 float_dtype: str | None, strings: Any = None) -> tuple[list, str]:
    """Return ``(arrays, kind)``: the list of arrays and how they were given.

    ``kind`` is ``"single"``, ``"list"`` or ``"dict"``; dicts are ordered by ``names``.
    ``strings(i)`` tells whether the ``i``-th array may hold strings (a string input).
    """
    def keep(i: int) -> bool:
        return bool(strings is not None and strings(i))

    if data is None:
        return [], "none"
    if isinstance(data, dict):
        if names is None:
            return [to_array(v, f"{argument}[{k!r}]", float_dtype) for k, v in data.items()], \
                "dict"
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(
                f"`{argument}` is a dict, so it needs a key for each of the model's names "
                f"{names}; missing {missing}. Received keys: {sorted(data)}"
            )
        return [to_array(data[n], f"{argument}[{n!r}]", float_dtype, keep(i))
                for i, n in enumerate(names)], "dict"
    if isinstance(data, (list, tuple)) and data and all(
        (hasattr(d, "shape") or hasattr(d, "to_numpy") or isinstance(d, Tensor))
        and not isinstance(d, (str, bytes)) for d in data  # numpy's str_ has a shape
    ):
        return [to_array(d, f"{argument}[{i}]", float_dtype, keep(i))
                for i, d in enumerate(data)], "list"
    return [to_array(data, argument, float_dtype, keep(0))], "single"


def check_lengths(named: list[tuple[str, Any]]) -> int:
    """All arrays must have the same number of samples; return it."""
    sizes = [(n, a.shape[0] if a.ndim else None) for n, a in named]
    for n, s in sizes:
        if s is None:
            raise ValueError(
                f"`{n}` is a single number, but data must be an array with one row per sample. "
                f"Received: {n} with shape ()"
            )
    if len({s for _, s in sizes}) > 1:
        listing = ", ".join(f"{n} has {s}" for n, s in sizes)
        raise ValueError(
            f"Data cardinality is ambiguous: the arguments hold different numbers of samples "
            f"({listing}). Make sure all arrays contain the same number of samples: x and y "
            "from the same split (train_test_split(x, y) returns x_train, x_test, y_train, "
            "y_test, in that order)."
        )
    return sizes[0][1] if sizes else 0


def split_validation(arrays: list, fraction: float) -> tuple[list, list]:
    """Hold out the last ``fraction`` of the samples (before any shuffling), as Keras does."""
    n = arrays[0].shape[0]
    split_at = int(n * (1.0 - fraction))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={fraction} leaves no samples for training or validation with "
            f"{n} samples. Use a fraction strictly between 0 and 1 that keeps both non-empty."
        )
    def part(a: Any, rows: slice) -> Any:
        return a.subset(rows) if isinstance(a, SparseRows) else a[rows]

    return [part(a, slice(None, split_at)) for a in arrays], \
        [part(a, slice(split_at, None)) for a in arrays]


def class_weights_to_sample_weights(y: Any, class_weight: dict) -> Any:
    """One weight per sample, looked up from the class of its label."""
    labels = y.argmax(axis=-1) if (y.ndim > 1 and y.shape[-1] > 1) else y.reshape(len(y), -1)[:, 0]
    labels = xp.round(labels).astype(xp.int64)
    weights = {}
    for k, w in class_weight.items():
        try:
            weights[int(k)] = float(w)
        except (TypeError, ValueError):
            raise ValueError(
                "`class_weight` maps class indices to weights, e.g. {0: 1.0, 1: 3.0}. "
                f"Received: class_weight={class_weight!r}"
            ) from None
    table = xp.ones(max(max(weights, default=0), int(labels.max(initial=0))) + 1, floatx())
    for k, w in weights.items():
        table[k] = w
    return table[labels]
