"""``TextVectorization``: raw strings in, token ids or bag-of-words vectors out.

Follows Keras 3 (``keras/src/layers/preprocessing/text_vectorization.py``): standardize
(``"lower_and_strip_punctuation"`` lower-cases ASCII letters, as TensorFlow's
``tf.strings.lower`` does, and deletes the ASCII punctuation ``string.punctuation``), split
(on ASCII whitespace, into characters, or not at all), optional n-grams joined by a space, then
a ``StringLookup`` with mask token ``""`` (held as ``_lookup_layer``, as in Keras, so the
vocabulary file and tf-idf weights sit at the same paths of a ``.keras`` file).
"""

from __future__ import annotations

import re
import string
from typing import Any

from keraslite.autodiff.tensor import Tensor
from keraslite.backend import floatx, xp
from keraslite.layers.base import Layer
from keraslite.layers.lookup_layers import StringLookup
from keraslite.layers.sparse_outputs import (
    DirectCalls,
    check_sparse_mode,
    lookup_csr,
    ragged_rows,
)
from keraslite.layers.text_common import (
    DataLayerCalls,
    adapt_batches,
    encode,
    encoded_shape,
    spec,
    to_strings,
)

_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_WHITESPACE = re.compile("[ \t\n\r\v\f]+")  # TensorFlow splits on ASCII whitespace only
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value: Any, allowed: tuple, argument: str) -> None:
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"`{argument}` must be one of {allowed}, None or a callable. Received: "
                     f"{argument}={value!r}")


class TextVectorization(DirectCalls, DataLayerCalls, Layer):
    """Turn raw strings into token ids (``output_mode="int"``) or vectors over a vocabulary.

    Args:
        max_tokens: the largest vocabulary (``""`` and ``"[UNK]"`` included in int mode).
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
            ``"strip_punctuation"``, None, or a callable on an array of strings.
        split: ``"whitespace"`` (default), ``"character"``, None (each string one token), or
            a callable returning the tokens of each string.
        ngrams: an int ``n`` (1- to n-grams) or a tuple of n-gram widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` or ``"one_hot"``.
        output_sequence_length: int mode: pad (with 0) or cut each sequence to this length;
            otherwise sequences are padded to the longest one in the batch.
        pad_to_max_tokens: vector modes: output vectors of length ``max_tokens``.
        vocabulary: a list of tokens (or a file with one token a line) instead of ``adapt``.
        idf_weights: tf-idf mode with ``vocabulary``: one weight per token.
        sparse: vector modes: called directly on texts, return a ``scipy.sparse.csr_matrix``
            (texts x vocabulary) that ``fit`` takes as it is; inside a model, dense batches.
        ragged: int mode: called directly on texts, return a list with one unpadded 1-D
            int64 array of ids per text (cut to ``output_sequence_length`` if set); inside a
            model, batches padded to their longest text. See
            :mod:`keraslite.layers.sparse_outputs`.

    ``adapt(data)`` learns the vocabulary from a list or array of strings, or from an iterable
    of batches (a ``tf.data.Dataset``, a generator): tokens ranked by count, ties by the larger
    token; tf-idf weights are ``ln(1 + n_docs / (1 + docs_with_token))``.
    """

    _keeps_int_inputs = True
    _takes_strings = True  # a model starting with it reads string data
    _input_dtype = "string"  # and a Sequential model built around it gets a string input

    def __init__(self, max_tokens: int | None = None,
                 standardize: Any = "lower_and_strip_punctuation", split: Any = "whitespace",
                 ngrams: Any = None, output_mode: str = "int",
                 output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, sparse: bool = False,
                 ragged: bool = False, encoding: str = "utf-8", name: str | None = None,
                 **kwargs: Any) -> None:
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        if not (ngrams is None or isinstance(ngrams, int) or isinstance(ngrams, (tuple, list))
                and all(isinstance(n, int) for n in ngrams)):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is "
                             f"not 'int'. Received output_sequence_length="
                             f"{output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError("`ragged` may only be true if `output_mode` is `'int'`. "
                             f"Received: ragged={ragged} and output_mode={output_mode}")
        check_sparse_mode("TextVectorization", sparse, output_mode)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = list(ngrams) if isinstance(ngrams, list) else ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else (
            tuple(ngrams) if ngrams is not None else None)
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._ragged = ragged
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)
        self.built = True

    # -- text to tokens -------------------------------------------------------------------
    def _standardized(self, texts: Any) -> Any:
        mode = self._standardize
        if callable(mode):
            out = mode(texts)
            return to_strings(out.value if isinstance(out, Tensor) else out, self._encoding)
        flat = texts.reshape(-1).tolist()
        if mode in ("lower", "lower_and_strip_punctuation"):
            flat = [t.translate(_ASCII_LOWER) for t in flat]
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            flat = [_PUNCTUATION.sub("", t) for t in flat]
        out = xp.empty(texts.shape, dtype=object)
        out.reshape(-1)[:] = flat
        return out

    def _tokens(self, inputs: Any) -> tuple[list, bool]:
        """``(rows, scalar)``: each string's tokens (n-grams included), and whether the input
        was a single string.
        """
        texts = self._standardized(to_strings(inputs, self._encoding))
        scalar = texts.ndim == 0
        if scalar:
            texts = texts.reshape(1)
        if self._split is None:
            rows = [list(r) for r in texts.reshape(texts.shape[0], -1).tolist()]
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1 or texts.ndim > 2:
                    raise ValueError(
                        "When using `TextVectorization` to tokenize strings, the input rank "
                        "must be 1 or the last shape dimension must be 1. Received: "
                        f"inputs.shape={texts.shape} with rank={texts.ndim}")
                texts = texts[:, 0]
            if self._split == "whitespace":
                rows = [[t for t in _WHITESPACE.split(s) if t] for s in texts.tolist()]
            elif self._split == "character":
                rows = [list(s) for s in texts.tolist()]
            else:
                out = self._split(texts)
                out = out.value if isinstance(out, Tensor) else out
                rows = [list(to_strings(r, self._encoding).reshape(-1)) for r in out]
        if self._ngrams is not None:
            rows = [[" ".join(row[i:i + n]) for n in self._ngrams
                     for i in range(len(row) - n + 1)] for row in rows]
        return rows, scalar

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data`` (strings, or an iterable of batches of them)."""
        self.reset_state()
        _, batches = adapt_batches(data, steps, "TextVectorization")
        for batch in batches:
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        rows, _ = self._tokens(data)
        self._lookup_layer.update_state(rows)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The tokens by id (``""`` and ``"[UNK]"`` first in int mode)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- calling --------------------------------------------------------------------------
    def _call_unsplit(self, inputs: Any) -> Any:
        """``split=None`` without n-grams: each string is one token, the shape is kept."""
        lookup = self._lookup_layer
        texts = self._standardized(to_strings(inputs, self._encoding))
        ids = xp.asarray(lookup._lookup(texts.reshape(-1).tolist()),
                         dtype=xp.int64).reshape(texts.shape)
        if self._output_mode != "int":
            if lookup.sparse and self._direct_call:
                return lookup_csr(lookup, ids, "TextVectorization")
            return Tensor(lookup._encode(ids))
        width = self._output_sequence_length
        if width is not None and ids.ndim:
            ids = ids[..., :width]
            pad = [(0, 0)] * (ids.ndim - 1) + [(0, width - ids.shape[-1])]
            ids = xp.pad(ids, pad)
        return Tensor(ids)

    def call(self, inputs: Any) -> Any:
        if self._split is None and self._ngrams is None:
            return self._call_unsplit(inputs)
        lookup = self._lookup_layer
        rows, scalar = self._tokens(inputs)
        ids = [lookup._lookup(row) for row in rows]
        if self._output_mode == "int" and self._ragged and self._direct_call:
            out = ragged_rows(ids, self._output_sequence_length)
            return out[0] if scalar else out
        if self._output_mode == "int":
            width = self._output_sequence_length
            if width is None:
                width = max((len(r) for r in ids), default=0)
            out = xp.zeros((len(ids), width), dtype=xp.int64)
            for i, row in enumerate(ids):
                row = row[:width]
                out[i, :len(row)] = row
        else:
            width = max((len(r) for r in ids), default=0)
            padded = xp.full((len(ids), max(width, 1)), -1, dtype=xp.int64)
            for i, row in enumerate(ids):
                padded[i, :len(row)] = row
            if lookup.sparse and self._direct_call:
                first = padded[:, :1] if self._output_mode == "one_hot" else padded
                return lookup_csr(lookup, first, "TextVectorization")  # one text: one row
            mode = "count" if self._output_mode == "tf_idf" else self._output_mode
            if mode == "one_hot":
                out = encode(padded[:, :1], mode, lookup._depth())
            else:
                out = encode(padded, mode, lookup._depth())
            if self._output_mode == "tf_idf":
                out *= lookup._idf.astype(out.dtype)
        return Tensor(out[0] if scalar else out)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        lookup = self._lookup_layer
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        if self._split is None and self._ngrams is None:
            if self._output_mode != "int":
                return encoded_shape(shape, self._output_mode, depth)
            length = self._output_sequence_length
            return shape[:-1] + (length,) if shape and length is not None else shape
        batch = shape[:1] or (None,)
        if self._output_mode == "int":
            return batch + (self._output_sequence_length,)
        return batch + (depth,)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        dtype = "int64" if self._output_mode == "int" else floatx()
        return spec(self.compute_output_shape(inputs.shape), dtype)

    # -- saving ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        from keraslite.saving.serialization import serialize_keras_object

        lookup = self._lookup_layer
        config = super().get_config()
        config.update({
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize if not callable(self._standardize)
            else serialize_keras_object(self._standardize),
            "split": self._split if not callable(self._split)
            else serialize_keras_object(self._split),
            "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
            "ragged": self._ragged, "vocabulary": lookup.input_vocabulary,
            "idf_weights": lookup.input_idf_weights, "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size()})
        return config

    @classmethod
    def from_config(cls, config: dict) -> TextVectorization:
        from keraslite.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store: dict) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: dict) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)
