"""keraslite's memory on mlp-large: peak resident memory of fit, and allocations per step.

``peak``: in a fresh process, the resident memory after the imports is the baseline; then the
data (x float32 60000 x 784, y int64) is made without a float64 copy, the model is built, the
kernel's peak mark is reset (/proc/self/clear_refs), and one epoch of fit at batch 128 runs.
Its peak (VmHWM) less the baseline is compared to issue 6's estimate: data + parameters +
optimizer state (Adam: two slots per parameter) + one batch's activations (the input and every
layer's output, float32).

``alloc``: tracemalloc (which sees NumPy's array buffers) over steady-state steps of fit, read
at each on_train_batch_begin (a hook that does not make keraslite compute logs per step):
the net growth of traced memory per step (buffers kept), and the transient peak per step
(memory allocated and freed again within the step: new temporary arrays).

Usage: python memory.py peak|alloc [--quick]
"""

from __future__ import annotations

import time
import tracemalloc
import warnings

import numpy as np
from common import (
    MLP,
    MLP_LAYERS,
    MLP_PARAMS,
    emit,
    median,
    mlp_data,
    quick,
    reset_peak_rss,
    status_mb,
    workload_arg,
)

import keraslite as keras

warnings.simplefilter("ignore")
MB = 1024 * 1024


def mlp_model():
    model = keras.Sequential([
        keras.Input((MLP["features"],)), keras.layers.Dense(MLP["hidden"], activation="relu"),
        keras.layers.Dense(MLP["hidden"], activation="relu"),
        keras.layers.Dense(MLP["classes"], activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def run_peak():
    baseline = status_mb("VmRSS")
    x, y = mlp_data()
    model = mlp_model()
    before_fit = status_mb("VmRSS")
    reset = reset_peak_rss()
    t0 = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=MLP["batch"], verbose=0)
    fit_s = time.perf_counter() - t0
    peak = status_mb("VmHWM")
    data = (x.nbytes + y.nbytes) / MB
    params = MLP_PARAMS * 4 / MB
    optimizer = 2 * params
    activations = MLP["batch"] * (MLP_LAYERS[0][0] + sum(o for _, o in MLP_LAYERS)) * 4 / MB
    estimate = data + params + optimizer + activations
    return {
        "baseline_rss_mb": baseline, "before_fit_rss_mb": before_fit, "peak_rss_mb": peak,
        "peak_reset": reset, "fit_s": fit_s, "data_mb": data, "params_mb": params,
        "optimizer_mb": optimizer, "activations_mb": activations, "estimate_mb": estimate,
        "fit_extra_mb": peak - before_fit,
        "ratio": (peak - baseline) / estimate,
    }


class Probe(keras.callbacks.Callback):
    """Records (current, peak) traced memory into a preallocated array (no growth of its own)."""

    def __init__(self, steps):
        super().__init__()
        self.samples = np.zeros((steps, 2), np.int64)
        self.count = 0

    def on_train_batch_begin(self, batch, logs=None):
        self.samples[self.count] = tracemalloc.get_traced_memory()
        self.count += 1
        tracemalloc.reset_peak()


def run_alloc():
    x, y = mlp_data()
    steps, skip = (40, 10) if quick() else (120, 20)
    n = steps * MLP["batch"]
    x, y = np.ascontiguousarray(x[:n]), np.ascontiguousarray(y[:n])
    model = mlp_model()
    model.fit(x[:MLP["batch"] * 3], y[:MLP["batch"] * 3], epochs=1, batch_size=MLP["batch"],
              verbose=0)
    probe = Probe(steps)
    tracemalloc.start()
    model.fit(x, y, epochs=1, batch_size=MLP["batch"], verbose=0, callbacks=[probe])
    tracemalloc.stop()
    s = probe.samples[skip:probe.count].tolist()
    # samples[k] = (current at the begin of step k, peak since the begin of step k - 1)
    growth = [(s[k + 1][0] - s[k][0]) for k in range(len(s) - 1)]
    transient = [(s[k + 1][1] - s[k][0]) for k in range(len(s) - 1)]
    return {
        "steps_measured": len(growth),
        "net_growth_bytes_per_step": float(np.mean(growth)),
        "transient_kib_per_step": median(transient) / 1024,
        "one_batch_activations_kib": MLP["batch"] * sum(o for _, o in MLP_LAYERS) * 4 / 1024,
    }


WORKLOADS = {"peak": run_peak, "alloc": run_alloc}

if __name__ == "__main__":
    emit(WORKLOADS[workload_arg(WORKLOADS)]())
