"""Batch normalization's training step: the fused op against the same math as composite ops.

``keraslite.ops.normalization.normalize`` (one graph node, closed-form VJP) versus
``ops.moments`` + ``ops.batch_normalization`` (about ten nodes), forward and backward through a
GradientTape, float32. Prints the best of five rounds and the ratio composite / fused::

    python bench/normalization_ops.py
"""

from __future__ import annotations

import time

import numpy as np

import keraslite as keras
from keraslite import ops
from keraslite.autodiff import GradientTape
from keraslite.ops.normalization import normalize

SHAPES = [(32, 16), (128, 256), (512, 1024)]


def step(x, gamma, beta, fused: bool):
    t = keras.Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        tape.watch(t)
        if fused:
            y = normalize(t, (0,), gamma, beta, 1e-3)[0]
        else:
            mean, var = ops.moments(t, (0,))
            y = ops.batch_normalization(t, mean, var, -1, offset=beta, scale=gamma, epsilon=1e-3)
        loss = ops.sum(y)
    return tape.gradient(loss, [t, gamma, beta])


def best_time(args: tuple, repeats: int) -> float:
    step(*args)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            step(*args)
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'shape':<14}{'fused':>12}{'composite':>12}{'ratio':>8}")
    for shape in SHAPES:
        x = rng.normal(size=shape).astype(np.float32)
        gamma = keras.Variable(np.ones(shape[1], np.float32))
        beta = keras.Variable(np.zeros(shape[1], np.float32))
        repeats = max(3, 200_000 // x.size)
        fused = best_time((x, gamma, beta, True), repeats)
        composite = best_time((x, gamma, beta, False), repeats)
        print(f"{str(shape):<14}{fused * 1e6:>10.0f}us{composite * 1e6:>10.0f}us"
              f"{composite / fused:>8.2f}")


if __name__ == "__main__":
    main()
