"""Training-step time of mlp-large and cnn-mnist with the backend the environment selects.

Run it twice on a GPU machine to compare CuPy with NumPy on the same host::

    KERASLITE_BACKEND=cupy  PYTHONPATH=src python bench/gpu_steps.py
    KERASLITE_BACKEND=numpy PYTHONPATH=src python bench/gpu_steps.py
    KERASLITE_BACKEND=cupy  PYTHONPATH=src python bench/gpu_steps.py --profile  # cProfile

Each workload warms up (first steps, kernel compilation, CuPy's memory pool), then runs two
epochs of fit and times the second (``shuffle=False``; batches are copied host -> device
inside fit, as in real use). The epoch ends by reading the logs, which waits for the GPU. One
JSON line per workload; a workload that fails prints its error instead.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "workloads"))

import numpy as np  # noqa: E402
from common import CNN_MNIST, MLP, conv_data, epoch_timer, mlp_data  # noqa: E402

import keraslite as keras  # noqa: E402
from keraslite import layers  # noqa: E402
from keraslite.backend import BACKEND  # noqa: E402

EpochTimer = epoch_timer(keras)


def mlp_model():
    model = keras.Sequential([
        keras.Input((MLP["features"],)), layers.Dense(MLP["hidden"], activation="relu"),
        layers.Dense(MLP["hidden"], activation="relu"),
        layers.Dense(MLP["classes"], activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def cnn_model():
    model = keras.Sequential([
        keras.Input(CNN_MNIST["shape"]), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def timed_epoch(model, x, y, batch: int, warm_steps: int, steps: int) -> dict:
    warm = warm_steps * batch
    t0 = time.perf_counter()
    model.fit(x[:warm], y[:warm], epochs=1, batch_size=batch, verbose=0, shuffle=False)
    first_s = time.perf_counter() - t0
    timer = EpochTimer()
    xs, ys = x[warm:warm + steps * batch], y[warm:warm + steps * batch]
    # Two epochs, the second timed: the first one compiles the kernels that only an epoch of
    # this length needs (CuPy compiles on first use; the metrics are fed in epoch-sized chunks).
    history = model.fit(xs, ys, epochs=2, batch_size=batch, verbose=0, shuffle=False,
                        callbacks=[timer])
    return {"step_ms": round(timer.times[1] / steps * 1e3, 3), "steps": steps,
            "first_epoch_step_ms": round(timer.times[0] / steps * 1e3, 3),
            "warmup_s": round(first_s, 3), "loss": float(history.history["loss"][-1])}


def run_mlp(batch: int, steps: int) -> dict:
    x, y = mlp_data()
    keras.utils.set_random_seed(0)
    model = mlp_model()
    out = timed_epoch(model, x, y, batch, warm_steps=3, steps=steps)
    model.predict(x[:2048], batch_size=1024, verbose=0)
    t0 = time.perf_counter()
    p = model.predict(x, batch_size=1024, verbose=0)
    out["predict_60k_s"] = round(time.perf_counter() - t0, 3)
    assert type(p) is np.ndarray and p.shape == (MLP["n"], MLP["classes"])
    return out


def run_cnn(steps: int) -> dict:
    batch = CNN_MNIST["batch"]
    x, y = conv_data(CNN_MNIST, (3 + steps) * batch)
    keras.utils.set_random_seed(0)
    return timed_epoch(cnn_model(), x, y, batch, warm_steps=3, steps=steps)


WORKLOADS = {
    "mlp-large-b128": lambda: run_mlp(128, 200),
    "mlp-large-b4096": lambda: run_mlp(4096, 12),
    "cnn-mnist-b128": lambda: run_cnn(40),
}


def profile(batch: int = 128, steps: int = 60, top: int = 35) -> None:
    """cProfile of ``steps`` mlp-large steps after the warm-up: where a step's time goes."""
    import cProfile
    import pstats

    x, y = mlp_data()
    model = mlp_model()
    model.fit(x[:3 * batch], y[:3 * batch], epochs=1, batch_size=batch, verbose=0)
    xs, ys = x[:steps * batch], y[:steps * batch]
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(xs, ys, epochs=1, batch_size=batch, verbose=0, shuffle=False)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    if sys.argv[1:2] == ["--profile"]:
        profile()
        return
    names = sys.argv[1:] or list(WORKLOADS)
    for name in names:
        try:
            result = {"ok": True, **WORKLOADS[name]()}
        except Exception as error:  # noqa: BLE001 - reported, the next workload still runs
            result = {"ok": False, "error": f"{type(error).__name__}: {error}",
                      "where": traceback.format_exc(limit=-3)}
        print(json.dumps({"workload": name, "backend": BACKEND, **result}), flush=True)


if __name__ == "__main__":
    main()
