"""Keras 3's text preprocessing layers against golden outputs of real Keras 3 + TensorFlow
(tests/golden/text/keras3_layers.json, written by generate_keras3.py)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import keraslite as keras
from keraslite.compat import tensorflow_data

HERE = Path(__file__).parent / "golden" / "text"
sys.path.insert(0, str(HERE))
from corpus import TEST, TRAIN  # noqa: E402

GOLD = json.loads((HERE / "keras3_layers.json").read_text())


def _kwargs(kwargs):
    return {k: tuple(v) if k == "ngrams" and isinstance(v, list) else v
            for k, v in kwargs.items()}


@pytest.mark.parametrize("name", sorted(GOLD["text"]))
def test_text_vectorization_matches_keras(name):
    case = GOLD["text"][name]
    layer = keras.layers.TextVectorization(**_kwargs(case["kwargs"]))
    if "vocabulary" not in case["kwargs"]:
        layer.adapt(TRAIN)
    assert layer.get_vocabulary() == case["vocabulary"]
    out = layer(np.array(TEST)[:, None]).numpy()
    np.testing.assert_allclose(out, case["output"], rtol=1e-6, atol=1e-7)
    if "dataset_vocabulary" in case:  # adapt on a tf.data pipeline (the stand-in's)
        again = keras.layers.TextVectorization(**_kwargs(case["kwargs"]))
        again.adapt(tensorflow_data.Dataset.from_tensor_slices(np.array(TRAIN)).batch(3))
        assert again.get_vocabulary() == case["dataset_vocabulary"]
        np.testing.assert_allclose(again(list(TEST)).numpy(), case["dataset_output"],
                                   rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(GOLD["lookup"]))
def test_lookup_layers_match_keras(name):
    case = GOLD["lookup"][name]
    layer = getattr(keras.layers, case["cls"])(**case["kwargs"])
    if case["adapt"] is not None:
        layer.adapt(np.array(case["adapt"]))
    assert layer.get_vocabulary() == case["vocabulary"]
    np.testing.assert_allclose(layer(np.array(case["test"])).numpy(), case["output"],
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(GOLD["invert"]))
def test_inverted_lookups_match_keras(name):
    case = GOLD["invert"][name]
    layer = getattr(keras.layers, case["cls"])(**case["kwargs"])
    assert layer(case["test"]).value.tolist() == case["output"]


@pytest.mark.parametrize("name", sorted(GOLD["encoding"]))
def test_category_encoding_matches_keras(name):
    case = GOLD["encoding"][name]
    layer = keras.layers.CategoryEncoding(**case["kwargs"])
    w = case["weights"]
    out = layer(np.array(case["x"])) if w is None else \
        layer(np.array(case["x"]), count_weights=np.array(w))
    np.testing.assert_allclose(out.numpy(), case["output"])


@pytest.mark.parametrize("name", sorted(GOLD["hashing"]))
def test_hashing_matches_keras_bin_for_bin(name):
    case = GOLD["hashing"][name]
    layer = keras.layers.Hashing(**case["kwargs"])
    np.testing.assert_array_equal(layer(np.array(case["x"])).numpy(), case["output"])


def test_standardize_and_split_callables_and_scalar_input():
    layer = keras.layers.TextVectorization(standardize=lambda x: np.char.upper(
        x.astype(str)), split=lambda x: [s.split("-") for s in x], vocabulary=["A", "B"])
    np.testing.assert_array_equal(layer(["a-b-c", "b"]).numpy(), [[2, 3, 1], [3, 0, 0]])
    np.testing.assert_array_equal(layer("b-a").numpy(), [3, 2])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="standardize"):
        keras.layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="output_sequence_length"):
        keras.layers.TextVectorization(output_mode="multi_hot", output_sequence_length=3)
    with pytest.raises(RuntimeError, match="adapt"):
        keras.layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="num_oov_indices=1"):
        keras.layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(ValueError, match="repeated"):
        keras.layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="idf_weights"):
        keras.layers.TextVectorization(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(ValueError, match="out of range"):
        keras.layers.CategoryEncoding(3)([[0, 3]])


def test_configs_round_trip():
    for layer in (keras.layers.TextVectorization(max_tokens=5, ngrams=2,
                                                 output_mode="count"),
                  keras.layers.StringLookup(vocabulary=["a", "b"], mask_token=""),
                  keras.layers.IntegerLookup(num_oov_indices=2, oov_token=-7),
                  keras.layers.CategoryEncoding(4, output_mode="count"),
                  keras.layers.Hashing(5, salt=3, output_mode="one_hot")):
        config = layer.get_config()
        again = type(layer).from_config(json.loads(json.dumps(config)))
        assert again.get_config() == config
