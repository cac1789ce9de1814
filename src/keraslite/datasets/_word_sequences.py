"""The word-index sequence processing shared by ``imdb`` and ``reuters`` (Keras' rules)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from keraslite.datasets._sources import fetch


def shuffled(rng: np.random.RandomState, *arrays: Any) -> list:
    """The arrays permuted by one ``rng.shuffle`` of their indices."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [a[indices] for a in arrays]


def renumber(xs: Any, start_char: int | None, index_from: int) -> list:
    """Shift word ids by ``index_from`` and prepend ``start_char`` (when not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    return [[w + index_from for w in x] for x in xs]


def drop_long(maxlen: int | None, xs: list, labels: Any) -> tuple:
    """Keep the sequences shorter than ``maxlen`` (strictly, as Keras' ``remove_long_seq``)."""
    if not maxlen:
        return xs, labels
    keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
    return [xs[i] for i in keep], np.asarray(labels)[keep]


def limit_vocabulary(xs: list, num_words: int | None, skip_top: int,
                     oov_char: int | None) -> list:
    """Ids outside [skip_top, num_words) become ``oov_char`` (or are dropped when None)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(seqs: list) -> np.ndarray:
    """A 1-D object array of lists (even when all lists have the same length)."""
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def word_index(name: str, path: str) -> dict:
    """The word → id dict of a ``*_word_index.json`` file."""
    with open(fetch(name, path)) as f:
        return json.load(f)
