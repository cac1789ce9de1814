"""Training step time of a 784-w-w-10 MLP (relu, relu, softmax; adam) for a list of points.

Run by bench/scaling.py with keraslite or Keras 3:
    python scaling_keras.py JSON --lib keraslite|keras [--quick]
where JSON is a list of {"batch": B, "width": w}. For each point: a warm-up fit of two steps
(compilation), a calibration fit of two steps, then a fit of enough steps for about half a
second per epoch (a quarter with --quick), over 3 epochs; the step time is the median epoch
time divided by its steps. Batches are whole (rows = steps x batch), so one shape is traced.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings

import numpy as np
from common import emit, epoch_timer, median, quick

LIB = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else "keraslite"
warnings.simplefilter("ignore")
keras = importlib.import_module(LIB)
MAX_ROWS = 65536
MAX_STEPS = 2000

EpochTimer = epoch_timer(keras)


def build(width):
    model = keras.Sequential([
        keras.Input((784,)), keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    return model


def timed_fit(model, x, y, batch, epochs):
    timer = EpochTimer()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[timer])
    return timer.times


def measure(point, x, y):
    batch, width = point["batch"], point["width"]
    target = 0.25 if quick() else 0.5
    model = build(width)
    two = 2 * batch
    timed_fit(model, x[:two], y[:two], batch, 1)
    per_step = median(timed_fit(model, x[:two], y[:two], batch, 2)) / 2
    steps = int(min(max(3, target / per_step), MAX_STEPS, MAX_ROWS // batch))
    n = steps * batch
    times = timed_fit(model, x[:n], y[:n], batch, 3)
    return {**point, "steps": steps, "step_ms": median(times) / steps * 1e3}


def main():
    points = json.loads(sys.argv[1])
    rng = np.random.default_rng(0)
    x = rng.random((MAX_ROWS, 784), dtype=np.float32)
    y = rng.integers(0, 10, MAX_ROWS)
    emit({"lib": LIB, "points": [measure(p, x, y) for p in points]})


if __name__ == "__main__":
    main()
