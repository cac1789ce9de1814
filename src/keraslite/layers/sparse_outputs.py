"""Sparse (SciPy CSR) and ragged (a list of arrays) outputs of the text and categorical layers.

Keras 3 gives ``CategoryEncoding``, ``Hashing``, ``StringLookup``, ``IntegerLookup`` and
``TextVectorization`` a ``sparse=`` argument (a ``tf.SparseTensor``, or a JAX ``BCOO`` for
``CategoryEncoding``/``Hashing``; the lookups and ``TextVectorization`` need TensorFlow) and
``TextVectorization`` a ``ragged=`` argument (a ``tf.RaggedTensor``, TensorFlow only). keraslite
computes on NumPy arrays, so:

- called directly on data, a layer with ``sparse=True`` returns a ``scipy.sparse.csr_matrix``
  of shape ``(samples, tokens)``, built from the ids without a dense intermediate (a single
  sample is one row: SciPy matrices are 2-D). ``fit``/``evaluate``/``predict`` take it as they
  take scikit-learn's ``CountVectorizer`` output, densifying one batch at a time;
- called directly, ``TextVectorization(ragged=True)`` returns a list with one 1-D int64 array of
  token ids per text, unpadded (cut to ``output_sequence_length`` if set);
- inside a model (a Functional or Sequential graph, ``fit``, ``predict``) the layers pass each
  batch on as a dense array: the numbers a sparse tensor holds (a ragged batch is padded with
  0 to its longest text), since keraslite's layers compute on dense arrays.

A call is direct when its input is data (an array, a list, a string: not a keraslite
``Tensor``, which is what a layer receives inside a model, also from the training engine's
replayed steps) and no other layer or model call is in progress (``Layer.__call__`` sets
``_TRAINING[0]`` for the outermost call).
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, to_numpy, xp
from keraslite.layers.graph_calls import _TRAINING
from keraslite.layers.symbolic import is_symbolic
from keraslite.layers.text_common import checked_ids


def scipy_sparse(layer: str) -> Any:
    """``scipy.sparse``, or an ImportError naming the extra to install."""
    try:
        import scipy.sparse as sparse
    except ImportError as error:  # pragma: no cover - scipy is in the test extra
        raise ImportError(
            f"{layer}(sparse=True) returns a SciPy sparse matrix, but SciPy is not installed. "
            "Install it with `pip install keraslite[scipy]` (or `pip install scipy`), or use "
            "sparse=False for a dense array.") from error
    return sparse


class DirectCalls:
    """Mixed in before ``Layer``: records whether the call in progress was made directly on
    data (``self._direct_call``), rather than inside a model or on symbolic inputs.
    """

    _direct_call = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        direct = _TRAINING[0] is None and bool(args) and not isinstance(args[0], Tensor) \
            and not is_symbolic((args, kwargs))
        if not direct:
            return super().__call__(*args, **kwargs)
        self.__dict__["_direct_call"] = True
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.__dict__["_direct_call"] = False


def check_sparse_mode(layer: str, sparse: bool, output_mode: str) -> None:
    """Keras' rule: ``sparse=True`` needs an encoding output mode, not ``"int"``."""
    if sparse and output_mode == "int":
        raise ValueError(
            f"`sparse` may only be true with a vector `output_mode` ('multi_hot', 'count', "
            f"'one_hot', ...), not 'int': {layer}'s ids are one number per token. "
            f"Received: sparse={sparse} and output_mode={output_mode}")


def encode_csr(ids: Any, mode: str, depth: int, layer: str, weights: Any = None,
               scale: Any = None) -> Any:
    """Integer ids as a CSR matrix of ``one_hot`` / ``multi_hot`` / ``count`` rows.

    Same rules as :func:`keraslite.layers.text_common.encode` (``-1`` ids are skipped,
    ``weights`` weigh each id in ``count`` mode), with ``scale`` (tf-idf) multiplying each
    column: ``out[b, j] = scale[j] * sum_k w[b, k] [ids[b, k] = j]``.
    """
    sparse = scipy_sparse(layer)
    ids = to_numpy(xp.asarray(ids, dtype=xp.int64))
    ids = checked_ids(ids, mode, depth)
    if mode == "one_hot":
        shape, rows = ids.shape + (depth,), ids.reshape(-1, 1)
    else:
        shape, rows = ids.shape[:-1] + (depth,), ids.reshape(1, -1) if ids.ndim <= 1 else ids
    if len(shape) > 2:
        raise ValueError(
            f"{layer}(sparse=True) returns a 2-D SciPy matrix (samples x {depth}), but these "
            f"ids give an output of shape {shape}. Pass one row of ids per sample, or use "
            f"sparse=False. Received: ids of shape {ids.shape}")
    dtype = floatx() if weights is None else to_numpy(xp.asarray(weights)).dtype
    n = rows.shape[0]
    row_index, position = (rows >= 0).nonzero()  # host arrays, in row-major order
    columns = rows[row_index, position]
    if weights is None or mode != "count":
        values = (columns >= 0).astype(dtype)  # ones
    else:
        values = to_numpy(xp.asarray(weights, dtype)).reshape(rows.shape)[row_index, position]
    out = sparse.coo_matrix((values, (row_index, columns)), shape=(n, depth)).tocsr()
    out.sum_duplicates()
    if mode in ("multi_hot", "one_hot"):
        out.data[:] = 1
    if scale is not None:
        out.data *= to_numpy(scale).astype(out.dtype)[out.indices]
    return out


def lookup_csr(lookup: Any, ids: Any, layer: str | None = None) -> Any:
    """The CSR matrix of a ``StringLookup``/``IntegerLookup``'s ids in its vector mode
    (``layer``: the name for messages, that of ``lookup``'s class by default).
    """
    tf_idf = lookup.output_mode == "tf_idf"
    return encode_csr(ids, "count" if tf_idf else lookup.output_mode, lookup._depth(),
                      layer or type(lookup).__name__, scale=lookup._idf if tf_idf else None)


def ragged_rows(rows: list, width: int | None) -> list:
    """Each row of token ids as a 1-D int64 array, cut to ``width`` when it is set."""
    return [xp.asarray(row[:width] if width is not None else row, dtype=xp.int64)
            for row in rows]
