"""The computations compared between the NumPy and the CuPy backend (run once per backend).

``KERASLITE_BACKEND=cupy python tests/gpu/cases.py OUT.npz`` computes every case with the
backend the environment selects and saves the results as NumPy arrays (``case/name`` keys);
an ``errors`` entry (JSON) names the cases that raised, with the message, so that one run on a
device reports every failure. tests/gpu/test_cupy_backend.py runs it under both backends and
compares. Inputs are drawn with NumPy on the host from fixed seeds: the same on both backends.
"""

from __future__ import annotations

import json
import sys
import time
import traceback

import numpy as np

import keraslite as keras
from keraslite import layers, ops
from keraslite.autodiff import GradientTape
from keraslite.autodiff.tensor import Variable
from keraslite.backend import BACKEND, to_numpy


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _grads(fn, *arrays: np.ndarray) -> dict:
    """The float64 value of ``sum(fn(*vars) * w)`` and its gradients w.r.t. every input."""
    variables = [Variable(a.astype(np.float64), dtype="float64") for a in arrays]
    with GradientTape() as tape:
        out = fn(*variables)
        w = np.random.default_rng(1).standard_normal(tuple(out.shape))
        loss = ops.sum(out * ops.convert_to_tensor(w, dtype="float64"))
    grads = tape.gradient(loss, variables)
    result = {"forward": to_numpy(out), "loss": np.asarray(float(loss))}
    for i, g in enumerate(grads):
        result[f"grad{i}"] = to_numpy(g)
    return result


def case_matmul() -> dict:
    r = _rng()
    return _grads(ops.matmul, r.standard_normal((7, 5)), r.standard_normal((5, 3)))


def case_dense() -> dict:
    r = _rng()
    return _grads(lambda x, k, b: ops.nn.dense(x, k, b, activation="relu"),
                  r.standard_normal((6, 4)), r.standard_normal((4, 3)), r.standard_normal(3))


def case_conv() -> dict:
    r = _rng()
    return _grads(lambda x, k: ops.conv(x, k, strides=1, padding="same"),
                  r.standard_normal((2, 6, 6, 3)), r.standard_normal((3, 3, 3, 4)))


def case_maxpool() -> dict:
    r = _rng()
    return _grads(lambda x: ops.max_pool(x, 2, 2), r.standard_normal((2, 6, 6, 3)))


def case_lstm() -> dict:
    from keraslite.ops.recurrent import lstm_sequence

    r, k = _rng(), 3
    x, h0, c0 = r.standard_normal((2, 5, 4)), r.standard_normal((2, k)), r.standard_normal((2, k))
    w, u, b = (r.standard_normal((4, 4 * k)) * 0.5, r.standard_normal((k, 4 * k)) * 0.5,
               r.standard_normal(4 * k) * 0.1)
    return _grads(lambda *v: lstm_sequence(*v), x, h0, c0, w, u, b)


def case_softmax_ce() -> dict:
    r = _rng()
    labels = r.integers(0, 5, 8)

    def loss(logits):
        return ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)

    out = _grads(loss, r.standard_normal((8, 5)))
    out.update({f"softmax_{k}": v for k, v in
                _grads(lambda z: ops.softmax(z), r.standard_normal((8, 5))).items()})
    return out


def case_embedding() -> dict:
    ids = np.array([[1, 3, 1], [0, 3, 3]])
    return _grads(lambda table: ops.take(table, ids, axis=0), _rng().standard_normal((5, 4)))


def case_embedding_layer() -> dict:
    keras.utils.set_random_seed(0)
    layer = layers.Embedding(5, 4)
    layer.build((None, 3))
    ids = np.array([[1, 3, 1], [0, 3, 3]])
    with GradientTape() as tape:
        loss = ops.sum(layer(ids) ** 2)
    return {"grad": to_numpy(tape.gradient(loss, layer.embeddings)), "loss": float(loss)}


def _fit(model, x, y, epochs: int, batch: int) -> dict:
    keras.utils.set_random_seed(0)
    history = model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, shuffle=False)
    pred = model.predict(x[:16], verbose=0)
    assert type(pred) is np.ndarray, f"predict returned {type(pred)}, expected numpy.ndarray"
    weights = model.get_weights()
    assert all(type(w) is np.ndarray for w in weights), "get_weights must return NumPy arrays"
    return {"loss": np.asarray(history.history["loss"]), "pred": pred}


def case_fit_titanic() -> dict:
    (x, y), _ = keras.datasets.titanic.load_data()
    x = ((x - x.mean(0)) / (x.std(0) + 1e-7)).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((9,)), layers.Dense(20, activation="sigmoid"),
                              layers.Dense(10, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return _fit(model, x, np.asarray(y, "float32"), epochs=10, batch=25)


def case_fit_convnet() -> dict:
    r = _rng()
    x = r.random((256, 12, 12, 1), dtype=np.float32)
    y = (x[:, :6].mean((1, 2, 3)) > x[:, 6:].mean((1, 2, 3))).astype("int64")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 12, 1)), layers.Conv2D(8, 3, activation="relu"),
                              layers.MaxPooling2D(2), layers.Conv2D(8, 3, activation="relu"),
                              layers.Flatten(), layers.Dropout(0.25),
                              layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.01))
    return _fit(model, x, y, epochs=5, batch=32)


def case_fit_lstm() -> dict:
    r = _rng()
    x = r.standard_normal((128, 10, 3)).astype("float32")
    y = x[:, :, 0].sum(1, keepdims=True).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((10, 3)), layers.LSTM(8), layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    return _fit(model, x, y, epochs=5, batch=32)


CASES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main(path: str) -> None:
    results, errors, seconds = {}, {}, {}
    for name, fn in CASES.items():
        start = time.perf_counter()
        try:
            for key, value in fn().items():
                results[f"{name}/{key}"] = np.asarray(value)
        except Exception as error:  # noqa: BLE001 - reported, so one run shows every failure
            errors[name] = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=-4)}"
        seconds[name] = round(time.perf_counter() - start, 3)
    meta = {"backend": BACKEND, "errors": errors, "seconds": seconds}
    np.savez(path, __meta__=np.asarray(json.dumps(meta)), **results)
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
