"""Cross-check: text models written by keraslite load in real Keras 3 with the same outputs.

Step 1, with keraslite (from the repository root)::

    PYTHONPATH=src python tests/golden/text/keraslite_text_models.py write /tmp/kl_text

Step 2, with Keras 3 + TensorFlow (Keras' text layers need TensorFlow)::

    KERAS_BACKEND=tensorflow /tmp/tfvenv/bin/python \
        tests/golden/text/keraslite_text_models.py check /tmp/kl_text

Step 1 saves, for each model, ``NAME.keras`` and ``NAME.json`` (its predictions on
``corpus.TEST``); step 2 loads each file with ``keras.saving.load_model`` and compares.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import LABELLED, TEST  # noqa: E402

CONFIGS = {
    "int_embedding_free": {"output_sequence_length": 6},
    "multi_hot": {"output_mode": "multi_hot", "max_tokens": 15},
    "tf_idf": {"output_mode": "tf_idf", "ngrams": 2},
    "fixed_vocabulary": {"output_mode": "count", "vocabulary": ["great", "awful", "boring"]},
}


def scale_layer_class(keras):
    """A custom layer whose factor lives only in its assets (not in config or weights)."""

    @keras.saving.register_keras_serializable(package="kltext")
    class AssetScale(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.factor = 1.0

        def call(self, x):
            return x * self.factor

        def save_assets(self, dir_path):
            with open(os.path.join(dir_path, "factor.txt"), "w") as f:
                f.write(repr(self.factor))

        def load_assets(self, dir_path):
            with open(os.path.join(dir_path, "factor.txt")) as f:
                self.factor = float(f.read())

    return AssetScale


def write(out: Path) -> None:
    import numpy as np

    import keraslite as keras

    out.mkdir(parents=True, exist_ok=True)
    scale = scale_layer_class(keras)()
    scale.factor = 2.5
    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, scale(keras.layers.Dense(2)(inp)))
    model.save(out / "asset_scale.keras")
    x = np.arange(6, dtype="float32").reshape(2, 3)
    (out / "asset_scale.json").write_text(json.dumps(model.predict(x, verbose=0).tolist()))

    out.mkdir(parents=True, exist_ok=True)
    texts = np.array([t for t, _ in LABELLED])
    labels = np.array([y for _, y in LABELLED], dtype="float32")
    keras.utils.set_random_seed(0)
    tv = keras.layers.TextVectorization(output_mode="count", max_tokens=12)
    tv.adapt(texts)
    model = keras.Sequential([tv, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(list(texts), labels, epochs=2, verbose=0)
    model.save(out / "sequential.keras")
    preds = model.predict(np.array(TEST), verbose=0).tolist()
    (out / "sequential.json").write_text(json.dumps(preds))
    for name, kwargs in CONFIGS.items():
        keras.utils.set_random_seed(0)
        tv = keras.layers.TextVectorization(**kwargs)
        if "vocabulary" not in kwargs:
            tv.adapt(texts)
        inp = keras.Input(shape=(1,), dtype="string")
        x = tv(inp)
        if kwargs.get("output_mode", "int") == "int":
            x = keras.layers.CategoryEncoding(tv.vocabulary_size(), output_mode="count")(x)
        model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(x))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(texts, labels, epochs=2, verbose=0)
        model.save(out / f"{name}.keras")
        preds = model.predict(np.array(TEST), verbose=0).tolist()
        (out / f"{name}.json").write_text(json.dumps(preds))


def check(folder: Path) -> None:
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import numpy as np
    import tensorflow as tf

    worst = 0.0
    for name in ["sequential", *CONFIGS]:
        model = keras.saving.load_model(folder / f"{name}.keras")
        got = model.predict(tf.constant(np.array(TEST)[:, None]), verbose=0)
        want = np.array(json.loads((folder / f"{name}.json").read_text()))
        err = float(np.abs(got - want).max())
        worst = max(worst, err)
        print(f"{name}: max |keras - keraslite| = {err:.2e}")
    scale_layer_class(keras)
    model = keras.saving.load_model(folder / "asset_scale.keras")
    x = np.arange(6, dtype="float32").reshape(2, 3)
    want = np.array(json.loads((folder / "asset_scale.json").read_text()))
    print("asset_scale: factor", model.layers[-1].factor,
          "max err", float(np.abs(model.predict(x, verbose=0) - want).max()))
    assert model.layers[-1].factor == 2.5
    assert worst < 1e-5, worst
    print("all keraslite text models load in Keras 3 with the same predictions")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](Path(sys.argv[2]))
