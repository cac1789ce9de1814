"""Convnets in ``.keras`` files, both ways with real Keras 3 (fixtures written by
tests/interop/generate_keras_fixtures.py --conv-only)."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras

pytest.importorskip("h5py")

FIXTURES = Path(__file__).parent / "interop" / "fixtures"
NAMES = ["conv_mnist", "conv_family", "conv_transposed"]
RANDOM_TRAINING = {"conv_mnist"}  # Dropout draws differ between the libraries


def arrays(name):
    data = np.load(FIXTURES / f"{name}.npz")
    xs = [data[k] for k in sorted(k for k in data.files if k.startswith("x"))]
    ys = [data[k] for k in sorted(k for k in data.files if k.startswith("y"))]
    return data, xs[0], ys[0], data["p0"]


@pytest.mark.parametrize("name", NAMES)
def test_keras_written_convnet_predicts_and_trains_identically(name):
    data, x, y, p = arrays(f"keras_{name}")
    model = keras.models.load_model(FIXTURES / f"keras_{name}.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), p, rtol=0, atol=1e-6)
    if name in RANDOM_TRAINING:
        return
    model.train_on_batch(x, y)
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            np.testing.assert_allclose(w, data[f"step:{layer.name}:{i}"], rtol=0, atol=1e-5)


def _layer_configs(config):
    return {layer["config"]["name"]: layer for layer in config["config"]["layers"]}


@pytest.mark.parametrize("name", NAMES)
def test_layer_configs_are_keras_configs(name, tmp_path):
    """Every layer's serialized config, as keraslite writes it, equals the one Keras wrote."""
    with zipfile.ZipFile(FIXTURES / f"keras_{name}.keras") as z:
        theirs = _layer_configs(json.loads(z.read("config.json")))
    model = keras.models.load_model(FIXTURES / f"keras_{name}.keras")
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        ours = _layer_configs(json.loads(z.read("config.json")))
    assert sorted(ours) == sorted(theirs)
    for layer, want in theirs.items():
        if want["class_name"] in ("InputLayer", "Dense", "Dropout", "Flatten", "Concatenate",
                                  "Reshape"):
            continue  # not convnet layers: tested elsewhere
        got = ours[layer]
        assert got["class_name"] == want["class_name"]
        # keraslite writes dtype as a plain name (Keras 3 reads both forms); all else is equal.
        assert {k: v for k, v in got["config"].items() if k != "dtype"} == \
            {k: v for k, v in want["config"].items() if k != "dtype"}, layer


@pytest.mark.parametrize("name", NAMES)
def test_keraslite_convnet_files_still_load_here(name):
    _, x, _, p = arrays(f"keraslite_{name}")
    model = keras.models.load_model(FIXTURES / f"keraslite_{name}.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), p, rtol=0, atol=1e-6)


def test_keras_loads_keraslite_convnets_evidence():
    verdict = json.loads((FIXTURES / "keras_loads_keraslite_conv.json").read_text())
    assert verdict["all_passed"], verdict
    assert sorted(verdict["models"]) == sorted(NAMES)
