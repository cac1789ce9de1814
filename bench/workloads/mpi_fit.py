"""One data-parallel mlp-large measurement, run under ``mpiexec -n N`` by bench/scaling_mpi.py.

    mpiexec -n N python mpi_fit.py --batch 128 --steps 60 [--warmup 10]

Every rank builds 784-512-512-10 (relu, relu, softmax; sparse categorical cross-entropy, adam)
under ``keraslite.distribution.DataParallel()`` and trains on ``batch x (warmup + steps)`` rows of
the mlp-large data (the same rows on every rank; each takes its shard of every global batch).
Rank 0 prints ``BENCH_RESULT {json}`` with:

- ``step_ms``: wall time of the timed fit / its steps (after a warm-up fit);
- ``in_allreduce_ms``: time per step spent in the gradient allreduce during the timed fit,
  waiting for the slower rank included;
- ``allreduce_ms``: the median time of one allreduce of the 669,706-float gradient buffer
  (ranks > 1), measured alone after training;
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from common import MLP, MLP_LAYERS, MLP_PARAMS, median

import keraslite as keras
from keraslite.optimizers.base import Optimizer

# One thread per rank: no two-thread halves in the optimizer (BLAS threads are capped by the
# driver's environment, OMP_NUM_THREADS=1 and friends).
Optimizer._PARALLEL_MIN_SIZE = 1 << 62


def time_allreduce() -> list:
    """Wrap the gradient allreduce to record its wall time per step (waiting included)."""
    from keraslite.distribution.worker import Worker

    spent: list = []
    reduce = Worker.reduce_gradients

    def timed(self, flat):
        t0 = time.perf_counter()
        reduce(self, flat)
        spent.append(time.perf_counter() - t0)

    Worker.reduce_gradients = timed
    return spent


def build() -> keras.Model:
    layers = [keras.Input((MLP["features"],))]
    for _, units in MLP_LAYERS:
        layers.append(keras.layers.Dense(units, activation="relu" if units != 10 else "softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=MLP["batch"])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    rank, size = keras.distribution.rank(), keras.distribution.num_processes()
    rows = args.batch * (args.warmup + args.steps)
    rng = np.random.default_rng(0)
    x = rng.random((rows, MLP["features"]), dtype=np.float32)
    y = rng.integers(0, MLP["classes"], rows)
    keras.utils.set_random_seed(0)
    model = build()
    warm = args.batch * args.warmup
    model.fit(x[:warm], y[:warm], batch_size=args.batch, epochs=1, verbose=0)
    keras.distribution.barrier()
    spent = time_allreduce()
    start = time.perf_counter()
    model.fit(x[warm:], y[warm:], batch_size=args.batch, epochs=1, verbose=0)
    keras.distribution.barrier()
    step_ms = (time.perf_counter() - start) / args.steps * 1e3
    allreduce = []
    if size > 1:
        from keraslite.distribution.comm import world

        buffer = np.ones(MLP_PARAMS, np.float32)
        for _ in range(30):
            keras.distribution.barrier()
            t0 = time.perf_counter()
            world().allreduce_sum(buffer)
            allreduce.append((time.perf_counter() - t0) * 1e3)
    if rank == 0:
        print("BENCH_RESULT " + json.dumps({
            "ranks": size, "batch": args.batch, "rows_per_rank": args.batch / size,
            "steps": args.steps, "step_ms": step_ms,
            "steps_per_s": 1e3 / step_ms, "samples_per_s": args.batch * 1e3 / step_ms,
            "allreduce_ms": median(allreduce[5:]) if allreduce else 0.0,
            "in_allreduce_ms": sum(spent) / args.steps * 1e3,
            "params": MLP_PARAMS}), flush=True)


if __name__ == "__main__":
    main()
