"""Reuters newswire topics (46 classes), as ``keras.datasets.reuters``: lists of word ids."""

from __future__ import annotations

import numpy as np

from keraslite.datasets import _word_sequences as seq
from keraslite.datasets._sources import fetch
from keraslite.datasets.safe_pickle import load_npz

_LABELS = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, test_split: float = 0.2, seed: int = 113,
              start_char: int | None = 1, oov_char: int | None = 2,
              index_from: int = 3) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: 11228 newswires split 1 - test_split /
    test_split after a shuffle, object arrays of lists of word ids, int64 topic labels 0-45.

    Arguments as :func:`keraslite.datasets.imdb.load_data`, plus ``test_split``.
    """
    f = load_npz(fetch("reuters.npz", path))
    xs, labels = seq.shuffled(np.random.RandomState(seed), f["x"], f["y"])
    xs = seq.renumber(xs, start_char, index_from)
    xs, labels = seq.drop_long(maxlen, xs, labels)
    xs = seq.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((seq.object_array(xs[:cut]), np.array(labels[:cut])),
            (seq.object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict:
    """The dict word → rank (1 = most frequent)."""
    return seq.word_index("reuters_word_index.json", path)


def get_label_names() -> tuple:
    """The 46 topic names, in label order."""
    return _LABELS
