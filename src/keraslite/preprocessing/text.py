"""The Keras 2 text utilities (``keras.preprocessing.text``): ``Tokenizer`` and friends.

Keras 3 removed this module; course code still imports it, so keraslite keeps it with Keras 2's
exact behaviour (``tf_keras/preprocessing/text.py``): the same word index for the same texts
(ties in frequency keep first-seen order), the same ``num_words`` cut (only indices below
``num_words`` survive, that is the ``num_words - 1`` most frequent words), the same
out-of-vocabulary handling, matrix modes and JSON format, so a tokenizer saved by Keras 2 loads
here and back. The results are host data (NumPy arrays and Python lists), not tensors.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
"""Keras 2's default ``filters``: ASCII punctuation except the apostrophe, tab and newline."""

_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """Split a text into words: lower-case it, replace each filtered character by ``split``,
    split on ``split`` and drop empty pieces.

    >>> text_to_word_sequence("This is a sample sentence.")
    ['this', 'is', 'a', 'sample', 'sentence']
    """
    if not isinstance(input_text, str):
        raise TypeError("`input_text` must be a string (one text). Received: "
                        f"{type(input_text).__name__}; for a list of texts use "
                        "Tokenizer.fit_on_texts / texts_to_sequences")
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def _md5(word: str) -> int:
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text: str, n: int, hash_function: Callable | str | None = None,
                  filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Callable | None = None) -> list[int]:
    """Map each word of ``text`` to ``hash(word) % (n - 1) + 1``, an index in ``[1, n - 1]``.

    Args:
        text: one text.
        n: the size of the hashing space (index 0 is never produced).
        hash_function: Python's ``hash`` (the default; randomized per process for strings,
            so not reproducible across runs), ``"md5"`` (stable), or any ``str -> int``.
        filters, lower, split: as in `text_to_word_sequence`.
        analyzer: a ``str -> list[str]`` used instead of `text_to_word_sequence`.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5
    words = (text_to_word_sequence(text, filters=filters, lower=lower, split=split)
             if analyzer is None else analyzer(text))
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True,
            split: str = " ", analyzer: Callable | None = None) -> list[int]:
    """`hashing_trick` with Python's ``hash``: word indices in ``[1, n - 1]`` (not one-hot
    vectors, despite the name; collisions are possible).
    """
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Turn texts into sequences of word indices or into bag-of-words matrices (Keras 2).

    Words are indexed from 1 by decreasing count over all texts seen by `fit_on_texts`
    (ties keep the order in which words were first seen; index 0 is never assigned). With
    ``oov_token`` it takes index 1 and replaces unknown words; ``num_words`` keeps only
    indices ``< num_words`` when converting (``word_index`` itself keeps every word).

    Args:
        num_words: keep only the ``num_words - 1`` most frequent words when converting.
        filters: characters removed from the texts (default: punctuation except ``'``).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token.
        oov_token: the token standing for out-of-vocabulary words (index 1).
        analyzer: a ``str -> list[str]`` used instead of `text_to_word_sequence`.
        document_count: the number of documents already seen (used by ``from_json``).
    """

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS,
                 lower: bool = True, split: str = " ", char_level: bool = False,
                 oov_token: str | None = None, analyzer: Callable | None = None,
                 **kwargs: Any) -> None:
        if "nb_words" in kwargs:
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}. Tokenizer "
                            "takes num_words, filters, lower, split, char_level, oov_token, "
                            "analyzer and document_count")
        self.word_counts: dict[str, int] = OrderedDict()
        self.word_docs: dict[str, int] = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs: dict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.analyzer = analyzer

    def _tokens(self, text: Any) -> list[str] | str:
        """A text's tokens: a list given as tokens, the characters, or the split words."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        if not isinstance(text, str):
            raise TypeError(
                "Tokenizer: each text must be a string (or a list of tokens). Received: "
                f"{type(text).__name__} ({text!r:.60}); for integer sequences use "
                "fit_on_sequences / sequences_to_matrix")
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable[Any]) -> None:
        """Count the words of ``texts`` (strings, or lists of tokens) and rebuild the index."""
        if isinstance(texts, str):
            raise TypeError("fit_on_texts() takes a list of texts, not one string (which "
                            "would be read character by character). Use "
                            "fit_on_texts([text])")
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for word in tokens:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(tokens):
                self.word_docs[word] += 1
        ranked = sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)  # stable
        vocabulary = ([] if self.oov_token is None else [self.oov_token])
        vocabulary += [word for word, _ in ranked]
        self.word_index = {word: i for i, word in enumerate(vocabulary, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Count, for `sequences_to_matrix`'s tf-idf, the documents each index occurs in."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts: Iterable[Any]) -> list[list[int]]:
        """Each text as a list of word indices (unknown and cut words dropped, or ``oov``)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable[Any]) -> Iterator[list[int]]:
        """`texts_to_sequences`, one text at a time."""
        if isinstance(texts, str):
            raise TypeError("texts_to_sequences() takes a list of texts, not one string. "
                            "Use texts_to_sequences([text])")
        num_words = self.num_words
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            out = []
            for word in self._tokens(text):
                i = self.word_index.get(word)
                if i is not None and not (num_words and i >= num_words):
                    out.append(i)
                elif oov is not None:
                    out.append(oov)
            yield out

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Each sequence of indices back to a space-joined text."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]
                                     ) -> Iterator[str]:
        """`sequences_to_texts`, one sequence at a time."""
        num_words = self.num_words
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for i in seq:
                i = int(i)
                word = self.index_word.get(i)
                if word is not None and not (num_words and i >= num_words):
                    words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def texts_to_matrix(self, texts: Iterable[Any], mode: str = "binary") -> np.ndarray:
        """`texts_to_sequences` then `sequences_to_matrix`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Iterable[Iterable[int]],
                            mode: str = "binary") -> np.ndarray:
        """A ``(len(sequences), num_words)`` float64 matrix; column ``j`` describes index ``j``.

        Modes, for a count ``c`` of index ``j`` in a sequence of length ``L``: ``"binary"``
        1, ``"count"`` ``c``, ``"freq"`` ``c / L``, ``"tfidf"``
        ``(1 + ln c) * ln(1 + D / (1 + d_j))`` with ``D`` documents seen, ``d_j`` of them
        containing ``j``. Without ``num_words`` the width is ``len(word_index) + 1``.
        """
        if mode not in _MODES:
            raise ValueError(f"Unknown vectorization mode: expected one of {_MODES}. "
                             f"Received: mode={mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some "
                             "text data first (fit_on_texts).")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data (fit_on_texts or "
                             "fit_on_sequences) before using tfidf mode.")
        sequences = list(sequences)
        x = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            seq = [int(j) for j in seq]
            if not seq:
                continue
            counts: dict[int, int] = {}
            for j in seq:
                if j < width:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                if mode == "count":
                    x[row, j] = c
                elif mode == "freq":
                    x[row, j] = c / len(seq)
                elif mode == "binary":
                    x[row, j] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[row, j] = (1 + np.log(c)) * idf
        return x

    def get_config(self) -> dict[str, Any]:
        """The settings, with the count tables as JSON strings (Keras 2's format)."""
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower,
            "split": self.split, "char_level": self.char_level, "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"class_name": "Tokenizer", "config": get_config()}`` as JSON (``json.dumps``
        keyword arguments pass through); read back with `tokenizer_from_json`.
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A `Tokenizer` from `Tokenizer.to_json`'s output (also Keras 2's)."""
    try:
        config = dict(json.loads(json_string)["config"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError("tokenizer_from_json() expects the string from Tokenizer.to_json(). "
                         f"Received: {json_string!r:.80} ({error})") from None
    tables = {key: json.loads(config.pop(key)) for key in
              ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = tables["word_counts"]
    tokenizer.word_docs = tables["word_docs"]
    tokenizer.index_docs = {int(k): v for k, v in tables["index_docs"].items()}
    tokenizer.word_index = tables["word_index"]
    tokenizer.index_word = {int(k): v for k, v in tables["index_word"].items()}
    return tokenizer
