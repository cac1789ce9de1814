"""``StringLookup`` and ``IntegerLookup``: the public faces of :class:`IndexLookup`.

Arguments and configs follow Keras 3 (``keras/src/layers/preprocessing/string_lookup.py`` and
``integer_lookup.py``).
"""

from __future__ import annotations

from typing import Any

from keraslite.layers.index_lookup import IndexLookup
from keraslite.layers.text_common import to_strings


class StringLookup(IndexLookup):
    """Map strings to integer ids (or back, with ``invert=True``) through a vocabulary.

    Ids: ``0`` is the ``mask_token`` (if set, in ``"int"`` mode), then ``num_oov_indices``
    out-of-vocabulary ids, then the vocabulary. ``output_mode`` ``"int"`` returns the ids;
    ``"one_hot"``, ``"multi_hot"``, ``"count"`` and ``"tf_idf"`` return vectors of the
    vocabulary size (``max_tokens`` with ``pad_to_max_tokens``).

    Args:
        max_tokens: the largest vocabulary (special ids included) that ``adapt`` learns.
        num_oov_indices: ids for unknown tokens (hashed into them when more than one).
        mask_token: a token mapped to id 0 (``None``: no mask).
        oov_token: the token that unknown ids map back to with ``invert``.
        vocabulary: a list of tokens or the path of a text file with one token a line.
        idf_weights: tf-idf weights, one per vocabulary entry (``"tf_idf"`` mode).
        invert: map ids back to tokens.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: vectors of length ``max_tokens`` whatever the vocabulary size.
        sparse: vector modes: a direct call returns a ``scipy.sparse.csr_matrix`` (inside a
            model, dense batches; see :mod:`keraslite.layers.sparse_outputs`).
        encoding: how bytes inputs are decoded.
    """

    _takes_strings = True  # a model starting with it reads string data
    _input_dtype = "string"  # and a Sequential model built around it gets a string input

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: str | None = None, oov_token: str = "[UNK]",
                 vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, encoding: str = "utf-8", name: str | None = None,
                 salt: Any = None, **kwargs: Any) -> None:
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, **kwargs)

    def _convert(self, x: Any) -> Any:
        return to_strings(x, self.encoding)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config


class IntegerLookup(IndexLookup):
    """Map integers to contiguous ids (or back, with ``invert=True``) through a vocabulary.

    As `StringLookup`, for integer tokens: ``oov_token`` defaults to ``-1`` and, with several
    OOV ids, an unknown value ``v`` goes to OOV id ``v mod num_oov_indices`` (or a FarmHash
    bucket with ``oov_method="farmhash"``).
    """

    _strings = False

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: int | None = None, oov_token: int = -1, vocabulary: Any = None,
                 vocabulary_dtype: str = "int64", idf_weights: Any = None,
                 invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, oov_method: str = "floormod",
                 salt: Any = None, name: str | None = None, **kwargs: Any) -> None:
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         oov_method=oov_method, salt=salt, **kwargs)

    def _key(self, value: Any) -> Any:
        return int(value)

    def get_config(self) -> dict:
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
