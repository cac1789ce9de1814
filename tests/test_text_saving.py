"""Saving text models and layer assets in .keras files, both ways with Keras 3.

The Keras 3 files in tests/golden/text were written by real Keras 3 + TensorFlow
(generate_keras3.py); the other direction (keraslite's files loading in Keras 3) is checked by
tests/golden/text/keraslite_text_models.py, which needs TensorFlow and is run by hand.
"""

import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras

pytest.importorskip("h5py")

HERE = Path(__file__).parent / "golden" / "text"
sys.path.insert(0, str(HERE))
from corpus import LABELLED, TEST  # noqa: E402
from keraslite_text_models import scale_layer_class  # noqa: E402

PREDS = json.loads((HERE / "keras3_models.json").read_text())


@pytest.mark.parametrize("name", ["int", "tfidf"])
def test_text_models_written_by_keras3_load_with_the_same_predictions(name, tmp_path):
    model = keras.saving.load_model(HERE / f"keras3_tv_{name}.keras")
    got = model.predict(np.array(TEST)[:, None], verbose=0)
    np.testing.assert_allclose(got, PREDS[name], atol=1e-6)
    model.save(tmp_path / "again.keras")  # and back, through keraslite's writer
    again = keras.saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(list(TEST), verbose=0), got, atol=1e-7)
    with zipfile.ZipFile(tmp_path / "again.keras") as zf, \
            zipfile.ZipFile(HERE / f"keras3_tv_{name}.keras") as theirs:
        ours = sorted(n for n in zf.namelist() if n.startswith("assets/"))
        assert ours == sorted(n for n in theirs.namelist() if n.startswith("assets/"))
        assert zf.read(ours[0]) == theirs.read(ours[0])


def test_custom_layer_assets_round_trip_both_ways(tmp_path):
    cls = scale_layer_class(keras)
    model = keras.saving.load_model(HERE / "keras3_asset_scale.keras")  # written by Keras 3
    assert model.layers[-1].factor == -1.5
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(model.predict(x, verbose=0), PREDS["asset_scale"], atol=1e-6)
    layer = cls()
    layer.factor = 4.0
    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, layer(inp))
    model.save(tmp_path / "scale.keras")
    with zipfile.ZipFile(tmp_path / "scale.keras") as zf:
        assert zf.read("assets/layers/asset_scale/factor.txt") == b"4.0"
    again = keras.saving.load_model(tmp_path / "scale.keras")
    assert again.layers[-1].factor == 4.0


def test_nested_layer_and_model_assets_use_the_object_path(tmp_path):
    calls = []

    @keras.saving.register_keras_serializable(package="kltext_test")
    class Outer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.StringLookup(vocabulary=None)
            self.inner.adapt(["b", "a", "b"])

        def call(self, x):
            return self.inner(x)

        def save_assets(self, dir_path):
            os.makedirs(os.path.join(dir_path, "sub"))
            with open(os.path.join(dir_path, "sub", "note.txt"), "w") as f:
                f.write("outer")

        def load_assets(self, dir_path):
            with open(os.path.join(dir_path, "sub", "note.txt")) as f:
                calls.append(f.read())

    inp = keras.Input(shape=(2,), dtype="string")
    model = keras.Model(inp, Outer()(inp))
    model.save(tmp_path / "nested.keras")
    with zipfile.ZipFile(tmp_path / "nested.keras") as zf:
        names = set(zf.namelist())
    assert "assets/layers/outer/sub/note.txt" in names
    assert "assets/layers/outer/inner/vocabulary.txt" in names
    again = keras.saving.load_model(tmp_path / "nested.keras")
    assert calls == ["outer"]
    np.testing.assert_array_equal(again.predict(np.array([["a", "b"], ["z", "b"]]), verbose=0),
                                  [[2, 1], [0, 1]])


@pytest.mark.parametrize("kwargs", [
    {"output_mode": "tf_idf", "max_tokens": 12, "pad_to_max_tokens": True},
    {"output_mode": "multi_hot", "ngrams": 2},
    {"output_sequence_length": 4, "standardize": "lower", "split": "character"},
])
def test_adapted_text_vectorization_round_trip(kwargs, tmp_path):
    texts = [t for t, _ in LABELLED]
    tv = keras.layers.TextVectorization(**kwargs)
    tv.adapt(texts)
    inp = keras.Input(shape=(), dtype="string")
    model = keras.Model(inp, tv(inp))
    model.save(tmp_path / "tv.keras")
    again = keras.saving.load_model(tmp_path / "tv.keras")
    assert again.layers[-1].get_vocabulary() == tv.get_vocabulary()
    np.testing.assert_allclose(again.predict(list(TEST), verbose=0),
                               model.predict(list(TEST), verbose=0))
    if kwargs["output_mode"] if "output_mode" in kwargs else False:
        import h5py

        with zipfile.ZipFile(tmp_path / "tv.keras") as zf:
            zf.extract("model.weights.h5", tmp_path)
        with h5py.File(tmp_path / "model.weights.h5") as f:
            keys = list(f["layers/text_vectorization/vars"].keys())
        assert keys == (["idf_weights"] if kwargs["output_mode"] == "tf_idf" else [])
