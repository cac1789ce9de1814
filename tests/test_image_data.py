"""keras.utils image files and directory datasets: load_img / img_to_array / array_to_img /
save_img, image_dataset_from_directory and text_dataset_from_directory."""

from __future__ import annotations

import os

import numpy as np
import pytest

import keraslite
from keraslite import utils

Image = pytest.importorskip("PIL.Image")  # in the `test` extra; CI installs it

# Keras 3.15's dataset_utils.index_directory(seed=1337) on the tree built by `tree` below.
KERAS_ORDER = ["cats/sub/deep.jpg", "cats/img3.png", "cats/img1.png", "cats/img0.png",
               "cats/img4.png", "dogs/img0.png", "dogs/img4.png", "cats/img2.png",
               "dogs/img3.png", "dogs/sub/deep.jpg", "dogs/img2.png", "dogs/img1.png"]


def _write(path, value, size=(6, 8), mode="RGB"):
    """An image whose pixels are all ``value`` (so its class can be read back from it)."""
    array = np.full((size[0], size[1], 3), value, dtype="uint8")
    Image.fromarray(array, "RGB").convert(mode).save(path)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "d"
    for label, name in enumerate(["cats", "dogs"]):
        (root / name / "sub").mkdir(parents=True)
        for i in range(5):
            _write(root / name / f"img{i}.png", 40 + 160 * label, size=(6 + i, 8))
        _write(root / name / "sub" / "deep.jpg", 40 + 160 * label)
        (root / name / "notes.txt").write_text(f"a text about {name} number one")
    (root / ".hidden").mkdir()
    _write(root / ".hidden" / "x.png", 0)
    return root


def test_file_order_labels_and_split_match_keras(tree):
    train, val = utils.image_dataset_from_directory(
        tree, validation_split=0.25, subset="both", seed=1337, image_size=(4, 5),
        batch_size=4, verbose=False)
    rel = [os.path.relpath(p, tree).replace(os.sep, "/") for p in train.file_paths
           + val.file_paths]
    assert rel == KERAS_ORDER
    assert train.class_names == val.class_names == ["cats", "dogs"]
    assert len(train) == 3 and len(val) == 1
    images, labels = next(iter(val))
    assert images.shape == (3, 4, 5, 3) and images.dtype == "float32"
    assert labels.dtype == "int32"
    np.testing.assert_array_equal(labels.value, [1, 1, 1])
    # every image carries its class in its pixel values (JPEG is lossy: approximate)
    for images, labels in train:
        pixel = images.value[:, 0, 0, 0]
        np.testing.assert_allclose(pixel, 40 + 160 * labels.value, atol=3)


def test_label_modes_color_modes_and_options(tree):
    ds = utils.image_dataset_from_directory(tree, label_mode="categorical", color_mode="grayscale",
                                            image_size=3, batch_size=None, shuffle=False,
                                            verbose=False)
    image, label = next(iter(ds))
    assert image.shape == (3, 3, 1) and label.shape == (2,) and label.dtype == "float32"
    ds = utils.image_dataset_from_directory(tree, label_mode="binary", batch_size=5,
                                            image_size=(2, 2), shuffle=False, verbose=False,
                                            data_format="channels_first", color_mode="rgba")
    images, labels = next(iter(ds))
    assert images.shape == (5, 4, 2, 2) and labels.shape == (5, 1)
    ds = utils.image_dataset_from_directory(tree / "cats", labels=None, image_size=(4, 16),
                                            pad_to_aspect_ratio=True, shuffle=False,
                                            verbose=False)
    padded = next(iter(ds)).value[0]  # a 6 x 8 image fitted to 4 x 5, centered on zeros
    assert padded.shape == (4, 16, 3) and np.all(padded[:, :5] == 0)
    np.testing.assert_allclose(padded[:, 5:10], 40, atol=3)
    ds = utils.image_dataset_from_directory(tree, labels=None, image_size=(2, 2),
                                            shuffle=False, verbose=False)
    assert ds.class_names is None and next(iter(ds)).shape == (13, 2, 2, 3)  # .hidden too, as Keras
    ds = utils.image_dataset_from_directory(tree, class_names=["dogs"], shuffle=False,
                                            image_size=(2, 2), verbose=False)
    assert len(ds.file_paths) == 6
    ds = utils.image_dataset_from_directory(tree / "cats", labels=list(range(6)),
                                            image_size=(2, 2), shuffle=False, verbose=False)
    assert ds.class_names == [str(i) for i in range(6)]


def test_argument_errors(tree):
    with pytest.raises(ValueError, match="seed"):
        utils.image_dataset_from_directory(tree, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="label_mode"):
        utils.image_dataset_from_directory(tree, label_mode="sparse")
    with pytest.raises(ValueError, match="class_names"):
        utils.image_dataset_from_directory(tree, class_names=["birds"])
    with pytest.raises(ValueError, match="color_mode"):
        utils.image_dataset_from_directory(tree, color_mode="cmyk")


def test_fit_reads_the_directory_dataset(tree):
    train, val = utils.image_dataset_from_directory(
        tree, validation_split=0.25, subset="both", seed=1337, image_size=(4, 4),
        batch_size=3, verbose=False)
    keraslite.utils.set_random_seed(0)
    model = keraslite.Sequential([
        keraslite.Input((4, 4, 3)), keraslite.layers.Rescaling(1 / 255),
        keraslite.layers.RandomFlip(seed=1), keraslite.layers.Flatten(),
        keraslite.layers.Dense(2, activation="softmax")])
    model.compile(keraslite.optimizers.Adam(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["val_accuracy"][-1] == 1.0


def test_text_dataset_from_directory(tmp_path):
    for name, texts in {"neg": ["bad", "awful film"], "pos": ["good", "great", "fine"]}.items():
        (tmp_path / name).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / name / f"{i}.txt").write_text(text)
    ds = keraslite.utils.text_dataset_from_directory(tmp_path, batch_size=2, max_length=4,
                                                     shuffle=False, verbose=False)
    batches = list(ds.as_numpy_iterator())
    assert ds.class_names == ["neg", "pos"]
    assert list(batches[0][0]) == ["bad", "awfu"] and list(batches[0][1]) == [0, 0]
    assert [len(b[0]) for b in batches] == [2, 2, 1]
    train = keraslite.utils.text_dataset_from_directory(
        tmp_path, validation_split=0.4, subset="training", seed=3, verbose=False)
    assert len(train.file_paths) == 3


def test_load_save_and_convert(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (5, 7, 3)).astype("float32")
    path = tmp_path / "a.png"
    utils.save_img(path, x, scale=False)
    img = utils.load_img(path)
    assert img.size == (7, 5) and img.mode == "RGB"
    np.testing.assert_array_equal(utils.img_to_array(img), x)
    assert utils.img_to_array(img, data_format="channels_first").shape == (3, 5, 7)
    assert utils.img_to_array(utils.load_img(path, color_mode="grayscale")).shape == (5, 7, 1)
    assert utils.load_img(path, target_size=(2, 3)).size == (3, 2)
    assert utils.load_img(path, target_size=(4, 4), keep_aspect_ratio=True).size == (4, 4)
    scaled = utils.img_to_array(utils.array_to_img(x / 255.0))
    assert scaled.min() == 0 and scaled.max() == 255
    assert utils.array_to_img(np.zeros((2, 2, 1))).mode == "L"
    with pytest.raises(ValueError, match="rank 3"):
        utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="color_mode"):
        utils.load_img(path, color_mode="cmyk")
