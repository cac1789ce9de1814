"""Golden outputs of Keras 3's text preprocessing layers (they need TensorFlow in Keras 3).

Run in an environment with TensorFlow and Keras 3 (not keraslite)::

    python -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu
    KERAS_BACKEND=tensorflow /tmp/tfvenv/bin/python tests/golden/text/generate_keras3.py

It writes ``keras3_layers.json`` (each case: the layer's constructor arguments, how it was
adapted, its vocabulary and its outputs on ``corpus.TEST``) and three ``.keras`` files
written by Keras 3 (``keras3_tv_int.keras``, ``keras3_tv_tfidf.keras``, and
``keras3_asset_scale.keras``: a custom layer whose state is only in its assets) with their
predictions (``keras3_models.json``), beside this file.
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import LABELLED, TEST, TRAIN  # noqa: E402

TOKENS = [["a", "b", "c", "b"], ["b", "z", "", "a"], ["d", "d", "d", "a"]]
TOKENS_TEST = [["a", "q", "", "d"], ["zz", "b", "c", "c"]]
INTS = [[3, 5, 7, 5], [5, 0, 9, 3], [11, 11, 11, 3]]
INTS_TEST = [[3, 42, 0, 11], [8, 5, 7, 7]]

TEXT_CASES = {
    "int": {},
    "int_seq6": {"output_sequence_length": 6},
    "int_max8": {"max_tokens": 8, "output_sequence_length": 4},
    "multi_hot": {"output_mode": "multi_hot"},
    "count_max10_pad": {"output_mode": "count", "max_tokens": 10, "pad_to_max_tokens": True},
    "tf_idf": {"output_mode": "tf_idf"},
    "tf_idf_max9": {"output_mode": "tf_idf", "max_tokens": 9},
    "lower": {"standardize": "lower"},
    "strip": {"standardize": "strip_punctuation"},
    "no_standardize": {"standardize": None},
    "character": {"split": "character", "output_sequence_length": 12},
    "no_split": {"split": None},
    "no_split_one_hot": {"split": None, "output_mode": "one_hot"},
    "bigrams": {"ngrams": 2},
    "ngrams_1_3_multi_hot": {"ngrams": (1, 3), "output_mode": "multi_hot"},
    "vocabulary": {"vocabulary": ["cat", "dog", "the", "bird"], "output_sequence_length": 5},
    "vocabulary_tf_idf": {"vocabulary": ["cat", "dog", "the"], "idf_weights": [0.5, 1.5, 2.0],
                          "output_mode": "tf_idf"},
}

LOOKUP_CASES = {
    "string_int": ("StringLookup", {}, TOKENS, TOKENS_TEST),
    "string_mask_oov2": ("StringLookup", {"mask_token": "", "num_oov_indices": 2},
                         TOKENS, TOKENS_TEST),
    "string_multi_hot": ("StringLookup", {"output_mode": "multi_hot"}, TOKENS, TOKENS_TEST),
    "string_count_mask": ("StringLookup", {"output_mode": "count", "mask_token": ""},
                          TOKENS, TOKENS_TEST),
    "string_tf_idf": ("StringLookup", {"output_mode": "tf_idf"}, TOKENS, TOKENS_TEST),
    "string_one_hot": ("StringLookup", {"output_mode": "one_hot", "max_tokens": 4},
                       [t[0] for t in TOKENS], [t[0] for t in TOKENS_TEST]),
    "string_vocab_oov3": ("StringLookup", {"vocabulary": ["a", "b"], "num_oov_indices": 3},
                          None, TOKENS_TEST),
    "string_salt": ("StringLookup", {"vocabulary": ["a", "b"], "num_oov_indices": 4,
                                     "salt": 17}, None, TOKENS_TEST),
    "int_int": ("IntegerLookup", {}, INTS, INTS_TEST),
    "int_mask0_oov3": ("IntegerLookup", {"mask_token": 0, "num_oov_indices": 3},
                       INTS, INTS_TEST),
    "int_multi_hot_pad": ("IntegerLookup", {"output_mode": "multi_hot", "max_tokens": 6,
                                            "pad_to_max_tokens": True}, INTS, INTS_TEST),
    "int_farmhash": ("IntegerLookup", {"vocabulary": [3, 5], "num_oov_indices": 3,
                                       "oov_method": "farmhash"}, None, INTS_TEST),
}

INVERT_CASES = {
    "string_invert": ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True,
                                       "mask_token": "[M]"}, [[0, 1, 2], [3, 4, 9]]),
    "int_invert": ("IntegerLookup", {"vocabulary": [7, 8], "invert": True},
                   [[0, 1, 2], [3, 5, 1]]),
}

ENCODING_CASES = {
    "one_hot_1d": ({"num_tokens": 4, "output_mode": "one_hot"}, [3, 2, 0, 1], None),
    "one_hot_col": ({"num_tokens": 4, "output_mode": "one_hot"}, [[3], [2]], None),
    "multi_hot_2d": ({"num_tokens": 5}, [[0, 1], [0, 0], [1, 2], [3, 1]], None),
    "multi_hot_1d": ({"num_tokens": 5}, [0, 1, 1, 4], None),
    "count_weights": ({"num_tokens": 5, "output_mode": "count"}, [[0, 1, 1], [4, 4, 2]],
                      [[0.5, 1.0, 2.0], [1.0, 3.0, 0.25]]),
}

HASH_CASES = {
    "strings": ({"num_bins": 7}, [["cat"], ["dog"], ["the quick brown fox"], [""]]),
    "strings_mask": ({"num_bins": 5, "mask_value": ""}, [["cat", ""], ["dog", "x"]]),
    "ints": ({"num_bins": 11}, [[1, 2], [-3, 1000000007]]),
    "floats": ({"num_bins": 9}, [[1.7, -2.2], [3.0, 4.9]]),
    "salt": ({"num_bins": 13, "salt": [5, 9]}, [["cat"], ["dog"], ["mouse"]]),
    "one_hot": ({"num_bins": 6, "output_mode": "one_hot"}, [["a"], ["b"], ["c"]]),
    "multi_hot": ({"num_bins": 6, "output_mode": "multi_hot"}, [["a", "b"], ["c", "a"]]),
    "count_ints": ({"num_bins": 6, "output_mode": "count"}, [[1, 1, 2], [3, 3, 3]]),
}


def _decoded(value):
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value.decode() if isinstance(value, bytes) else value


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    x = keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x
    return _decoded(x.tolist())


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def main():
    out = {"text": {}, "lookup": {}, "invert": {}, "encoding": {}, "hashing": {}}
    for name, kwargs in TEXT_CASES.items():
        layer = keras.layers.TextVectorization(**kwargs)
        if "vocabulary" not in kwargs:
            layer.adapt(TRAIN)
        case = {"kwargs": {k: _jsonable(v) for k, v in kwargs.items()},
                "vocabulary": layer.get_vocabulary(),
                "output": _np(layer(np.array(TEST)[:, None]))}
        if "vocabulary" not in kwargs:
            ds = tf.data.Dataset.from_tensor_slices(TRAIN).batch(3)
            again = keras.layers.TextVectorization(**kwargs)
            again.adapt(ds)
            case["dataset_vocabulary"] = again.get_vocabulary()
            case["dataset_output"] = _np(again(np.array(TEST)))
        out["text"][name] = case
    for name, (cls, kwargs, adapt, test) in LOOKUP_CASES.items():
        layer = getattr(keras.layers, cls)(**kwargs)
        if adapt is not None:
            layer.adapt(np.array(adapt))
        out["lookup"][name] = {"cls": cls, "kwargs": kwargs, "adapt": adapt, "test": test,
                               "vocabulary": [int(v) if isinstance(v, np.integer) else v
                                              for v in layer.get_vocabulary()],
                               "output": _np(layer(np.array(test)))}
    for name, (cls, kwargs, test) in INVERT_CASES.items():
        layer = getattr(keras.layers, cls)(**kwargs)
        out["invert"][name] = {"cls": cls, "kwargs": kwargs, "test": test,
                               "output": _np(layer(np.array(test)))}
    for name, (kwargs, x, w) in ENCODING_CASES.items():
        layer = keras.layers.CategoryEncoding(**kwargs)
        y = layer(np.array(x)) if w is None else layer(np.array(x), count_weights=np.array(w))
        out["encoding"][name] = {"kwargs": kwargs, "x": x, "weights": w, "output": _np(y)}
    for name, (kwargs, x) in HASH_CASES.items():
        layer = keras.layers.Hashing(**kwargs)
        out["hashing"][name] = {"kwargs": kwargs, "x": x, "output": _np(layer(np.array(x)))}
    (HERE / "keras3_layers.json").write_text(json.dumps(out, ensure_ascii=False))
    models()


def models():
    """Two small trained text models saved by Keras 3, and their predictions."""
    texts = np.array([t for t, _ in LABELLED])
    labels = np.array([y for _, y in LABELLED], dtype="float32")
    preds = {}
    for name, kwargs in (("int", {"output_sequence_length": 5}),
                         ("tfidf", {"output_mode": "tf_idf", "max_tokens": 20})):
        keras.utils.set_random_seed(0)
        tv = keras.layers.TextVectorization(**kwargs)
        tv.adapt(texts)
        inp = keras.Input(shape=(1,), dtype="string")
        x = tv(inp)
        if name == "int":
            x = keras.layers.CategoryEncoding(num_tokens=tv.vocabulary_size(),
                                              output_mode="count")(x)
        out = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inp, out)
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(tf.constant(texts[:, None]), labels, epochs=3, verbose=0)
        model.save(HERE / f"keras3_tv_{name}.keras")
        preds[name] = model.predict(tf.constant(np.array(TEST)[:, None]), verbose=0).tolist()
    from keraslite_text_models import scale_layer_class

    scale = scale_layer_class(keras)()
    scale.factor = -1.5
    keras.utils.set_random_seed(0)
    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, scale(keras.layers.Dense(2)(inp)))
    model.save(HERE / "keras3_asset_scale.keras")
    preds["asset_scale"] = model.predict(np.arange(6, dtype="float32").reshape(2, 3),
                                         verbose=0).tolist()
    (HERE / "keras3_models.json").write_text(json.dumps(preds))


if __name__ == "__main__":
    main()
