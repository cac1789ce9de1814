"""Layers that add variables to a built-in layer, or choose how their state is saved."""

import json
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras
from keraslite.naming import KerasliteWarning

h5py = pytest.importorskip("h5py")
sys.path.insert(0, str(Path(__file__).parent / "interop"))
from custom_variables import build_model, define  # noqa: E402

FIXTURES = Path(__file__).parent / "interop" / "fixtures"


def _weight_keys(path):
    with zipfile.ZipFile(path) as archive:
        file = h5py.File(BytesIO(archive.read("model.weights.h5")), "r")
        keys = []
        file.visit(keys.append)
    return keys


def test_overridden_save_and_load_own_variables_round_trip(tmp_path):
    model = build_model(keras)
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    model.save(tmp_path / "m.keras")
    assert "layers/dense_with_offset/vars/offset" in _weight_keys(tmp_path / "m.keras")
    again = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.get_layer("with_offset").offset.numpy(), [0.5, -1.0, 2.0])
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_written_custom_variables_load_here():
    define(keras)
    model = keras.models.load_model(FIXTURES / "keras_custom_variables.keras")
    ref = np.load(FIXTURES / "keras_custom_variables.npz")
    np.testing.assert_allclose(model.predict(ref["x"], verbose=0), ref["p"], atol=1e-6)
    np.testing.assert_allclose(model.get_layer("with_offset").offset.numpy(), [0.5, -1.0, 2.0])


def test_same_layout_as_keras_and_keras_loads_ours():
    ours = FIXTURES / "keraslite_custom_variables.keras"
    assert _weight_keys(ours) == _weight_keys(FIXTURES / "keras_custom_variables.keras")
    verdict = json.loads((FIXTURES / "keras_loads_keraslite_custom_variables.json").read_text())
    assert verdict["max_abs_diff"] < 1e-6 and verdict["offset"] == [0.5, -1.0, 2.0]


def test_a_variable_added_to_dense_is_not_saved_as_in_keras_and_we_say_so(tmp_path):
    scaled_dense, _ = define(keras)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, scaled_dense(3, name="scaled")(inputs))
    model.get_layer("scaled").scale.assign([2.0, 2.0, 2.0])
    with pytest.warns(KerasliteWarning, match=r"\[.scale.\].*save_own_variables"):
        model.save(tmp_path / "s.keras")
    keys = [k for k in _weight_keys(tmp_path / "s.keras") if k.startswith("layers/scaled_dense/")]
    assert keys == ["layers/scaled_dense/vars", "layers/scaled_dense/vars/0",
                    "layers/scaled_dense/vars/1"]
    again = keras.models.load_model(tmp_path / "s.keras")  # Keras 3 refuses this file
    np.testing.assert_allclose(again.get_layer("scaled").scale.numpy(), 1.0)
    np.testing.assert_allclose(again.get_layer("scaled").kernel.numpy(),
                               model.get_layer("scaled").kernel.numpy())


def test_plain_layer_default_store_and_wrong_count_message():
    layer = keras.layers.Dense(2, use_bias=False)
    layer.build((None, 3))
    store = {}
    layer.save_own_variables(store)
    assert list(store) == ["0"] and store["0"] is layer.kernel
    with pytest.raises(ValueError, match="expects 1 variables"):
        layer.load_own_variables({"0": np.zeros((3, 2)), "1": np.zeros(2)})
    norm = keras.layers.BatchNormalization()
    norm.build((None, 3))
    store = {}
    norm.save_own_variables(store)
    assert [v.name for v in store.values()] == ["gamma", "beta", "moving_mean",
                                                "moving_variance"]


def test_tf_variable_attribute_is_no_weight_as_in_keras3(served):
    import tensorflow as tf

    class Holder(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.kept = tf.Variable(np.zeros(3), trainable=False)
            with pytest.warns(KerasliteWarning, match="add_weight"):
                self.free = tf.Variable(np.ones(3))

    assert Holder().weights == []
