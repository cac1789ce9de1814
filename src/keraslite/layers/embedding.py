"""Embedding (integer ids to dense vectors) and Masking (skip padded time steps)."""

from __future__ import annotations

from typing import Any

from keraslite import constraints, initializers, ops, regularizers
from keraslite.autodiff import node
from keraslite.autodiff.tensor import Tensor
from keraslite.backend import on_gpu, xp
from keraslite.backend.device import scatter_add
from keraslite.layers.base import Layer
from keraslite.layers.core import _serialize_or_none
from keraslite.naming import DiagnosticError, fail
from keraslite.ops.core import value_of


def embedding_ids_error(layer: Any, low: int, high: int) -> DiagnosticError:
    """The error for token ids outside ``[0, input_dim)`` of an Embedding layer.

    Keras on a CPU raises an opaque index error here, and on a GPU silently returns zeros.
    """
    n = layer.input_dim
    if low < 0:
        return fail(
            f"Embedding layer '{layer.name}' received a negative token id ({low}). Token ids "
            f"index rows of the embedding table and must lie in [0, {n}). Received: ids in "
            f"[{low}, {high}]", "embedding-id-out-of-range")
    if high == n:
        hint = (f"The largest id equals input_dim ({n}): off by one. Token ids from a "
                "Tokenizer's word_index start at 1, so the table needs one more row than "
                f"there are words: use Embedding(input_dim={n + 1}, ...), i.e. "
                "input_dim=len(word_index) + 1 (or num_words).")
    else:
        hint = (f"Ids up to {high} appear, but the table has {n} rows. If the vocabulary was "
                "cut (Tokenizer(num_words=...), TextVectorization(max_tokens=...)), use the "
                f"same number as input_dim; otherwise use input_dim={high + 1} or more "
                "(the largest id + 1).")
    return fail(
        f"Embedding layer '{layer.name}' received token id {high}, but input_dim={n} only "
        f"allows ids 0..{n - 1}. {hint} Received: ids in [{low}, {high}]",
        "embedding-id-out-of-range")


class Embedding(Layer):
    """Turns token ids into dense vectors:  output[b, t] = embeddings[ids[b, t]].

    The table ``embeddings`` has shape ``(input_dim, output_dim)``; its gradient is the sum of
    the output gradients of every position holding each id (rows never looked up get zero).

    Args:
        input_dim: the vocabulary size: ids must lie in ``[0, input_dim)``, so with a
            ``word_index`` numbered from 1, ``input_dim = len(word_index) + 1``.
        output_dim: the size of each vector.
        embeddings_initializer: default ``"uniform"`` (U(-0.05, 0.05)), as in Keras.
        embeddings_regularizer, embeddings_constraint: a penalty / projection for the table.
        mask_zero: treat id 0 as padding: the output carries a mask (``ids != 0``) that RNNs,
            pooling layers, losses and metrics honour (see :mod:`keraslite.layers.masks`).
        weights: a pretrained ``(input_dim, output_dim)`` matrix (or ``[matrix]``); pass
            ``trainable=False`` to keep it frozen.
        input_length: Keras 2's argument, accepted and ignored (with a one-line note); data
            padded to another length gets the ``padded-length-changed`` warning.

    """

    _keeps_int_inputs = True

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None,
                 mask_zero: bool = False, weights: Any = None, lora_rank: int | None = None,
                 **kwargs: Any) -> None:
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, xp.integer)) or value <= 0:
                raise ValueError(
                    f"`{arg}` must be a positive integer. Received: {arg}={value!r} (of type "
                    f"{type(value).__name__})")
        input_length = kwargs.get("input_length")
        super().__init__(**kwargs)
        # Keras 2's sequence length: ignored, but kept for the padded-length-changed diagnostic.
        self._input_length_arg = input_length if isinstance(input_length, int) else None
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if weights is not None:
            self.build()
            if not (isinstance(weights, (list, tuple)) and len(weights) == 1):
                weights = [weights]
            self.set_weights([xp.asarray(value_of(weights[0]))])

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            name="embeddings", regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        ids = xp.asarray(value_of(inputs))
        if ids.dtype.kind != "i" and ids.dtype.kind != "u":
            if ids.dtype.kind not in "fb":
                raise TypeError(
                    f"Embedding layer '{self.name}' expects integer token ids. Received: an "
                    f"input of dtype {ids.dtype}. Turn texts into ids first (Tokenizer, "
                    "TextVectorization) and pad them with keras.utils.pad_sequences.")
            ids = ids.astype(xp.intp)
        if ids.size:
            low, high = int(ids.min()), int(ids.max())
            if low < 0 or high >= self.input_dim:
                raise embedding_ids_error(self, low, high)
        return embedding_lookup(self.embeddings, ids)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``ids != 0`` when ``mask_zero``, else None."""
        if not self.mask_zero:
            return None
        return Tensor(xp.asarray(value_of(inputs)) != 0)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": _serialize_or_none(self.embeddings_regularizer),
            "activity_regularizer": _serialize_or_none(self.activity_regularizer),
            "embeddings_constraint": _serialize_or_none(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        }
        return config


def embedding_lookup(table: Any, ids: Any) -> Tensor:
    """Rows of ``table`` at integer ``ids``:  out[..., :] = table[ids[...], :].

    The gradient w.r.t. the table adds each output gradient row into the row of its id
    (dL/dtable[v] = Σ_{positions p with ids[p] = v} g[p]): the positions sorted by id, then
    one segmented sum (``add.reduceat``) per distinct id.
    """
    table_value = value_of(table)
    idx = xp.asarray(value_of(ids))
    out = table_value[idx]

    def vjp(g):
        flat = idx.reshape(-1)
        if on_gpu():  # CuPy has no add.reduceat: an atomic scatter-add on the device
            grad = xp.zeros_like(table_value)
            scatter_add(grad, flat, g.reshape(-1, table_value.shape[1]))
            return (grad,)
        order = xp.argsort(flat, kind="stable")
        ids = flat[order]
        first = xp.flatnonzero(xp.concatenate([xp.ones(min(ids.size, 1), bool),
                                               ids[1:] != ids[:-1]]))
        grad = xp.zeros_like(table_value)
        if ids.size:
            rows = g.reshape(-1, table_value.shape[1])[order]
            grad[ids[first]] = xp.add.reduceat(rows, first, axis=0)
        return (grad,)

    return node(out, (table,), vjp)


class Masking(Layer):
    """Masks time steps whose features all equal ``mask_value`` (zeros them, and marks them).

    A step t of sample b is kept when any feature differs:  mask[b, t] = any_f(x[b, t, f] ≠ v).
    Kept steps pass unchanged; masked ones become 0 and downstream RNNs skip them.

    Args:
        mask_value: the padding value (default 0.0).

    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Tensor:
        return Tensor(xp.any(xp.asarray(value_of(inputs)) != self.mask_value, axis=-1))

    def call(self, inputs: Any) -> Tensor:
        keep = xp.any(xp.asarray(value_of(inputs)) != self.mask_value, axis=-1, keepdims=True)
        out = ops.multiply(inputs, keep.astype(inputs.dtype))
        out._keras_mask = Tensor(keep[..., 0])
        return out

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
