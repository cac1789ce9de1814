"""Text and sequence models across real Keras 3 and keraslite, through committed fixtures.

Written by tests/interop/rnn_generate_keras.py (run by hand with Keras 3): ``keras_rnn_*``
files come from Keras; Keras' verdict on keraslite's files is ``keras_loads_keraslite_rnn.json``.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras

pytest.importorskip("h5py")
FIXTURES = Path(__file__).parent / "interop" / "fixtures"
sys.path.insert(0, str(Path(__file__).parent / "interop"))
from rnn_models import builders  # noqa: E402

NAMES = list(builders(keras))


def _data(prefix, name):
    data = np.load(FIXTURES / f"{prefix}_{name}.npz")
    return data, data["x0"], data["y0"], data["p0"]


@pytest.mark.parametrize("name", NAMES)
def test_keras_rnn_files_load_predict_and_continue_training(name):
    data, x, y, p = _data("keras", name)
    model = keras.models.load_model(FIXTURES / f"keras_{name}.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), p, rtol=0, atol=1e-5)
    model.train_on_batch(x, y)
    for layer in model.layers:
        for i, w in enumerate(layer.get_weights()):
            np.testing.assert_allclose(w, data[f"step:{layer.name}:{i}"], rtol=0, atol=1e-5)
    fresh, _, _ = builders(keras)[name]()
    fresh.load_weights(FIXTURES / f"keras_{name}.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), p, rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_keraslite_rnn_files_still_load_here(name, tmp_path):
    _, x, _, p = _data("keraslite", name)
    model = keras.models.load_model(FIXTURES / f"keraslite_{name}.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), p, rtol=0, atol=1e-6)
    model.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), p, rtol=0, atol=1e-6)


def test_keras_loads_keraslite_rnn_files_evidence():
    verdict = json.loads((FIXTURES / "keras_loads_keraslite_rnn.json").read_text())
    assert verdict["all_passed"] and verdict["keras_version"].startswith("3.")
    assert set(verdict["models"]) == set(NAMES)
