"""Interoperability with real Keras 3, through committed fixtures (no Keras needed here).

The fixtures come from tests/interop/generate_keras_fixtures.py, run by hand with Keras 3:
``keras_*`` files were written by Keras; ``keraslite_*`` files were written by keraslite and
loaded by Keras, whose verdict is ``keras_loads_keraslite.json``.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras

h5py = pytest.importorskip("h5py")

FIXTURES = Path(__file__).parent / "interop" / "fixtures"
OPTIMIZERS = ["adadelta", "adagrad", "adam", "adamw", "adamax", "ftrl", "lion", "nadam",
              "rmsprop", "sgd"]
NAMES = ["sequential", "functional", "activations", "zoo", "nested"] + [
    f"opt_{name}" for name in OPTIMIZERS]
RANDOM_TRAINING = {"zoo"}  # its Dropout draws differ between the libraries


def arrays(name):
    data = np.load(FIXTURES / f"{name}.npz")
    xs = [data[f"x{i}"] for i in range(sum(k.startswith("x") for k in data.files))]
    ys = [data[f"y{i}"] for i in range(sum(k.startswith("y") for k in data.files))]
    ps = [data[f"p{i}"] for i in range(sum(k.startswith("p") for k in data.files))]
    return data, xs, ys, ps


def one(items):
    return items[0] if len(items) == 1 else items


def as_list(pred):
    return pred if isinstance(pred, list) else [pred]


@pytest.mark.parametrize("name", NAMES)
def test_keras_written_model_predicts_identically(name):
    _, xs, _, ps = arrays(f"keras_{name}")
    model = keras.models.load_model(FIXTURES / f"keras_{name}.keras")
    for got, want in zip(as_list(model.predict(one(xs), verbose=0)), ps):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in RANDOM_TRAINING])
def test_keras_optimizer_state_continues_in_keraslite(name):
    """Keras' next training step after the save, reproduced from the loaded optimizer state."""
    data, xs, ys, _ = arrays(f"keras_{name}")
    model = keras.models.load_model(FIXTURES / f"keras_{name}.keras")
    assert int(model.optimizer.iterations.value) > 0
    model.train_on_batch(one(xs), one(ys))
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            np.testing.assert_allclose(w, data[f"step:{layer.name}:{i}"], rtol=0, atol=1e-5)


def test_keras_weights_h5_and_legacy_h5_files():
    _, xs, _, ps = arrays("keras_sequential")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.load_weights(FIXTURES / "keras_sequential.weights.h5")
    np.testing.assert_allclose(model.predict(xs[0], verbose=0), ps[0], rtol=0, atol=1e-6)
    assert int(model.optimizer.iterations.value) == 6
    legacy = keras.models.load_model(FIXTURES / "keras_legacy.h5")
    np.testing.assert_allclose(legacy.predict(xs[0], verbose=0), ps[0], rtol=0, atol=1e-6)
    assert isinstance(legacy.optimizer, keras.optimizers.Adam)


def test_keras_loads_keraslite_files_evidence():
    verdict = json.loads((FIXTURES / "keras_loads_keraslite.json").read_text())
    assert verdict["all_passed"] and verdict["keras_version"].startswith("3.")
    assert set(verdict["models"]) == set(NAMES) | {"sequential_weights_h5"}
    for entry in verdict["models"].values():
        assert entry["passed"] and entry["prediction_max_abs_diff"] <= 1e-6


@pytest.mark.parametrize("name", NAMES)
def test_keraslite_fixtures_still_load_here(name):
    """The files Keras accepted still load in this keraslite, with the same predictions."""
    _, xs, _, ps = arrays(f"keraslite_{name}")
    model = keras.models.load_model(FIXTURES / f"keraslite_{name}.keras")
    for got, want in zip(as_list(model.predict(one(xs), verbose=0)), ps):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_keras2_legacy_h5_model(tmp_path):
    """A file in Keras 2's layout: no `module` keys, batch_input_shape, `kernel:0` names."""
    rng = np.random.default_rng(0)
    kernel, bias = rng.normal(size=(3, 2)).astype("float32"), np.array([0.5, -1], "float32")
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3],
                                                "dtype": "float32", "sparse": False,
                                                "ragged": False, "name": "dense_input"}},
        {"class_name": "Dense", "config": {
            "name": "dense", "trainable": True, "dtype": "float32", "units": 2,
            "activation": "sigmoid", "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}}]}}
    path = tmp_path / "keras2.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.13.1"
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"dense"]
        group = weights.create_group("dense")
        group.attrs["weight_names"] = [b"dense/kernel:0", b"dense/bias:0"]
        group.create_dataset("dense/kernel:0", data=kernel)
        group.create_dataset("dense/bias:0", data=bias)
    model = keras.models.load_model(path)
    x = rng.normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               1 / (1 + np.exp(-(x @ kernel + bias))), rtol=1e-6)


LEGACY = ["sequential", "two_inputs", "activations", "zoo", "opt_adamw", "opt_ftrl"]


@pytest.mark.parametrize("name", LEGACY)
def test_keras_written_legacy_h5_predicts_and_continues_training(name):
    """Keras' `model.save("m.h5")`: same predictions, and the whole optimizer state restored,
    so the next training step is Keras' own (Keras 3.15 itself restores only iteration and
    learning rate from this format)."""
    data, xs, ys, ps = arrays(f"keras_legacy_{name}")
    model = keras.models.load_model(FIXTURES / f"keras_legacy_{name}.h5")
    for got, want in zip(as_list(model.predict(one(xs), verbose=0)), ps):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert int(model.optimizer.iterations.value) > 0
    if name in RANDOM_TRAINING:
        return
    model.train_on_batch(one(xs), one(ys))
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            np.testing.assert_allclose(w, data[f"step:{layer.name}:{i}"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", LEGACY)
def test_keraslite_legacy_h5_fixtures_still_load_here(name):
    _, xs, _, ps = arrays(f"keraslite_legacy_{name}")
    model = keras.models.load_model(FIXTURES / f"keraslite_legacy_{name}.h5")
    for got, want in zip(as_list(model.predict(one(xs), verbose=0)), ps):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_keras_loads_keraslite_legacy_h5_evidence():
    verdict = json.loads((FIXTURES / "keras_loads_keraslite_legacy_h5.json").read_text())
    assert verdict["all_passed"] and verdict["keras_version"].startswith("3.")
    assert set(verdict["models"]) == set(LEGACY)
    for entry in verdict["models"].values():
        assert entry["passed"] and entry["prediction_max_abs_diff"] <= 1e-6
        assert entry["next_step_max_abs_diff_with_stored_optimizer_state"] <= 1e-5
        assert entry["optimizer_state_count"][0] == entry["optimizer_state_count"][1]
