"""``image_dataset_from_directory`` and ``text_dataset_from_directory``, as ``keras.utils``.

A directory with one sub-folder per class (``main/cats/*.jpg``, ``main/dogs/*.jpg``) becomes a
dataset of ``(images, labels)`` batches that ``fit`` reads, with ``.class_names`` and
``.file_paths``. The files are listed, shuffled and split exactly as Keras 3 does (sorted
walk; ``numpy.random.RandomState(seed).shuffle`` of the list; the last ``validation_split``
of it for validation), so the same ``seed`` gives the same training and validation files.
Images are decoded with Pillow and resized as ``tf.image.resize`` does (half-pixel centers).

One difference: with ``shuffle=True`` the training batches are also reshuffled every epoch
through a buffer of ``8 · batch_size`` files, as Keras does, but that per-epoch order comes
from keraslite's generator, not TensorFlow's, so it differs from Keras' order.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from keraslite import ops
from keraslite.compat.tensorflow_data import Dataset
from keraslite.ops.image import _data_format
from keraslite.utils.image_utils import _pil, load_img

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _check_args(labels: Any, label_mode: Any, class_names: Any, validation_split: Any,
                subset: Any, shuffle: bool, seed: Any, kind: str) -> tuple:
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same size "
                f"as the number of {kind} files in the target directory. If you wish to infer "
                'the labels from the subdirectory names in the target directory, pass '
                '`labels="inferred"`. If you wish to get a dataset that only contains '
                f"{kind} files (no labels), pass `labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")
    return labels, label_mode


def index_directory(directory: Any, labels: Any, formats: tuple, class_names: Any = None,
                    shuffle: bool = True, seed: int | None = None, follow_links: bool = False,
                    verbose: bool = True) -> tuple:
    """``(file_paths, labels, class_names)`` in Keras' order (see the module docstring)."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"Could not find directory {directory!r}: pass the folder that holds "
                         "one sub-folder per class.")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be "
                             "specified." if labels is None else "When argument `labels` is "
                             "specified, argument `class_names` cannot be specified (the "
                             "`class_names` will be the sorted list of labels).")
        subdirs = [""]
    filenames: list = []
    found: list = []
    for index, subdir in enumerate(subdirs):
        root_dir = os.path.join(directory, subdir)
        dirname = os.path.basename(root_dir)
        walk = sorted(os.walk(root_dir, followlinks=follow_links), key=lambda w: w[0])
        for root, _, files in walk:
            for fname in sorted(files):
                if fname.lower().endswith(formats):
                    rel = os.path.relpath(os.path.join(root, fname), root_dir)
                    filenames.append(os.path.join(dirname, rel))
                    found.append(index)
    if labels == "inferred":
        labels = np.asarray(found, dtype="int32")
        class_names = subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(filenames)} "
                f"files in directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            labels = np.array(labels)
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, class_names


def _split(paths: list, labels: Any, validation_split: Any, subset: str | None) -> tuple:
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    n_train = len(paths) - n_val
    if subset == "training":
        print(f"Using {n_train} files for training.")
        cut = slice(None, n_train)
    else:
        print(f"Using {n_val} files for validation.")
        cut = slice(n_train, None)
    return paths[cut], None if labels is None else labels[cut]


def _label_array(labels: Any, label_mode: str, num_classes: int) -> np.ndarray:
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    return labels.astype("int32")


def _make_datasets(paths: list, labels: Any, label_mode: Any, class_names: Any, load: Any,
                   batch_size: Any, shuffle: bool, seed: int, validation_split: Any,
                   subset: Any, what: str, directory: Any) -> Any:
    def build(part: str | None, shuffled: bool) -> Any:
        files, part_labels = _split(paths, labels, validation_split, part)
        if not files:
            raise ValueError(f"No {what} found in directory {directory}."
                             + (f" Allowed formats: {IMAGE_FORMATS}" if what == "images" else ""))
        names = np.asarray(files)
        if label_mode:
            data = (names, _label_array(part_labels, label_mode,
                                        len(class_names) if class_names else 0))
            ds = Dataset.from_tensor_slices(data)
            if shuffled:
                ds = ds.shuffle(batch_size * 8 if batch_size else 1024, seed=seed)
            ds = ds.map(lambda path, label: (load(path), label))
        else:
            ds = Dataset.from_tensor_slices(names)
            if shuffled:
                ds = ds.shuffle(batch_size * 8 if batch_size else 1024, seed=seed)
            ds = ds.map(load)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = list(files)
        return ds

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)


def image_dataset_from_directory(
        directory: Any, labels: Any = "inferred", label_mode: Any = "int",
        class_names: Any = None, color_mode: str = "rgb", batch_size: int | None = 32,
        image_size: Any = (256, 256), shuffle: bool = True, seed: int | None = None,
        validation_split: float | None = None, subset: str | None = None,
        interpolation: str = "bilinear", follow_links: bool = False,
        crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
        data_format: str | None = None, format: str = "tf",  # noqa: A002 - Keras' name
        verbose: bool = True) -> Any:
    """A dataset of image batches (and labels) from a folder of class sub-folders.

    Args:
        directory: the folder; with ``labels="inferred"`` each sub-folder is a class (sorted
            alphabetically, or in the order of ``class_names``).
        labels: "inferred", None (images only) or a list of integer labels, one per file in
            the sorted order of the files.
        label_mode: "int" (int32 ids), "categorical" (one-hot float32), "binary" (float32 of
            shape (batch, 1), for 2 classes) or None (no labels).
        class_names: the sub-folders to use, in label order.
        color_mode: "rgb" (3 channels), "rgba" (4) or "grayscale" (1).
        batch_size: images per batch (None: one image per element).
        image_size: ``(height, width)`` every image is resized to (an int for a square).
        shuffle: shuffle the files (once, with ``seed``) and the training batches each epoch.
        seed: the shuffle and split seed (required with ``validation_split`` and shuffle).
        validation_split: the fraction of the files kept for validation.
        subset: "training", "validation" or "both" (returns ``[train, validation]``).
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3" or "lanczos5".
        follow_links: follow symbolic links to sub-folders.
        crop_to_aspect_ratio: crop to the target's aspect ratio before resizing.
        pad_to_aspect_ratio: resize to fit inside the target, then pad with zeros (as
            ``tf.image.resize_with_pad``: no distortion).
        data_format: "channels_last" (default) or "channels_first".
        format: "tf" (the ``tf.data.Dataset`` stand-in that ``fit`` reads).
        verbose: print how many files and classes were found.

    Returns:
        A Dataset of ``(images, labels)`` batches, images float32 of shape
        (batch, height, width, channels), with ``.class_names`` and ``.file_paths``.

    Example::

        train, val = keraslite.utils.image_dataset_from_directory(
            "flowers", validation_split=0.2, subset="both", seed=1337, image_size=(180, 180))
        model.fit(train, validation_data=val, epochs=10)

    """
    labels, label_mode = _check_args(labels, label_mode, class_names, validation_split, subset,
                                     shuffle, seed, "image")
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(f"Argument `interpolation` should be one of {_RESIZE_METHODS} in "
                         f"keraslite. Received: interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set "
                         "to `True`.")
    if format != "tf":
        raise ValueError(f"keraslite supports format='tf' only. Received: format={format!r}")

    data_format = _data_format(data_format)

    _pil()  # fail early, naming the extra, when Pillow is missing
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels, class_names = index_directory(
        directory, labels, IMAGE_FORMATS, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    mode = {3: "rgb", 4: "rgba", 1: "grayscale"}[channels]

    def load(path: Any) -> np.ndarray:
        return _load_image(str(path), mode, tuple(image_size), interpolation, data_format,
                           crop_to_aspect_ratio, pad_to_aspect_ratio)

    return _make_datasets(paths, labels, label_mode, class_names, load, batch_size, shuffle,
                          seed, validation_split, subset, "images", directory)


def _load_image(path: str, color_mode: str, size: tuple, interpolation: str, data_format: str,
                crop: bool, pad: bool) -> np.ndarray:
    """One image file as float32 (height, width, channels), resized as TensorFlow does."""
    img = np.asarray(load_img(path, color_mode=color_mode), dtype="float32")
    if img.ndim == 2:
        img = img[:, :, None]
    if pad:  # tf.image.resize_with_pad: fit inside the target, then center it on zeros
        ratio = max(img.shape[1] / size[1], img.shape[0] / size[0])
        inner = (int(img.shape[0] / ratio), int(img.shape[1] / ratio))
        fitted = ops.image.resize(img, inner, interpolation=interpolation).value
        out = np.zeros((*size, img.shape[2]), dtype="float32")
        top, left = (size[0] - inner[0]) // 2, (size[1] - inner[1]) // 2
        out[top:top + inner[0], left:left + inner[1]] = fitted
    else:
        out = ops.image.resize(img, size, interpolation=interpolation,
                               crop_to_aspect_ratio=crop).value.astype("float32", copy=False)
    return out.transpose(2, 0, 1) if data_format == "channels_first" else out


def text_dataset_from_directory(
        directory: Any, labels: Any = "inferred", label_mode: Any = "int",
        class_names: Any = None, batch_size: int | None = 32, max_length: int | None = None,
        shuffle: bool = True, seed: int | None = None, validation_split: float | None = None,
        subset: str | None = None, follow_links: bool = False,
        format: str = "tf",  # noqa: A002 - Keras' name
        verbose: bool = True) -> Any:
    """A dataset of text batches (and labels) from a folder of class sub-folders of .txt files.

    Arguments as :func:`image_dataset_from_directory`; ``max_length`` truncates each text to
    its first ``max_length`` bytes (as ``tf.strings.substr``). Texts are Python strings
    (decoded as UTF-8, invalid bytes replaced), batched as NumPy arrays of ``str``.
    """
    labels, label_mode = _check_args(labels, label_mode, class_names, validation_split, subset,
                                     shuffle, seed, "text")
    if format != "tf":
        raise ValueError(f"keraslite supports format='tf' only. Received: format={format!r}")
    seed = np.random.randint(1e6) if seed is None else seed
    paths, labels, class_names = index_directory(
        directory, labels, (".txt",), class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")

    def load(path: Any) -> np.ndarray:
        with open(str(path), "rb") as f:
            raw = f.read() if max_length is None else f.read(max_length)
        return np.asarray(raw.decode("utf-8", errors="replace"))

    return _make_datasets(paths, labels, label_mode, class_names, load, batch_size, shuffle,
                          seed, validation_split, subset, "text files", directory)
