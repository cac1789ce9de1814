"""The vocabulary lookup behind ``StringLookup``, ``IntegerLookup`` and ``TextVectorization``.

Behaviour, arguments, configs and the ``.keras`` layout follow Keras 3
(``keras/src/layers/preprocessing/index_lookup.py``): ids ``[mask][oov...][tokens]``; ``adapt``
ranks tokens by count, ties broken by the larger token first; tf-idf weights are
``ln(1 + documents / (1 + documents containing the token))``, with the mean weight for the
special ids; an adapted vocabulary is saved in the archive's ``assets/`` as ``vocabulary.txt``
and tf-idf weights as the ``idf_weights`` variable, so files go both ways with Keras 3.
Lookups run on the host (dicts of Python values); the outputs are Tensors without gradient.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.layers.base import Layer
from keraslite.layers.sparse_outputs import DirectCalls, check_sparse_mode, lookup_csr
from keraslite.layers.string_hashes import hash_bucket
from keraslite.layers.text_common import (
    DataLayerCalls,
    adapt_batches,
    encode,
    encoded_shape,
    listed,
    sort_key,
    spec,
    to_numbers,
    to_strings,
)

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(DirectCalls, DataLayerCalls, Layer):
    """The shared lookup of `StringLookup` and `IntegerLookup` (see their docstrings)."""

    _strings = True
    _keeps_int_inputs = True

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: Any = None, oov_token: Any = None, vocabulary: Any = None,
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int",
                 pad_to_max_tokens: bool = False, sparse: bool = False,
                 oov_method: str = "floormod", salt: Any = None, name: str | None = None,
                 **kwargs: Any) -> None:
        kwargs.pop("dtype", None)
        kwargs.pop("vocabulary_dtype", None)
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        super().__init__(name=name, dtype=floatx(), **kwargs)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: "
                             f"max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                             f"max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if output_mode not in _MODES:
            raise ValueError(f"Invalid value for argument `output_mode` of {cls}: expected "
                             f"one of {_MODES}. Received: output_mode={output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: "
                             f"output_mode={output_mode}")
        check_sparse_mode(cls, sparse, output_mode)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is "
                             f"`'tf_idf'`. Received: output_mode={output_mode}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"`oov_method` must be 'floormod' or 'farmhash'. Received: "
                             f"oov_method={oov_method!r}")
        if isinstance(salt, int):
            salt = [salt, salt]
        elif salt is not None:
            salt = list(salt)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.oov_method = oov_method
        self.salt = salt
        self._has_input_vocabulary = has_input_vocabulary
        self.input_vocabulary = None if isinstance(vocabulary, str) else listed(vocabulary)
        self.input_idf_weights = listed(idf_weights)
        self._tokens: list = []
        self._index: dict = {}
        self._idf = None
        self.reset_state()
        self.built = True
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output "
                             "mode, the `idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- conversions (overridden by StringLookup / IntegerLookup) -------------------------
    def _convert(self, x: Any) -> Any:
        return to_strings(x) if self._strings else to_numbers(x)

    def _key(self, value: Any) -> Any:
        return value

    # -- the vocabulary -------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of ids: special ids plus tokens."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The tokens by id (with the mask and OOV tokens first unless told otherwise)."""
        if not include_special_tokens:
            return list(self._tokens)
        specials = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        return specials + list(self._tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Use ``vocabulary`` (a list, array, or a text file with one token a line); in
        ``tf_idf`` mode with ``idf_weights``, one weight per token.
        """
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode}")
        if isinstance(vocabulary, (str, os.PathLike)):
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            vocabulary = [self._parse_line(line) for line in lines if line != ""]
        values = self._convert(vocabulary.value if isinstance(vocabulary, Tensor)
                               else vocabulary).reshape(-1).tolist()
        vocabulary = [self._key(v) for v in values]
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        start = self._token_start_index()
        specials = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        found_specials = vocabulary[:start] == specials
        tokens = vocabulary[start:] if found_specials else vocabulary
        repeated = [t for t, c in Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for special, argument, check in ((self.mask_token, "mask_token", True),
                                         (self.oov_token, "oov_token", self.invert)):
            if check and special is not None and special in tokens:
                raise ValueError(
                    f"Found reserved {argument} {special!r} at an unexpected location in "
                    "`vocabulary`. The vocabulary does not need the OOV and mask tokens: "
                    "remove them, or put them only at the start in precisely this order: "
                    f"{specials}. Received: {argument}={special!r}")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {start + len(tokens)}; "
                             f"`max_tokens` is {self.max_tokens}.")
        self._tokens = tokens
        self._index = {t: i for i, t in enumerate(tokens, start=start)}
        if self.output_mode == "tf_idf":
            weights = xp.asarray(listed(idf_weights), dtype=xp.float64).reshape(-1)
            if len(weights) != len(vocabulary):
                raise ValueError("`idf_weights` must be the same length as vocabulary. "
                                 f"len(idf_weights) is {len(weights)}; len(vocabulary) is "
                                 f"{len(vocabulary)}")
            front = 0 if found_specials else start
            back = (self.max_tokens - front - len(weights)
                    if self.pad_to_max_tokens and self.max_tokens is not None else 0)
            fill = 0.0 if found_specials else float(weights.mean())
            self._idf = xp.concatenate([xp.full(front, fill), weights, xp.zeros(back)]) \
                .astype(floatx())
        self._record_vocabulary_size()

    def _parse_line(self, line: str) -> Any:
        return line if self._strings else int(line)

    def _record_vocabulary_size(self) -> None:
        self._frozen_vocab_size = self.vocabulary_size()

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and tf-idf weights) from ``data``: an array or list (each
        element one document), or an iterable of batches (each batch row one document).
        """
        self.reset_state()
        whole, batches = adapt_batches(data, steps, type(self).__name__)
        for batch in batches:
            rows = self._convert(batch)
            if whole and rows.ndim == 1:
                rows = rows[:, None]
            self.update_state(rows)
        self.finalize_state()

    def reset_state(self) -> None:
        self._counts: Counter = Counter()
        self._doc_counts: Counter = Counter()
        self._num_documents = 0

    def update_state(self, data: Any) -> None:
        """Add one batch's tokens to the counts (a 1-D batch is one document)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             "method.")
        rows = data if isinstance(data, list) else self._convert(data)
        if not isinstance(rows, list):
            rows = [rows.reshape(-1)] if rows.ndim <= 1 else \
                list(rows.reshape(rows.shape[0], -1))
        for row in rows:
            row = [self._key(v) for v in (row.tolist() if hasattr(row, "tolist") else row)]
            self._counts.update(row)
            if self.output_mode == "tf_idf":
                self._doc_counts.update(set(row))
        self._num_documents += len(rows)

    def finalize_state(self) -> None:
        """Build the vocabulary from the counts: by count, ties by the larger token first."""
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        counts = dict(self._counts)
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        order = sorted(counts, key=lambda t: (counts[t], sort_key(t)), reverse=True)
        if self.max_tokens:
            order = order[:self.max_tokens - self._token_start_index()]
        self._tokens = order
        self._index = {t: i for i, t in enumerate(order, start=self._token_start_index())}
        if self.output_mode == "tf_idf":
            docs = xp.asarray([self._doc_counts[t] for t in order], dtype=xp.float64)
            idf = xp.log(1 + self._num_documents / (1 + docs)).astype(floatx())
            mean = idf.mean() if len(idf) else 0.0
            back = (self.max_tokens - len(idf) - self._token_start_index()
                    if self.pad_to_max_tokens and self.max_tokens is not None else 0)
            self._idf = xp.concatenate([xp.full(self._token_start_index(), mean, floatx()),
                                        idf, xp.zeros(back, floatx())])
        self.reset_state()
        self._record_vocabulary_size()

    # -- calling --------------------------------------------------------------------------
    def _lookup(self, values: list) -> list:
        """Ids of a flat list of values (mask → 0 or -1 (dropped), unknown → an OOV id)."""
        out = list(map(self._index.get, values))
        if None not in out:
            return out
        mask = self.mask_token
        oov_start, n_oov = self._oov_start_index(), self.num_oov_indices
        masked = 0 if self.output_mode == "int" else -1
        for k, i in enumerate(out):
            if i is not None:
                continue
            v = values[k]
            if mask is not None and v == mask:
                out[k] = masked
            elif n_oov == 1:
                out[k] = oov_start
            elif n_oov == 0:
                raise ValueError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"value {v!r}; consider setting `num_oov_indices=1`.")
            else:
                out[k] = oov_start + self._oov_bucket(v)
        return out

    def _oov_bucket(self, value: Any) -> int:
        if not self._strings and self.oov_method != "farmhash":
            return int(value) % self.num_oov_indices
        return hash_bucket(str(value), self.num_oov_indices,
                           tuple(self.salt) if self.salt is not None else None)

    def _invert(self, ids: list) -> list:
        vocab = self.get_vocabulary()
        out = []
        for i in ids:
            if i == 0 and self.mask_token is not None:
                out.append(self.mask_token)
            elif self._token_start_index() <= i < len(vocab):
                out.append(vocab[i])
            else:
                out.append(self.oov_token)
        return out

    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data.")
        return self._frozen_vocab_size

    def call(self, inputs: Any) -> Any:
        if self.invert:
            ids = to_numbers(inputs)
            words = self._invert(ids.reshape(-1).tolist())
            out = xp.empty(ids.shape, dtype=object)
            out.reshape(-1)[:] = words
            return Tensor(out)
        values = self._convert(inputs)
        ids = xp.asarray(self._lookup([self._key(v) for v in values.reshape(-1).tolist()]),
                         dtype=xp.int64).reshape(values.shape)
        if self.sparse and self._direct_call:
            return lookup_csr(self, ids)
        return Tensor(self._encode(ids))

    def _encode(self, ids: Any) -> Any:
        if self.output_mode == "int":
            return ids
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode(ids, mode, self._depth())
        if self.output_mode == "tf_idf":
            out = out * self._idf.astype(out.dtype)
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return encoded_shape(tuple(input_shape), self.output_mode, depth)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        shape = self.compute_output_shape(inputs.shape)
        if self.invert:
            return spec(shape, "string" if self._strings else "int64")
        return spec(shape, "int64" if self.output_mode == "int" else floatx())

    # -- saving ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": "string" if self._strings else "int64",
            "idf_weights": self.input_idf_weights, "vocabulary": self.input_vocabulary,
            "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method,
            "salt": self.salt})
        return config

    def get_build_config(self) -> dict:
        return {}

    def build_from_config(self, config: dict) -> None:
        self.built = True

    def save_own_variables(self, store: dict) -> None:
        """Keras' layout: the tf-idf weights as ``idf_weights`` (nothing in other modes)."""
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = xp.asarray(self._idf, dtype=floatx())

    def load_own_variables(self, store: dict) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf = xp.asarray(store["idf_weights"], dtype=floatx())

    def save_assets(self, dir_path: str) -> None:
        """Write the vocabulary to ``dir_path/vocabulary.txt`` (one token a line), unless it
        was given as an argument (then it is in the config).
        """
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary()))

    def load_assets(self, dir_path: str) -> None:
        """Read the vocabulary written by :meth:`save_assets` (keraslite's or Keras')."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = [self._parse_line(line) for line in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self._idf)
        else:
            self.set_vocabulary(values)
