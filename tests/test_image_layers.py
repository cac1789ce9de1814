"""Image preprocessing and augmentation layers: Keras 3 configs, training-only randomness,
seeding, the transforms themselves, gradients, and training through them."""

from __future__ import annotations

import numpy as np
import pytest

import keraslite
from keraslite import layers
from keraslite.autodiff.gradcheck import check_gradients

R = np.random.default_rng(3)
RANDOM_LAYERS = [
    lambda: layers.RandomCrop(6, 5, seed=1),
    lambda: layers.RandomFlip(seed=2),
    lambda: layers.RandomRotation(0.2, seed=3),
    lambda: layers.RandomTranslation(0.2, 0.3, seed=4),
    lambda: layers.RandomZoom(0.3, seed=5),
    lambda: layers.RandomContrast(0.5, seed=6),
    lambda: layers.RandomBrightness(0.3, seed=7),
]

# get_config() of real Keras 3.15 for the same constructor calls (dtype as keraslite writes it).
KERAS_CONFIGS = {
    "Resizing": (layers.Resizing(8, 9), {
        "name": "resizing", "data_format": "channels_last", "height": 8, "width": 9,
        "interpolation": "bilinear", "crop_to_aspect_ratio": False,
        "pad_to_aspect_ratio": False, "fill_mode": "constant", "fill_value": 0.0,
        "antialias": False}),
    "CenterCrop": (layers.CenterCrop(4, 5), {"name": "center_crop",
                                            "data_format": "channels_last", "height": 4,
                                            "width": 5}),
    "RandomCrop": (layers.RandomCrop(4, 5, seed=1), {
        "name": "random_crop", "data_format": "channels_last", "height": 4, "width": 5,
        "seed": 1}),
    "RandomFlip": (layers.RandomFlip(seed=2), {
        "name": "random_flip", "data_format": "channels_last", "seed": 2,
        "mode": "horizontal_and_vertical"}),
    "RandomRotation": (layers.RandomRotation(0.1), {
        "name": "random_rotation", "data_format": "channels_last", "factor": (-0.1, 0.1),
        "fill_mode": "reflect", "fill_value": 0.0, "interpolation": "bilinear", "seed": None}),
    "RandomTranslation": (layers.RandomTranslation(0.1, 0.2), {
        "name": "random_translation", "data_format": "channels_last", "height_factor": 0.1,
        "width_factor": 0.2, "fill_mode": "reflect", "interpolation": "bilinear",
        "seed": None, "fill_value": 0.0}),
    "RandomZoom": (layers.RandomZoom(0.1), {
        "name": "random_zoom", "data_format": "channels_last", "height_factor": 0.1,
        "width_factor": None, "fill_mode": "reflect", "interpolation": "bilinear",
        "seed": None, "fill_value": 0.0}),
    "RandomContrast": (layers.RandomContrast(0.2), {
        "name": "random_contrast", "data_format": "channels_last", "factor": (0, 0.2),
        "value_range": (0, 255), "seed": None}),
    "RandomBrightness": (layers.RandomBrightness(0.2), {
        "name": "random_brightness", "data_format": "channels_last", "factor": (-0.2, 0.2),
        "value_range": [0, 255], "seed": None}),
}


@pytest.mark.parametrize("name", sorted(KERAS_CONFIGS))
def test_config_matches_keras3(name):
    layer, expected = KERAS_CONFIGS[name]
    config = layer.get_config()
    config.pop("trainable"), config.pop("dtype")
    expected = dict(expected, name=config["name"])  # unique names may carry a suffix
    assert config == expected
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_random_layers_act_only_in_training_and_repeat_with_a_seed(make):
    x = (R.random((4, 9, 8, 3)) * 200 + 20).astype("float32")
    layer = make()
    np.testing.assert_array_equal(layer(x, training=False).value, x)  # inference: unchanged
    first = layer(x, training=True).value
    assert first.shape != x.shape or not np.array_equal(first, x)
    again = make()(x).value  # a direct call trains (Keras 3); same seed: same first draw
    np.testing.assert_array_equal(first, again)
    second = layer(x, training=True).value  # the stream moves on
    assert first.shape != x.shape or not np.array_equal(first, second)


def test_random_layers_change_only_in_fit():
    x = R.random((16, 8, 8, 1)).astype("float32")
    seen = []

    class Spy(layers.Layer):
        def call(self, inputs):
            seen.append(np.array(inputs.value))
            return inputs

    model = keraslite.Sequential([keraslite.Input((8, 8, 1)), layers.RandomFlip("horizontal",
                                                                                seed=1),
                                  Spy(), layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((16, 1)), batch_size=16, epochs=1, verbose=0)
    assert not np.array_equal(seen[-1], x)
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(seen[-1], x)
    model.evaluate(x, np.zeros((16, 1)), verbose=0)
    np.testing.assert_array_equal(seen[-1], x)


def test_flip_rotation_translation_zoom_transforms():
    x = R.random((6, 7, 7, 2)).astype("float32")
    out = layers.RandomFlip("horizontal", seed=0)(x, training=True).value
    for o, i in zip(out, x):
        assert np.array_equal(o, i) or np.array_equal(o, i[:, ::-1])
    out = layers.RandomFlip(seed=0)(x, training=True).value  # both flips decided together
    for o, i in zip(out, x):
        assert np.array_equal(o, i) or np.array_equal(o, i[::-1, ::-1])
    quarter = layers.RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True)
    np.testing.assert_allclose(quarter.value, np.rot90(x, k=1, axes=(1, 2)), atol=1e-6)
    shift = layers.RandomTranslation((0.0, 0.0), (3 / 7, 3 / 7), fill_mode="wrap",
                                     interpolation="nearest")(x, training=True)
    np.testing.assert_allclose(shift.value, np.roll(x, 3, axis=2), atol=1e-6)
    zoom = layers.RandomZoom((0.0, 0.0))(x, training=True)
    np.testing.assert_allclose(zoom.value, x, atol=1e-6)
    cf = layers.RandomRotation((0.25, 0.25), interpolation="nearest", data_format="channels_first")
    np.testing.assert_allclose(cf(x.transpose(0, 3, 1, 2), training=True).value,
                               np.rot90(x, k=1, axes=(1, 2)).transpose(0, 3, 1, 2), atol=1e-6)


def test_contrast_and_brightness_math():
    x = (R.random((5, 6, 6, 3)) * 100 + 80).astype("float32")
    out = layers.RandomContrast((0.2, 0.3), seed=1)(x, training=True).value
    mean = x.mean(axis=(1, 2), keepdims=True)
    ratio = (out - mean) / (x - mean)
    assert np.allclose(ratio, ratio[:, :1, :1, :1], rtol=1e-3)  # one factor per image
    assert np.all((ratio > 0.79) & (ratio < 1.31))
    out = layers.RandomBrightness(0.1, seed=2)(x, training=True).value
    delta = out - x
    assert np.allclose(delta, delta[:, :1, :1, :1], atol=1e-3)
    assert np.all(np.abs(delta) <= 25.5 + 1e-3)
    clipped = layers.RandomBrightness((1.0, 1.0), value_range=(0, 1))(x / 255, training=True)
    np.testing.assert_array_equal(clipped.value, 1.0)


def test_random_crop_and_center_crop():
    x = np.arange(2 * 9 * 8 * 1, dtype="float32").reshape(2, 9, 8, 1)
    out = layers.RandomCrop(4, 3, seed=5)(x, training=True).value
    assert out.shape == (2, 4, 3, 1)
    h0, w0 = np.argwhere(x[0, :, :, 0] == out[0, 0, 0, 0])[0]
    np.testing.assert_array_equal(out, x[:, h0:h0 + 4, w0:w0 + 3])
    np.testing.assert_array_equal(layers.CenterCrop(5, 4)(x).value, x[:, 2:7, 2:6])
    assert layers.CenterCrop(12, 4)(x).shape == (2, 12, 4, 1)  # smaller: crop + resize
    assert layers.RandomCrop(10, 10, seed=1)(x, training=True).shape == (2, 10, 10, 1)


GRAD_LAYERS = [(layers.Resizing, (5, 3), {}), (layers.Resizing, (3, 4), {"antialias": True}),
               (layers.Resizing, (4, 4), {"crop_to_aspect_ratio": True}),
               (layers.CenterCrop, (3, 2), {}), (layers.CenterCrop, (6, 5), {}),
               (layers.CenterCrop, (2, 2), {"data_format": "channels_first"})]


@pytest.mark.parametrize(("cls", "args", "kwargs"), GRAD_LAYERS, ids=str)
def test_resizing_and_center_crop_gradients(float64, cls, args, kwargs):
    layer = cls(*args, **kwargs)
    check_gradients(lambda t: layer(t), [R.standard_normal((2, 4, 5, 2))])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomTranslation(0.1, 0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="rank"):
        layers.RandomFlip()(np.zeros((2, 3)), training=True)


def test_training_with_augmentation_learns():
    """Bright-left vs bright-right images; flips vertically and brightness changes keep the
    label, so a model trained through the augmentation must still learn the task."""
    rng = np.random.default_rng(0)
    n = 256
    y = rng.integers(0, 2, n)
    x = rng.random((n, 8, 8, 1)).astype("float32") * 0.3
    x[y == 1, :, :4] += 0.6
    x[y == 0, :, 4:] += 0.6
    keraslite.utils.set_random_seed(1)
    model = keraslite.Sequential([
        keraslite.Input((8, 8, 1)), layers.RandomFlip("vertical", seed=1),
        layers.RandomBrightness(0.05, value_range=(0, 1), seed=2),
        layers.RandomTranslation(0.1, 0.0, seed=3), layers.Resizing(4, 4),
        layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(keraslite.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.95


FIXTURES = __import__("pathlib").Path(__file__).parent / "interop" / "fixtures"


def test_keras_written_model_with_image_layers_loads_and_predicts_identically():
    pytest.importorskip("h5py")
    data = np.load(FIXTURES / "keras_image_layers.npz")
    model = keraslite.models.load_model(FIXTURES / "keras_image_layers.keras")
    assert [type(layer).__name__ for layer in model.layers][:9] == [
        "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation",
        "RandomTranslation", "RandomZoom", "RandomContrast", "RandomBrightness"]
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["p"], atol=1e-5)
    assert model.layers[4].get_config()["factor"] == (-0.1, 0.2)
    model.compile("sgd", "mse")  # and it trains through the augmentation
    model.fit(data["x"], data["p"], epochs=1, verbose=0)


def test_keras_loaded_keraslite_model_with_image_layers():
    """Keras 3's verdict on the file keraslite wrote (tests/interop/generate_image_fixtures.py)."""
    import json

    verdict = json.loads((FIXTURES / "keras_loads_keraslite_image.json").read_text())
    assert verdict["loaded"] and verdict["predictions_max_abs_diff"] < 1e-5
    assert verdict["configs"]["random_zoom"]["width_factor"] == [-0.3, 0.1]


@pytest.mark.parametrize("make", [
    lambda: layers.RandomFlip(seed=3),
    lambda: layers.RandomContrast((0.2, 0.3), value_range=(-10, 10), seed=4),
    lambda: layers.RandomBrightness(0.2, value_range=(-10, 10), seed=5),
    lambda: layers.RandomCrop(3, 2, seed=6),
])
def test_differentiable_random_layers_pass_gradients(float64, make):
    """A fresh layer per call repeats the same draw, so central differences are valid."""
    check_gradients(lambda t: make()(t, training=True), [R.standard_normal((2, 4, 5, 2))])


GOLDEN_DIR = __import__("pathlib").Path(__file__).parent / "golden"
LAYER_SPECS = __import__("runpy").run_path(str(GOLDEN_DIR / "image_layer_specs.py"))["SPECS"]


@pytest.mark.parametrize("name", sorted(LAYER_SPECS))
def test_fixed_draw_transforms_match_keras3(name):
    """Degenerate factor ranges fix the draw: the same rotation, shift, zoom or brightness
    gives Keras 3's image (tests/golden/generate_image_layers.py)."""
    golden = np.load(GOLDEN_DIR / "image_layers.npz")
    cls, kwargs = LAYER_SPECS[name]
    out = getattr(layers, cls)(**kwargs)(golden["x"], training=True).value
    np.testing.assert_allclose(out, golden[name], atol=5e-4)
