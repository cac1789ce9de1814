"""Where each Keras dataset file comes from, and its checksum: Keras 3's own URLs and hashes
(``keras/src/datasets/*.py``), so keraslite downloads the same files into the same cache.

Tests point these at a local HTTP server; nothing else should change them.
"""

from __future__ import annotations

from typing import Any

from keraslite.utils.file_utils import get_file

TF_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

# name -> (origin URL, file_hash or None: Keras publishes none for Fashion-MNIST)
SOURCES: dict[str, tuple[str, str | None]] = {
    "mnist.npz": (TF_KERAS + "mnist.npz",
                  "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    "train-labels-idx1-ubyte.gz": (TF_KERAS + "train-labels-idx1-ubyte.gz", None),
    "train-images-idx3-ubyte.gz": (TF_KERAS + "train-images-idx3-ubyte.gz", None),
    "t10k-labels-idx1-ubyte.gz": (TF_KERAS + "t10k-labels-idx1-ubyte.gz", None),
    "t10k-images-idx3-ubyte.gz": (TF_KERAS + "t10k-images-idx3-ubyte.gz", None),
    "cifar-10-python.tar.gz": (
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
    "cifar-100-python.tar.gz": (
        "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"),
    "imdb.npz": (TF_KERAS + "imdb.npz",
                 "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
    "imdb_word_index.json": (TF_KERAS + "imdb_word_index.json",
                             "bfafd718b763782e994055a2d397834f"),
    "reuters.npz": (TF_KERAS + "reuters.npz",
                    "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
    "reuters_word_index.json": (TF_KERAS + "reuters_word_index.json",
                                "4d44cc38712099c9e383dc6e5f11a921"),
    "boston_housing.npz": (TF_KERAS + "boston_housing.npz",
                           "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
    "california_housing.npz": (
        TF_KERAS + "california_housing.npz",
        "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),
}


def fetch(name: str, fname: Any = None, **kwargs: Any) -> str:
    """``get_file`` for the dataset file ``name`` (cached as ``fname``, default ``name``)."""
    origin, file_hash = SOURCES[name]
    return get_file(fname=fname or name, origin=origin, file_hash=file_hash, **kwargs)


def split_shuffled(x: Any, y: Any, test_split: float, seed: int) -> tuple:
    """Shuffle with ``RandomState(seed)`` and keep the first 1 - test_split for training, as
    Keras' boston_housing / california_housing do.
    """
    import numpy as np

    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
