"""Shared by every workload process: the data, the sizes, timing and reporting.

Only NumPy and the standard library are used here, since every peer's interpreter imports this
file. A workload process prints one line ``BENCH_RESULT {json}`` last; ``bench/run.py`` reads it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent.parent
DATA = BENCH / ".data"
TITANIC_NPZ = DATA / "titanic.npz"

# The workloads, as issue 6 defines them.
SEED = {"n": 25, "features": 3, "epochs": 100, "batch": 5}
TITANIC = {"epochs": 20, "batch": 25}
SMALL_BATCH = {"epochs": 6, "quick_epochs": 4, "batch": 1}  # the first epoch is warm-up
TITANIC_ADAM = {"epochs": 100, "batch": 25}
# GridSearchCV over one hidden layer's width (standardized Titanic, adam): 2 candidates x 3 folds
# + the refit = 7 fits, one process (n_jobs=1).
GRIDSEARCH = {"epochs": 30, "quick_epochs": 10, "batch": 25, "cv": 3, "hidden": [10, 20]}
MLP = {"n": 60000, "features": 784, "hidden": 512, "classes": 10, "batch": 128,
       "predict_batch": 1024}
# Warm-up before the timed epoch: 10 full batches and one batch of the final size (60000 % 128),
# so that every batch shape of the timed epoch has been seen (jit compilers trace once per shape).
MLP_WARMUP_ROWS = 10 * MLP["batch"] + MLP["n"] % MLP["batch"]
MLP_PREDICT_WARMUP_ROWS = MLP["predict_batch"] + MLP["n"] % MLP["predict_batch"]
MLP_LAYERS = [(784, 512), (512, 512), (512, 10)]
# augment: images through RandomFlip, RandomRotation, RandomZoom, RandomContrast, Resizing.
AUGMENT = {"n": 1024, "quick_n": 512, "size": 64, "channels": 3, "resize": 32, "batch": 64,
           "classes": 10}
MLP_PARAMS = sum(i * o + o for i, o in MLP_LAYERS)  # 669,706
# Convnets (issue 10): keras.io's simple MNIST convnet on MNIST-shaped data, and a small 1-D
# convnet. A fresh model's first fit runs `warmup_steps` steps (tracing and compilation
# included); then one epoch of `steps` (or `quick_steps`) batches is timed.
CNN_MNIST = {"shape": (28, 28, 1), "classes": 10, "batch": 128, "steps": 40,
             "quick_steps": 12, "warmup_steps": 3}
CONV1D = {"shape": (40, 1), "classes": 10, "batch": 100, "steps": 200, "quick_steps": 60,
          "warmup_steps": 3}


def cnn_mnist_flops() -> int:
    """Forward multiply-adds x 2 per sample: Conv2D(32, 3), Conv2D(64, 3), Dense(10)."""
    return 2 * (26 * 26 * 32 * 9 * 1 + 11 * 11 * 64 * 9 * 32 + 1600 * 10)


def conv1d_flops() -> int:
    """Forward multiply-adds x 2 per sample: Conv1D(32, 5, same), Conv1D(64, 3), Dense(10)."""
    return 2 * (40 * 32 * 5 * 1 + 18 * 64 * 3 * 32 + 64 * 10)


def conv_data(spec: dict, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """x (rows, *shape) float32 uniform in [0, 1), y int64 class labels."""
    rng = np.random.default_rng(0)
    x = rng.random((rows,) + spec["shape"], dtype=np.float32)
    return x, rng.integers(0, spec["classes"], rows)


def steps_per_epoch(n: int, batch: int) -> int:
    return -(-n // batch)


def seed_data() -> tuple[np.ndarray, np.ndarray]:
    """x (25, 3) and y (25,), uniform random floats and random 0/1 labels."""
    rng = np.random.default_rng(0)
    x = rng.random((SEED["n"], SEED["features"]), dtype=np.float32)
    y = rng.integers(0, 2, SEED["n"]).astype(np.float32)
    return x, y


def titanic_data(standardize: bool = False) -> tuple[np.ndarray, ...]:
    """The arrays of ``keraslite.datasets.titanic.load_data()``, exported by export_titanic.py.

    Returns ``x_train, y_train, x_test, y_test`` as float32 (labels as 0.0/1.0). With
    ``standardize``, features are scaled by the training set's mean and standard deviation.
    """
    if not TITANIC_NPZ.exists():
        sys.exit(f"{TITANIC_NPZ} is missing: run `python bench/export_titanic.py` "
                 "with keraslite's interpreter first (bench/run.py does it)")
    with np.load(TITANIC_NPZ) as f:
        x_train, y_train = f["x_train"], f["y_train"].astype(np.float32)
        x_test, y_test = f["x_test"], f["y_test"].astype(np.float32)
    if standardize:
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)
        std[std == 0] = 1.0
        x_train = ((x_train - mean) / std).astype(np.float32)
        x_test = ((x_test - mean) / std).astype(np.float32)
    return x_train, y_train, x_test, y_test


def mlp_data() -> tuple[np.ndarray, np.ndarray]:
    """x (60000, 784) float32 uniform in [0, 1), y int64 in 0..9; made without a float64 copy."""
    rng = np.random.default_rng(0)
    x = rng.random((MLP["n"], MLP["features"]), dtype=np.float32)
    y = rng.integers(0, MLP["classes"], MLP["n"])
    return x, y


def epoch_timer(keras) -> type:
    """A Keras callback class (of the given ``keras`` module) that records each epoch's wall
    time, from on_epoch_begin to on_epoch_end; reading the logs at the end waits for any
    asynchronously dispatched work (JAX, a GPU) to finish.
    """

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            for value in (logs or {}).values():
                float(value)
            self.times.append(time.perf_counter() - self._t0)

    return EpochTimer


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss, KiB on Linux), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def status_mb(field: str) -> float | None:
    """A memory field of /proc/self/status (VmRSS, VmHWM, ...) in MiB, or None off Linux."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of this process; False where not supported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def augment_data() -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 64, 64, 3) float32 in [0, 255) and labels 0..9."""
    rng = np.random.default_rng(0)
    n = AUGMENT["quick_n" if quick() else "n"]
    x = rng.random((n, AUGMENT["size"], AUGMENT["size"], AUGMENT["channels"]),
                   dtype=np.float32) * 255
    return x, rng.integers(0, AUGMENT["classes"], n)


def quick() -> bool:
    return "--quick" in sys.argv[2:]


def workload_arg(choices: dict) -> str:
    if len(sys.argv) < 2 or sys.argv[1] not in choices:
        sys.exit(f"usage: {sys.argv[0]} WORKLOAD [--quick]; WORKLOAD in {sorted(choices)}")
    return sys.argv[1]


def emit(result: dict) -> None:
    """Print the result line that bench/run.py parses (always the last line of stdout)."""
    result.setdefault("pid", os.getpid())
    sys.stdout.flush()
    print("BENCH_RESULT " + json.dumps(result), flush=True)


# The sequence workloads of issue 9 (text and sequence models).
SEQUENCE = {
    "lstm_lm": {"vocab": 3000, "steps": 30, "batch": 64},
    "lstm_seq": {"vocab": 5000, "steps": 100, "batch": 32},
    "gru_1d": {"steps": 40, "batch": 100, "classes": 10},
}
SEQUENCE_WARMUP_BATCHES = 5  # the first fit (model building and compilation included)
SEQUENCE_TIMED_BATCHES = {"full": 40, "quick": 12}


def sequence_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets for a sequence workload: token ids (int32) or a float signal."""
    spec = SEQUENCE[name]
    n = spec["batch"] * (SEQUENCE_WARMUP_BATCHES + SEQUENCE_TIMED_BATCHES["full"])
    rng = np.random.default_rng(0)
    if name == "gru_1d":
        x = rng.normal(size=(n, spec["steps"], 1)).astype(np.float32)
        return x, rng.integers(0, spec["classes"], n)
    x = rng.integers(1, spec["vocab"], size=(n, spec["steps"])).astype(np.int32)
    if name == "lstm_lm":
        return x, rng.integers(1, spec["vocab"], n)
    return x, rng.integers(0, 2, n).astype(np.float32)


def sequence_batches(quick_mode: bool) -> int:
    return SEQUENCE_TIMED_BATCHES["quick" if quick_mode else "full"]
