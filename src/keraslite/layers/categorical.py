"""``CategoryEncoding`` and ``Hashing``: integer or string categories to ids and vectors.

Both follow Keras 3 (``keras/src/layers/preprocessing/category_encoding.py`` and
``hashing.py``). ``Hashing`` reproduces TensorFlow's hashes exactly (FarmHash Fingerprint64,
or SipHash-2-4 with a ``salt``; see :mod:`keraslite.layers.string_hashes`), so a value lands
in the same bin as with Keras.
"""

from __future__ import annotations

from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.layers.base import Layer
from keraslite.layers.sparse_outputs import DirectCalls, check_sparse_mode, encode_csr
from keraslite.layers.string_hashes import hash_bucket
from keraslite.layers.text_common import (
    DataLayerCalls,
    encode,
    encoded_shape,
    spec,
    to_numbers,
    to_strings,
)


class CategoryEncoding(DirectCalls, DataLayerCalls, Layer):
    """Encode integer ids ``< num_tokens`` as one-hot, multi-hot or count vectors.

    For ``"multi_hot"`` and ``"count"`` the last axis holds the ids of one sample (so a batch
    is ``(batch, ids_per_sample)``); for ``"one_hot"`` each id becomes a vector.
    ``count_weights`` (count mode) weigh each id. The output feeds a ``Dense`` layer directly
    (it is a constant input: no gradient flows back into the ids).

    With ``sparse=True``, a direct call returns a ``scipy.sparse.csr_matrix`` (inside a model
    the layer passes dense batches on; see :mod:`keraslite.layers.sparse_outputs`).

    Math: ``multi_hot[b, j] = 1 if j in x[b, :]``; ``count[b, j] = sum_k w[b, k] [x[b, k] = j]``.
    """

    _keeps_int_inputs = True

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot",
                 sparse: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError("Unknown arg for output_mode: expected 'one_hot', 'multi_hot' or "
                             f"'count'. Received: output_mode={output_mode!r}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of "
                             "tokens is not known beforehand, use the IntegerLookup layer "
                             "instead. Received: num_tokens=None")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("`count_weights` is not used when `output_mode` is not "
                             f"`'count'`. Received `count_weights={count_weights}`.")
        weights = None
        if count_weights is not None:
            weights = xp.asarray(count_weights.value if isinstance(count_weights, Tensor)
                                 else count_weights, dtype=self.dtype)
        if self.sparse and self._direct_call:
            return encode_csr(to_numbers(inputs), self.output_mode, self.num_tokens,
                              "CategoryEncoding", weights)
        out = encode(to_numbers(inputs), self.output_mode, self.num_tokens, weights)
        return Tensor(out.astype(self.dtype))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return encoded_shape(tuple(input_shape), self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return spec(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config


class Hashing(DirectCalls, DataLayerCalls, Layer):
    """Hash strings or integers into ``num_bins`` bins (``tf.strings.to_hash_bucket_fast``).

    A value becomes ``Fingerprint64(str(value)) % num_bins`` (floats are truncated to ints
    first); with ``salt`` the keyed SipHash-2-4 is used instead. With ``mask_value``, that
    value maps to 0 and the others to ``1 + hash % (num_bins - 1)``. ``output_mode`` may
    also be ``"one_hot"``, ``"multi_hot"`` or ``"count"`` (vectors of ``num_bins``), with
    ``sparse=True`` a ``scipy.sparse.csr_matrix`` when called directly on data.
    """

    _keeps_int_inputs = True
    _takes_strings = True  # a model starting with it reads string data

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None,
                 output_mode: str = "int", sparse: bool = False, **kwargs: Any) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError('When `output_mode="int"`, `dtype` should be an integer type, '
                             f"'int32' or 'int64'. Received: dtype={self.dtype}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                             f"{modes}. Received: output_mode={output_mode}")
        check_sparse_mode("Hashing", sparse, output_mode)
        if isinstance(salt, int):
            salt = [salt, salt]
        elif salt is not None:
            if not (isinstance(salt, (tuple, list)) and len(salt) == 2):
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of "
                                 f"size 2 integers, or a single integer. Received: salt={salt}.")
            salt = list(salt)
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.salt = salt
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def _bins(self, inputs: Any) -> Any:
        raw = inputs.value if isinstance(inputs, Tensor) else inputs
        raw = xp.asarray(raw) if not isinstance(raw, str) else xp.asarray(raw, dtype=object)
        if raw.dtype.kind in "OUS":
            values = to_strings(raw)
            keys = values.reshape(-1).tolist()
            masked = [v == self.mask_value for v in keys]
        else:
            values = raw
            flat = raw.reshape(-1)
            masked = [False] * flat.size if self.mask_value is None else \
                (flat == self.mask_value).tolist()
            keys = [str(int(v)) for v in flat.tolist()]
        bins = self.num_bins
        use_mask = self.mask_value is not None and bins > 1
        if use_mask:
            bins -= 1
        key = tuple(self.salt) if self.salt is not None else None
        out = [hash_bucket(k, bins, key) for k in keys]
        if use_mask:
            out = [0 if m else b + 1 for b, m in zip(out, masked)]
        return xp.asarray(out, dtype=xp.int64).reshape(values.shape)

    def call(self, inputs: Any) -> Any:
        bins = self._bins(inputs)
        if self.output_mode == "int":
            return Tensor(bins.astype(self.dtype))
        if self.output_mode == "one_hot" and bins.ndim and bins.shape[-1] == 1:
            bins = bins[..., 0]
        if self.sparse and self._direct_call:
            return encode_csr(bins, self.output_mode, self.num_bins, "Hashing")
        return Tensor(encode(bins, self.output_mode, self.num_bins).astype(self.dtype))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        return (shape[:-1] if shape else ()) + (self.num_bins,)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return spec(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt,
                       "mask_value": self.mask_value, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config
