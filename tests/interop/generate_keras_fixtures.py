"""Interoperability fixtures between real Keras 3 and keraslite. Run by hand, with Keras:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tests/interop/generate_keras_fixtures.py \
        [--keraslite-python python3]

1. Builds small models in real Keras 3, trains them a few steps (so optimizer state exists),
   and writes ``keras_NAME.keras`` (+ ``keras_sequential.weights.h5`` and a legacy
   ``keras_legacy.h5``) with ``keras_NAME.npz``: inputs ``x*``, targets ``y*``, predictions
   ``p*``, and each layer's weights after one more training step (``step:<layer>:<i>``).
2. Runs tests/interop/write_keraslite_models.py with the keraslite Python to write
   ``keraslite_NAME.keras`` files, loads each one here in real Keras, and checks the
   predictions and the next training step against keraslite's. The verdict goes to
   ``keras_loads_keraslite.json``, which is committed as evidence (tests read it).

This script never imports keraslite; keraslite's tests never import keras.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
PRED_TOL = 1e-6
RANDOM_TRAINING = {"zoo"}  # Dropout draws differ between the libraries: predictions only
STEP_TOL = 1e-5


def sequential() -> tuple:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(11)
    return model, [rng.normal(size=(48, 4)).astype("float32")], [rng.integers(0, 3, size=48)]


def functional() -> tuple:
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = keras.layers.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)
    o1 = keras.layers.Dense(1, name="o1")(ha + hb)
    o2 = keras.layers.Dense(2, activation="softmax", name="o2")(hb[:, 1:4])
    model = keras.Model([a, b], [o1, o2], name="two_in_two_out")
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss=["mse", "categorical_crossentropy"])
    rng = np.random.default_rng(12)
    x = [rng.normal(size=(32, 4)).astype("float32") for _ in range(2)]
    y = [rng.normal(size=(32, 1)).astype("float32"),
         np.eye(2, dtype="float32")[rng.integers(0, 2, size=32)]]
    return model, x, y


def activations() -> tuple:
    layers = keras.layers
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8), layers.PReLU(),
                              layers.Dense(8), layers.LeakyReLU(negative_slope=0.2),
                              layers.Dense(4), layers.Softmax()])
    model.compile(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                  loss="categorical_crossentropy")
    rng = np.random.default_rng(13)
    x = [rng.normal(size=(40, 6)).astype("float32")]
    y = [np.eye(4, dtype="float32")[rng.integers(0, 4, size=40)]]
    return model, x, y


def zoo() -> tuple:
    """Many layer types in one graph (with Dropout: compare predictions, not training steps)."""
    layers = keras.layers
    inp = keras.Input((6,), name="features")
    h = layers.Dense(8, name="d1")(inp)
    h = layers.BatchNormalization(name="bn")(h)
    h = layers.Activation("relu", name="act")(h)
    h = layers.Dropout(0.3, name="drop")(h)
    h = layers.LayerNormalization(name="ln")(h)
    h = layers.Reshape((4, 2), name="reshape")(h)
    h = layers.Permute((2, 1), name="permute")(h)
    h = layers.Flatten(name="flat")(h)
    side = layers.Rescaling(0.5, offset=0.1, name="rescale")(inp)
    side = layers.Dense(4, activation="elu", name="d2")(side)
    h = layers.Concatenate(name="concat")([h, side])
    h = layers.Add(name="sum")([layers.Dense(5, name="d3")(h), layers.Dense(5, name="d4")(h)])
    out = layers.Dense(3, activation="softmax", name="out")(h)
    model = keras.Model(inp, out, name="zoo")
    model.compile(optimizer="nadam", loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(14)
    x = [rng.normal(size=(40, 6)).astype("float32")]
    y = [np.eye(3, dtype="float32")[rng.integers(0, 3, size=40)]]
    return model, x, y


def nested() -> tuple:
    """A Sequential and a Functional model used as layers (the latter called twice)."""
    layers = keras.layers
    inner_seq = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu")],
                                 name="inner_seq")
    inner_in = keras.Input((3,), name="inner_in")
    inner_fun = keras.Model(inner_in, layers.Dense(2, name="f1")(inner_in), name="inner_fun")
    x = keras.Input((4,), name="x")
    out = inner_fun(inner_seq(x))
    out2 = inner_fun(layers.Dense(3, name="side")(x))
    model = keras.Model(x, [out, out2], name="outer")
    model.compile(optimizer="adam", loss=["mse", "mae"])
    rng = np.random.default_rng(15)
    x = [rng.normal(size=(24, 4)).astype("float32")]
    return model, x, [rng.normal(size=(24, 2)).astype("float32") for _ in range(2)]


OPTIMIZERS = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam",
              "RMSprop", "SGD"]


def optimizer_model(name: str) -> tuple:
    """A tiny model trained with one optimizer: its state's order must match Keras'."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer=getattr(keras.optimizers, name)(learning_rate=0.01), loss="mse")
    rng = np.random.default_rng(OPTIMIZERS.index(name))
    return model, [rng.normal(size=(16, 3)).astype("float32")], \
        [rng.normal(size=(16, 2)).astype("float32")]


BUILDERS = {"sequential": sequential, "functional": functional, "activations": activations,
            "zoo": zoo, "nested": nested}
BUILDERS.update({f"opt_{name.lower()}": (lambda n=name: optimizer_model(n)) for name in OPTIMIZERS})


def _one(xs: list):
    return xs[0] if len(xs) == 1 else xs


def _as_list(p) -> list:
    return [np.asarray(v) for v in p] if isinstance(p, (list, tuple)) else [np.asarray(p)]


def write_keras_fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        keras.utils.set_random_seed(0)
        model, x, y = build()
        model.fit(_one(x), _one(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
        model.save(FIXTURES / f"keras_{name}.keras")
        if name == "sequential":
            model.save_weights(FIXTURES / "keras_sequential.weights.h5")
            model.save(FIXTURES / "keras_legacy.h5")
        preds = _as_list(model.predict(_one(x), verbose=0))
        model.train_on_batch(_one(x), _one(y))
        arrays = {f"x{i}": a for i, a in enumerate(x)}
        arrays.update({f"y{i}": a for i, a in enumerate(y)})
        arrays.update({f"p{i}": p for i, p in enumerate(preds)})
        for layer in model.layers:
            for i, w in enumerate(layer.get_weights()):
                arrays[f"step:{layer.name}:{i}"] = np.asarray(w)
        np.savez(FIXTURES / f"keras_{name}.npz", **arrays)
        print(f"wrote keras_{name}.keras")


def check_keraslite_files(keraslite_python: str) -> dict:
    subprocess.run([keraslite_python, str(HERE / "write_keraslite_models.py"), str(FIXTURES)],
                   check=True)
    results = {}
    for name in BUILDERS:
        path = FIXTURES / f"keraslite_{name}.keras"
        data = np.load(FIXTURES / f"keraslite_{name}.npz")
        n_x = len([k for k in data.files if k.startswith("x")])
        n_y = len([k for k in data.files if k.startswith("y")])
        x = [data[f"x{i}"] for i in range(n_x)]
        y = [data[f"y{i}"] for i in range(n_y)]
        entry: dict = {"file": path.name}
        try:
            model = keras.saving.load_model(path)
            preds = _as_list(model.predict(_one(x), verbose=0))
            entry["prediction_max_abs_diff"] = max(
                float(np.max(np.abs(p - data[f"p{i}"]))) for i, p in enumerate(preds))
            diffs = [0.0]
            if name not in RANDOM_TRAINING:
                model.train_on_batch(_one(x), _one(y))
                diffs += [float(np.max(np.abs(np.asarray(w) - data[f"step:{layer.name}:{i}"])))
                          for layer in model.layers for i, w in enumerate(layer.get_weights())]
            entry["next_step_max_abs_diff"] = max(diffs)
            entry["optimizer"] = type(model.optimizer).__name__
            entry["optimizer_iterations"] = int(np.asarray(model.optimizer.iterations))
            entry["passed"] = bool(entry["prediction_max_abs_diff"] <= PRED_TOL
                                   and entry["next_step_max_abs_diff"] <= STEP_TOL)
        except Exception as error:  # record the failure as evidence
            entry["passed"] = False
            entry["error"] = f"{type(error).__name__}: {error}"[:2000]
        results[name] = entry
        print(name, entry)
    weights = FIXTURES / "keraslite_sequential.weights.h5"
    data = np.load(FIXTURES / "keraslite_sequential.npz")
    model, _, _ = sequential()
    model.load_weights(weights)
    diff = float(np.max(np.abs(np.asarray(model.predict(data["x0"], verbose=0)) - data["p0"])))
    results["sequential_weights_h5"] = {"file": weights.name, "prediction_max_abs_diff": diff,
                                        "passed": diff <= PRED_TOL}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keraslite-python", default="python3",
                        help="a Python interpreter that can import keraslite")
    args = parser.parse_args()
    write_keras_fixtures()
    results = check_keraslite_files(args.keraslite_python)
    verdict = {
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "date": datetime.date.today().isoformat(),
        "prediction_tolerance": PRED_TOL,
        "next_step_tolerance": STEP_TOL,
        "all_passed": all(r["passed"] for r in results.values()),
        "models": results,
    }
    (FIXTURES / "keras_loads_keraslite.json").write_text(json.dumps(verdict, indent=2) + "\n")
    print("all passed" if verdict["all_passed"] else "SOME FAILED")
    return 0 if verdict["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
