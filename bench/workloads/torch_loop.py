"""The workloads as a plain PyTorch training loop (what a PyTorch user would write).

Each epoch draws a permutation, slices batches with one index each, runs forward, loss,
backward, optimizer step, and keeps a running loss and accuracy as tensors (no .item() per
step), as Keras' fit reports them. mlp-large ends in logits with CrossEntropyLoss (the fused,
idiomatic form of softmax + sparse categorical cross-entropy); predict applies the softmax.
Adam uses epsilon 1e-7 and SGD learning rate 0.01, Keras' defaults.

Usage: python torch_loop.py WORKLOAD [--quick]
"""

from __future__ import annotations

import time

import numpy as np
import torch
from common import (
    CNN_MNIST,
    CONV1D,
    MLP,
    MLP_PREDICT_WARMUP_ROWS,
    MLP_WARMUP_ROWS,
    SEED,
    SMALL_BATCH,
    TITANIC,
    TITANIC_ADAM,
    conv_data,
    emit,
    median,
    mlp_data,
    peak_rss_mb,
    quick,
    seed_data,
    steps_per_epoch,
    titanic_data,
    workload_arg,
)
from torch import nn

torch.manual_seed(0)


def binary_correct(out, yb):
    return ((out > 0.5) == (yb > 0.5)).sum()


def class_correct(logits, yb):
    return (logits.argmax(dim=1) == yb).sum()


def train_epoch(model, loss_fn, opt, x, y, batch, correct_fn):
    """One epoch; returns (mean loss, accuracy) as tensors."""
    n = len(x)
    order = torch.randperm(n)
    loss_sum = torch.zeros(())
    correct = torch.zeros((), dtype=torch.int64)
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        xb, yb = x[idx], y[idx]
        out = model(xb)
        loss = loss_fn(out, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            loss_sum += loss.detach() * len(idx)
            correct += correct_fn(out, yb)
    return loss_sum / n, correct / n


def fit(model, loss_fn, opt, x, y, epochs, batch, correct_fn=binary_correct):
    """Train for epochs; returns each epoch's wall time."""
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        loss, acc = train_epoch(model, loss_fn, opt, x, y, batch, correct_fn)
        float(loss), float(acc)
        times.append(time.perf_counter() - t0)
    return times


def seed_model():
    return nn.Sequential(nn.Linear(3, 5), nn.Sigmoid(), nn.Linear(5, 1), nn.Softmax(dim=1))


def titanic_model(variant=None):
    first = [nn.Linear(9, 20), nn.Sigmoid()]
    second = [nn.Linear(20, 10), nn.ReLU()]
    if variant == "dropout":
        first.append(nn.Dropout(0.2))
    elif variant == "leaky":
        second = [nn.Linear(20, 10), nn.LeakyReLU(0.3)]  # Keras' LeakyReLU default slope
    return nn.Sequential(*first, *second, nn.Linear(10, 1), nn.Sigmoid())


def tensors(x, y):
    return torch.from_numpy(x), torch.from_numpy(y.reshape(-1, 1))


def test_accuracy(model, x, y):
    with torch.inference_mode():
        p = model(torch.from_numpy(x)).numpy().reshape(-1)
    return float(((p > 0.5) == (y > 0.5)).mean())


def run_seed():
    x, y = tensors(*seed_data())
    model = seed_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    t0 = time.perf_counter()
    fit(model, nn.MSELoss(), opt, x, y, SEED["epochs"], SEED["batch"])
    return {"fit_s": time.perf_counter() - t0}


def run_titanic():
    x_np, y_np, xt, yt = titanic_data()
    t0 = time.perf_counter()  # the first fit of a fresh model, model building included
    x, y = tensors(x_np, y_np)
    model = titanic_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    fit(model, nn.BCELoss(), opt, x, y, TITANIC["epochs"], TITANIC["batch"])
    elapsed = time.perf_counter() - t0
    return {"first_fit_s": elapsed, "test_acc": test_accuracy(model, xt, yt)}


def run_small_batch(variant=None):
    x_np, y_np, _, _ = titanic_data()
    x, y = tensors(x_np, y_np)
    model = titanic_model(variant)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    epochs = SMALL_BATCH["quick_epochs" if quick() else "epochs"]
    times = fit(model, nn.BCELoss(), opt, x, y, epochs, SMALL_BATCH["batch"])
    steps = steps_per_epoch(len(x), SMALL_BATCH["batch"])
    per_step = [t / steps * 1e6 for t in times[1:]]
    return {"us_per_step": median(per_step), "epochs_us": per_step}


def run_titanic_adam():
    x_np, y_np, xt, yt = titanic_data(standardize=True)
    x, y = tensors(x_np, y_np)
    model = titanic_model()
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    t0 = time.perf_counter()
    fit(model, nn.BCELoss(), opt, x, y, TITANIC_ADAM["epochs"], TITANIC_ADAM["batch"])
    elapsed = time.perf_counter() - t0
    return {"fit_s": elapsed, "test_acc": test_accuracy(model, xt, yt)}


def run_mlp(regularized=False):
    x_np, y_np = mlp_data()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    h, batch = MLP["hidden"], MLP["batch"]
    if regularized:  # mlp-reg; BatchNorm1d momentum 0.01 is Keras' momentum 0.99, eps 1e-3
        model = nn.Sequential(nn.Linear(MLP["features"], h), nn.ReLU(),
                              nn.BatchNorm1d(h, eps=1e-3, momentum=0.01), nn.Dropout(0.2),
                              nn.Linear(h, h), nn.ReLU(), nn.Dropout(0.2),
                              nn.Linear(h, MLP["classes"]))
    else:
        model = nn.Sequential(nn.Linear(MLP["features"], h), nn.ReLU(), nn.Linear(h, h),
                              nn.ReLU(), nn.Linear(h, MLP["classes"]))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    w = MLP_WARMUP_ROWS
    train_epoch(model, loss_fn, opt, x[:w], y[:w], batch, class_correct)
    (epoch_s,) = fit(model, loss_fn, opt, x, y, 1, batch, class_correct)
    step_ms = epoch_s / steps_per_epoch(len(x), batch) * 1e3

    def predict(rows):
        out = np.empty((len(rows), MLP["classes"]), np.float32)
        pb = MLP["predict_batch"]
        model.eval()
        with torch.inference_mode():
            for start in range(0, len(rows), pb):
                out[start:start + pb] = torch.softmax(model(rows[start:start + pb]), 1).numpy()
        return out

    predict(x[:MLP_PREDICT_WARMUP_ROWS])
    t0 = time.perf_counter()
    predict(x)
    predict_s = time.perf_counter() - t0
    return {"step_ms": step_ms, "epoch_fit_s": epoch_s, "predict_s": predict_s,
            "rss_peak_mb": peak_rss_mb()}


def cnn_mnist_model():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5),
                         nn.Linear(1600, 10))


def conv1d_model():
    return nn.Sequential(nn.Conv1d(1, 32, 5, padding="same"), nn.ReLU(), nn.MaxPool1d(2),
                         nn.Conv1d(32, 64, 3), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
                         nn.Linear(64, 10))


def run_convnet(spec, build):
    """As keras_api.py: first fit of a fresh model (warm-up steps), then one timed epoch.
    Channels first (PyTorch's layout): the data are transposed once, outside the timing."""
    batch = spec["batch"]
    steps = spec["quick_steps" if quick() else "steps"]
    warm = spec["warmup_steps"] * batch
    x_np, y_np = conv_data(spec, warm + steps * batch)
    x = torch.from_numpy(np.ascontiguousarray(np.moveaxis(x_np, -1, 1)))
    y = torch.from_numpy(y_np)
    t0 = time.perf_counter()
    model = build()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    model.train()
    fit(model, loss_fn, opt, x[:warm], y[:warm], 1, batch, class_correct)
    first_fit_s = time.perf_counter() - t0
    (epoch_s,) = fit(model, loss_fn, opt, x[warm:], y[warm:], 1, batch, class_correct)
    return {"step_ms": epoch_s / steps * 1e3, "first_fit_s": first_fit_s}


def run_cnn_mnist():
    return run_convnet(CNN_MNIST, cnn_mnist_model)


def run_conv1d():
    return run_convnet(CONV1D, conv1d_model)


# No BatchNormalization variant at batch 1: PyTorch's BatchNorm1d refuses a batch of one
# sample in training mode (Keras computes it: x̂ = 0, the output is β).
WORKLOADS = {"seed": run_seed, "titanic": run_titanic, "small_batch": run_small_batch,
             "small_batch_dropout": lambda: run_small_batch("dropout"),
             "small_batch_leaky": lambda: run_small_batch("leaky"),
             "titanic_adam": run_titanic_adam, "mlp": run_mlp,
             "mlp_reg": lambda: run_mlp(regularized=True), "cnn_mnist": run_cnn_mnist,
             "conv1d": run_conv1d}

if __name__ == "__main__":
    emit(WORKLOADS[workload_arg(WORKLOADS)]())
