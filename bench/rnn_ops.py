"""A/B timing of the fused recurrent ops (keraslite.ops.recurrent) at the sequence workloads.

    python bench/rnn_ops.py [--old path/to/recurrent.py] [--rounds 7] [--dtype float32]

Times one forward and one backward (the op's vjp) of ``lstm_sequence`` / ``gru_sequence`` at
the shapes of bench workloads lstm_lm, lstm_seq (both directions) and gru_1d, as CPU time per
call (time.process_time, medians over rounds). With ``--old`` a second implementation (one
file defining both ops, e.g. ``git show bffdebb:src/keraslite/ops/recurrent.py``) is timed
interleaved with the current one, round by round, so that machine noise hits both alike.
As in the workloads (no ``return_sequences``), only the last step's output is used: ops that
take ``last_only`` get it; others get a gradient that is zero except at the last step
(``--all-steps`` uses every step's output instead).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from keraslite.autodiff.graph import recording  # noqa: E402
from keraslite.autodiff.tensor import Tensor  # noqa: E402
from keraslite.ops import recurrent  # noqa: E402

# name: (kind, batch, steps, input features, units, directions)
CASES = {
    "lstm_lm": ("lstm", 64, 30, 64, 128, 1),
    "lstm_seq": ("lstm", 32, 100, 32, 64, 2),
    "gru_1d": ("gru", 100, 40, 1, 64, 1),
}


def _load(path: str):
    spec = importlib.util.spec_from_file_location("recurrent_old", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs(kind, n, steps, d, k, dtype, rng):
    gates = 4 if kind == "lstm" else 3
    t = lambda *s: Tensor(rng.normal(scale=0.3, size=s).astype(dtype), requires_grad=True)  # noqa: E731
    x = t(n, steps, d)
    states = [t(n, k)] * (2 if kind == "lstm" else 1)
    weights = [t(d, gates * k), t(k, gates * k), t(gates * k)]
    if kind == "gru":
        weights.append(t(gates * k))
    return [x, *states, *weights]


def _once(module, kind, args, g, go_backwards, all_steps):
    op = module.lstm_sequence if kind == "lstm" else module.gru_sequence
    last = not all_steps and "last_only" in inspect.signature(op).parameters
    t0 = time.process_time()
    with recording():
        y = op(*args, go_backwards=go_backwards, **({"last_only": True} if last else {}))
    t1 = time.process_time()
    if last:
        y.vjp(g[:, -1:])
    else:
        if not all_steps:
            g = np.concatenate([np.zeros_like(g[:, 1:]), g[:, -1:]], axis=1)
        y.vjp(g)
    t2 = time.process_time()
    return t1 - t0, t2 - t1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="another recurrent.py to time interleaved with this one")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reps", type=int, default=5, help="calls per round (the mean is kept)")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--only", nargs="*", default=list(CASES))
    parser.add_argument("--all-steps", action="store_true",
                        help="use every step's output (return_sequences=True)")
    opts = parser.parse_args()
    impls = {"new": recurrent}
    if opts.old:
        impls = {"old": _load(opts.old), "new": recurrent}
    rng = np.random.default_rng(0)
    for name in opts.only:
        kind, n, steps, d, k, dirs = CASES[name]
        args = _inputs(kind, n, steps, d, k, opts.dtype, rng)
        width = 2 * k if kind == "lstm" else k
        g = rng.normal(size=(n, steps, width)).astype(opts.dtype)
        times = {key: ([], []) for key in impls}
        for _ in range(opts.rounds):
            for key, module in impls.items():
                fw = bw = 0.0
                for _ in range(opts.reps):
                    for direction in range(dirs):
                        a, b = _once(module, kind, args, g, bool(direction),
                                     opts.all_steps)
                        fw, bw = fw + a, bw + b
                times[key][0].append(fw / opts.reps * 1e3)
                times[key][1].append(bw / opts.reps * 1e3)
        line = [f"{name:9s}"]
        for key, (fw, bw) in times.items():
            f, b = statistics.median(fw), statistics.median(bw)
            line.append(f"{key}: fwd {f:6.2f} bwd {b:6.2f} sum {f + b:6.2f} ms")
        print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()
