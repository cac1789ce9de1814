"""``keras.utils.text_dataset_from_directory``: a labelled text dataset from a folder tree.

As in Keras 3 (``keras/src/utils/text_dataset_utils.py``): each subdirectory of ``directory``
is a class (sorted by name), every ``.txt`` file under it (recursively) one sample. The result
is a dataset of ``(texts, labels)`` batches, the TensorFlow stand-in's ``tf.data.Dataset``
(what ``fit``, ``evaluate``, ``predict`` and ``TextVectorization.adapt`` read), with the
attribute ``class_names``.
"""

from __future__ import annotations

import os
from typing import Any

from keraslite.backend import xp


def _index(directory: str, labels: Any, class_names: Any,
           follow_links: bool) -> tuple[list, list | None, list]:
    def files_under(folder: str) -> list[str]:
        found = []
        for root, dirs, files in os.walk(folder, followlinks=follow_links):
            dirs.sort()
            found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(".txt")]
        return found

    if labels != "inferred":
        paths = files_under(directory)
        if labels is not None and len(labels) != len(paths):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(paths)} files "
                f"in directory {directory}.")
        return paths, (None if labels is None else list(labels)), []
    subdirs = sorted(d for d in os.listdir(directory)
                     if os.path.isdir(os.path.join(directory, d)))
    if class_names is not None:
        if sorted(class_names) != sorted(subdirs):
            raise ValueError(
                "The `class_names` passed did not match the names of the subdirectories of the "
                f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                f"class_names={class_names}")
        subdirs = list(class_names)
    paths, found = [], []
    for index, name in enumerate(subdirs):
        files = files_under(os.path.join(directory, name))
        paths += files
        found += [index] * len(files)
    return paths, found, subdirs


def _split(items: list, fraction: float | None, subset: str) -> list:
    if not fraction:
        return items
    n_val = int(fraction * len(items))
    return items[:len(items) - n_val] if subset == "training" else items[len(items) - n_val:]


def text_dataset_from_directory(directory: Any, labels: Any = "inferred",
                                label_mode: str | None = "int", class_names: Any = None,
                                batch_size: int | None = 32, max_length: int | None = None,
                                shuffle: bool = True, seed: int | None = None,
                                validation_split: float | None = None,
                                subset: str | None = None, follow_links: bool = False,
                                format: str = "tf", verbose: bool = True) -> Any:  # noqa: A002
    """Read ``directory/<class>/*.txt`` into a dataset of ``(texts, labels)`` batches.

    Args:
        directory: the folder; with ``labels="inferred"`` its subfolders are the classes.
        labels: ``"inferred"``, a list of int labels (one per file, in sorted path order),
            or None (texts only).
        label_mode: ``"int"`` (int32 ids), ``"categorical"`` (one-hot float32), ``"binary"``
            (float32 of shape ``(batch, 1)``; two classes) or None (texts only).
        class_names: the classes to use, in order (default: the sorted subfolder names).
        batch_size: samples per batch (None: one sample per element).
        max_length: keep at most this many bytes of each text.
        shuffle, seed: shuffle the files (and each epoch's batches).
        validation_split, subset: keep the first ``1 - validation_split`` of the shuffled
            files (``subset="training"``), the rest (``"validation"``), or both (``"both"``).
        follow_links: follow symbolic links to folders.
        verbose: print how many files and classes were found.

    Returns:
        A dataset (or, with ``subset="both"``, a ``(training, validation)`` pair).
    """
    from keraslite.compat.tensorflow_data import Dataset

    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if validation_split and subset not in ("training", "validation", "both"):
        raise ValueError('With `validation_split`, `subset` must be "training", '
                         f'"validation" or "both". Received: subset={subset!r}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")
    directory = os.fspath(directory)
    paths, found, names = _index(directory, labels, class_names, follow_links)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    if shuffle:
        order = xp.random.RandomState(seed if seed is not None else
                                      xp.random.randint(1_000_000)).permutation(len(paths))
        paths = [paths[i] for i in order]
        found = None if found is None else [found[i] for i in order]
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes."
                                             if names else "."))

    def build(which: str) -> Any:
        chosen = _split(paths, validation_split, which)
        if not chosen:
            raise ValueError(f"No {which} text files found in directory {directory}. "
                             "Allowed format: .txt")
        if verbose and validation_split:
            print(f"Using {len(chosen)} files for {which}.")
        texts = []
        for path in chosen:
            with open(path, "rb") as f:
                data = f.read()
            if max_length is not None:
                data = data[:max_length]
            texts.append(data.decode("utf-8", errors="ignore"))
        texts = xp.asarray(texts, dtype=object)
        if label_mode is None:
            dataset = Dataset.from_tensor_slices(texts)
        else:
            ids = xp.asarray(_split(found, validation_split, which), dtype="int32")
            if label_mode == "categorical":
                y = xp.eye(len(names), dtype="float32")[ids]
            elif label_mode == "binary":
                y = ids.astype("float32")[:, None]
            else:
                y = ids
            dataset = Dataset.from_tensor_slices((texts, y))
        if shuffle and which == "training":
            dataset = dataset.shuffle(8 * (batch_size or 128), seed=seed)
        if batch_size is not None:
            dataset = dataset.batch(batch_size)
        dataset.class_names = names
        return dataset

    if subset == "both":
        return build("training"), build("validation")
    return build(subset if validation_split else "training")
