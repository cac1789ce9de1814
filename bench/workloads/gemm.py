"""The GEMM bound: float32 matrix products through NumPy at the mlp-large shapes.

A training step of 784-512-512-10 at batch B needs, per layer with weights W (i, o) and
input a (B, i): the forward a @ W, and the backward a.T @ d (weight gradient) and d @ W.T
(input gradient): 3 x 2 x B x i x o FLOP. This times exactly those nine products, with
preallocated outputs, and turns the time into GFLOP/s; the bound is then issue 6's FLOP count
(3 x 2 x 128 x 669,706 per step, with biases; 2 x 60,000 x 669,706 for predict) divided by
that rate. Predict times the three forward products at batch 1024.

Usage: python gemm.py bound [--quick]      (also: sweep SPEC, used by bench/scaling.py)
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from common import (
    CNN_MNIST,
    CONV1D,
    MLP,
    MLP_LAYERS,
    MLP_PARAMS,
    cnn_mnist_flops,
    conv1d_flops,
    emit,
    median,
    quick,
)


def _buffers(batch, layers, rng):
    acts = [rng.standard_normal((batch, layers[0][0]), dtype=np.float32)]
    weights, deltas, grads, dxs = [], [], [], []
    for i, o in layers:
        weights.append(rng.standard_normal((i, o), dtype=np.float32) * 0.05)
        acts.append(np.empty((batch, o), np.float32))
        deltas.append(rng.standard_normal((batch, o), dtype=np.float32))
        grads.append(np.empty((i, o), np.float32))
        dxs.append(np.empty((batch, i), np.float32))
    return acts, weights, deltas, grads, dxs


def step_products(batch, layers, backward=True):
    """A function running the products of one step, and their FLOP count."""
    acts, weights, deltas, grads, dxs = _buffers(batch, layers, np.random.default_rng(0))
    n = len(layers)

    def run():
        for k in range(n):
            np.matmul(acts[k], weights[k], out=acts[k + 1])
        if backward:
            for k in range(n - 1, -1, -1):
                np.matmul(acts[k].T, deltas[k], out=grads[k])
                np.matmul(deltas[k], weights[k].T, out=dxs[k])

    flop = (3 if backward else 1) * 2 * batch * sum(i * o for i, o in layers)
    return run, flop


def time_call(run, min_time=0.2, groups=7):
    """Median seconds per call over groups of calls, each group lasting about min_time/groups."""
    run()
    t0 = time.perf_counter()
    run()
    once = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(min_time / groups / once))
    samples = []
    for _ in range(groups):
        t0 = time.perf_counter()
        for _ in range(reps):
            run()
        samples.append((time.perf_counter() - t0) / reps)
    return median(samples)


def bound():
    min_time = 0.3 if quick() else 1.0
    run, flop = step_products(MLP["batch"], MLP_LAYERS)
    step_s = time_call(run, min_time)
    train_gflops = flop / step_s / 1e9
    run, flop = step_products(MLP["predict_batch"], MLP_LAYERS, backward=False)
    fwd_s = time_call(run, min_time)
    predict_gflops = flop / fwd_s / 1e9
    a = np.random.default_rng(1).standard_normal((2048, 2048), dtype=np.float32)
    c = np.empty_like(a)
    square_s = time_call(lambda: np.matmul(a, a, out=c), min_time)
    return {
        "train_gflops": train_gflops,
        "step_bound_ms": 3 * 2 * MLP["batch"] * MLP_PARAMS / (train_gflops * 1e9) * 1e3,
        "step_products_ms": step_s * 1e3,
        "predict_gflops": predict_gflops,
        "predict_bound_s": 2 * MLP["n"] * MLP_PARAMS / (predict_gflops * 1e9),
        "square2048_gflops": 2 * 2048**3 / square_s / 1e9,
        # Convnets: 3 x the forward FLOPs of a batch at the training GEMM rate above.
        "cnn_mnist_bound_ms": 3 * CNN_MNIST["batch"] * cnn_mnist_flops() /
        (train_gflops * 1e9) * 1e3,
        "conv1d_bound_ms": 3 * CONV1D["batch"] * conv1d_flops() / (train_gflops * 1e9) * 1e3,
    }


def sweep(spec):
    """Seconds of one training step's products for each point of a JSON list of
    {"batch": B, "layers": [[i, o], ...]}."""
    points = json.loads(spec)
    out = []
    for p in points:
        run, flop = step_products(p["batch"], [tuple(x) for x in p["layers"]])
        s = time_call(run, 0.1 if quick() else 0.3, groups=5)
        out.append({**p, "gemm_ms": s * 1e3, "gflops": flop / s / 1e9})
    return {"points": out}


if __name__ == "__main__":
    if sys.argv[1:2] == ["bound"]:
        emit(bound())
    elif sys.argv[1:2] == ["sweep"]:
        emit(sweep(sys.argv[2]))
    else:
        sys.exit("usage: gemm.py bound [--quick] | gemm.py sweep JSON [--quick]")
