"""IMDB movie reviews (sentiment), as ``keras.datasets.imdb``: lists of word ids."""

from __future__ import annotations

from typing import Any

import numpy as np

from keraslite.datasets import _word_sequences as seq
from keraslite.datasets._sources import fetch
from keraslite.datasets.safe_pickle import load_npz


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, seed: int = 113, start_char: int | None = 1,
              oov_char: int | None = 2, index_from: int = 3, **kwargs: Any) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: 25000 reviews each, as object arrays of
    lists of word ids (ranked by frequency: id i + ``index_from`` is the i-th most frequent
    word), int64 labels (1 = positive).

    Args:
        path: the file's name in the cache.
        num_words: keep the ``num_words`` most frequent ids; others become ``oov_char``.
        skip_top: ids below it (the most frequent) also become ``oov_char``.
        maxlen: drop reviews of ``maxlen`` words or more.
        seed: the shuffle seed.
        start_char: the id that starts each review (None: none).
        oov_char: the id of dropped words (None: remove them).
        index_from: the offset added to the ids (0, 1, 2 are reserved).

    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    f = load_npz(fetch("imdb.npz", path))
    rng = np.random.RandomState(seed)
    x_train, y_train = seq.shuffled(rng, f["x_train"], f["y_train"])
    x_test, y_test = seq.shuffled(rng, f["x_test"], f["y_test"])
    x_train = seq.renumber(x_train, start_char, index_from)
    x_test = seq.renumber(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = seq.drop_long(maxlen, x_train, y_train)
        x_test, y_test = seq.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = seq.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    n = len(x_train)
    return (seq.object_array(xs[:n]), labels[:n]), (seq.object_array(xs[n:]), labels[n:])


def get_word_index(path: str = "imdb_word_index.json") -> dict:
    """The dict word → rank (1 = most frequent); a review's id is rank + ``index_from``."""
    return seq.word_index("imdb_word_index.json", path)
