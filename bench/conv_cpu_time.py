"""CPU time per training step of the convnet workloads, one thread, for a busy machine.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
    XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \\
        PYTHON bench/conv_cpu_time.py keraslite|keras|torch conv1d|cnn_mnist [STEPS]

(keras with KERAS_BACKEND=jax; keraslite with PYTHONPATH=src.) When other processes share the
cores, wall time measures the queue more than the library; the process's CPU time
(``time.process_time``) with one compute thread per library stays comparable. The models, data
and batch sizes are those of workloads/keras_api.py and workloads/torch_loop.py: after 3
warm-up steps, ``fit`` (or the PyTorch loop, without its running metrics) runs STEPS more.
"""

from __future__ import annotations

import importlib
import sys
import time

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent / "workloads"))
from common import CNN_MNIST, CONV1D, conv_data  # noqa: E402


def torch_step_time(spec: dict, x: np.ndarray, y: np.ndarray, steps: int) -> float:
    import torch
    from torch import nn

    torch.set_num_threads(1)
    if spec is CNN_MNIST:
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Dropout(0.5), nn.Linear(1600, 10))
    else:
        model = nn.Sequential(nn.Conv1d(1, 32, 5, padding="same"), nn.ReLU(), nn.MaxPool1d(2),
                              nn.Conv1d(32, 64, 3), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
                              nn.Flatten(), nn.Linear(64, 10))
    xt = torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1)))
    yt = torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    b = spec["batch"]

    def run(first: int, last: int) -> None:
        for s in range(first, last):
            loss = loss_fn(model(xt[s * b:(s + 1) * b]), yt[s * b:(s + 1) * b])
            opt.zero_grad()
            loss.backward()
            opt.step()

    run(0, 3)
    t0 = time.process_time()
    run(3, steps + 3)
    return time.process_time() - t0


def keras_step_time(lib: str, spec: dict, x: np.ndarray, y: np.ndarray, steps: int) -> float:
    keras = importlib.import_module(lib)
    layers = keras.layers
    if spec is CNN_MNIST:
        body = [layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Flatten(), layers.Dropout(0.5)]
    else:
        body = [layers.Conv1D(32, 5, activation="relu", padding="same"),
                layers.MaxPooling1D(2), layers.Conv1D(64, 3, activation="relu"),
                layers.GlobalAveragePooling1D()]
    model = keras.Sequential([keras.Input(spec["shape"]), *body,
                              layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    b = spec["batch"]
    model.fit(x[:3 * b], y[:3 * b], batch_size=b, epochs=1, verbose=0)
    t0 = time.process_time()
    model.fit(x[3 * b:], y[3 * b:], batch_size=b, epochs=1, verbose=0)
    return time.process_time() - t0


def main() -> None:
    lib, work = sys.argv[1], sys.argv[2]
    spec = {"cnn_mnist": CNN_MNIST, "conv1d": CONV1D}[work]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else spec["quick_steps"]
    x, y = conv_data(spec, spec["batch"] * (steps + 3))
    cpu = torch_step_time(spec, x, y, steps) if lib == "torch" else \
        keras_step_time(lib, spec, x, y, steps)
    print(f"{lib} {work}: {cpu / steps * 1e3:.2f} ms CPU per step (one thread)")


if __name__ == "__main__":
    main()
