"""The sequence workloads through the Keras API (``--lib keraslite`` or ``--lib keras``).

- lstm_lm: Embedding(3000, 64) -> LSTM(128) -> Dense(3000, softmax), sparse CCE, Adam, batch 64
- lstm_seq: Embedding(5000, 32) -> Bidirectional(LSTM(64)) -> Dense(1, sigmoid), batch 32
- gru_1d: Input((40, 1)) -> GRU(64) -> Dense(10, softmax), batch 100

Reports ``first_fit_s`` (a fresh model built, compiled and fitted on 5 batches: compilation
included) and ``train_step_ms`` (one epoch over the following batches, per step).

Usage: python sequence_keras.py WORKLOAD --lib keraslite|keras [--quick]
"""

from __future__ import annotations

import importlib
import sys
import time
import warnings

from common import (
    SEQUENCE,
    SEQUENCE_WARMUP_BATCHES,
    emit,
    quick,
    sequence_batches,
    sequence_data,
    workload_arg,
)

LIB = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else "keraslite"
warnings.simplefilter("ignore")
keras = importlib.import_module(LIB)
layers = keras.layers


def build(name):
    spec = SEQUENCE[name]
    if name == "lstm_lm":
        model = keras.Sequential([keras.Input((spec["steps"],), dtype="int32"),
                                  layers.Embedding(spec["vocab"], 64), layers.LSTM(128),
                                  layers.Dense(spec["vocab"], activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    elif name == "lstm_seq":
        model = keras.Sequential([keras.Input((spec["steps"],), dtype="int32"),
                                  layers.Embedding(spec["vocab"], 32),
                                  layers.Bidirectional(layers.LSTM(64)),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
    else:
        model = keras.Sequential([keras.Input((spec["steps"], 1)), layers.GRU(64),
                                  layers.Dense(spec["classes"], activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model


def run(name):
    x, y = sequence_data(name)
    batch = SEQUENCE[name]["batch"]
    warm = SEQUENCE_WARMUP_BATCHES * batch
    t0 = time.perf_counter()
    model = build(name)
    model.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    first_fit = time.perf_counter() - t0
    steps = sequence_batches(quick())
    xs, ys = x[warm:warm + steps * batch], y[warm:warm + steps * batch]
    t0 = time.perf_counter()
    history = model.fit(xs, ys, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    float(history.history["loss"][-1])
    step_ms = (time.perf_counter() - t0) / steps * 1e3
    return {"first_fit_s": first_fit, "train_step_ms": step_ms}


if __name__ == "__main__":
    emit(run(workload_arg(SEQUENCE)))
