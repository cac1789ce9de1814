"""Data-parallel scaling of mlp-large over MPI: 1 rank against 2 ranks, one thread each.

    python bench/scaling_mpi.py [--quick] [--rounds N] [--steps N]

Runs bench/workloads/mpi_fit.py under ``mpiexec -n 1`` and ``-n 2`` (the mpiexec beside this
interpreter, i.e. the ``mpich`` wheel of ``pip install "keraslite[mpi]"``, else the one on PATH),
with every BLAS capped at one thread, rounds interleaved:

- strong scaling: global batch 128 on 1 rank, and on 2 ranks (64 rows each);
- the compute part: 1 rank at batch 64 (one 2-rank shard, no communication);
- weak scaling: 2 ranks at global batch 256 (128 rows each).

It prints steps/s, speedup and efficiency, and checks the model of docs/distributed.md:
t(2 ranks) ≈ t(1 rank, 64 rows) + t(allreduce of the 2.7 MB gradient buffer). Results go to
bench/.results/scaling_mpi.json. keraslite comes from this checkout's src/ (or
BENCH_KERASLITE_SRC).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import run

BENCH = Path(__file__).resolve().parent
CONFIGS = [("1 rank, batch 128", 1, 128), ("2 ranks, batch 128 (64 each)", 2, 128),
           ("1 rank, batch 64 (compute of one shard)", 1, 64),
           ("2 ranks, batch 256 (128 each)", 2, 256)]


def mpiexec() -> str:
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        sys.exit("no mpiexec: pip install \"keraslite[mpi]\" (mpi4py and the mpich wheel)")
    return found


def environment() -> dict:
    env = dict(os.environ)
    for var in run.OPENBLAS_VARS:
        env.pop(var, None)
    env.update(run.thread_env(1))
    src = os.environ.get("BENCH_KERASLITE_SRC", str(run.REPO / "src"))
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def measure(ranks: int, batch: int, steps: int) -> dict:
    cmd = [mpiexec(), "-n", str(ranks), sys.executable, "mpi_fit.py", "--batch", str(batch),
           "--steps", str(steps)]
    proc = subprocess.run(cmd, cwd=run.WORKLOADS_DIR, env=environment(), capture_output=True,
                          text=True, timeout=900)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_RESULT ")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1][len("BENCH_RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 40 steps")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 5)
    steps = args.steps or (40 if args.quick else 150)
    load = os.getloadavg()[0]
    samples: dict = {label: [] for label, _, _ in CONFIGS}
    for _ in range(rounds):
        for label, ranks, batch in CONFIGS:
            samples[label].append(measure(ranks, batch, steps))
    keys = ("step_ms", "allreduce_ms", "in_allreduce_ms")
    med = {label: {k: statistics.median(r[k] for r in rs) for k in keys}
           for label, rs in samples.items()}
    one, two, shard, weak = (med[label] for label, _, _ in CONFIGS)
    speedup = one["step_ms"] / two["step_ms"]
    weak_eff = (256 / weak["step_ms"]) / (2 * 128 / one["step_ms"])
    model_ms = shard["step_ms"] + two["allreduce_ms"]
    bus = 2 * (2 - 1) / 2 * samples[CONFIGS[1][0]][0]["params"] * 4 / (two["allreduce_ms"] / 1e3)
    print(f"mlp-large (784-512-512-10, adam), one thread per rank, {rounds} rounds x {steps} "
          f"steps, medians; load average at start {load:.2f}")
    print("| configuration | ms/step | steps/s | samples/s |\n|---|---|---|---|")
    for label, _, batch in CONFIGS:
        ms = med[label]["step_ms"]
        print(f"| {label} | {ms:.2f} | {1e3 / ms:.1f} | {batch * 1e3 / ms:.0f} |")
    print(f"strong scaling, batch 128: speedup {speedup:.2f}x on 2 ranks, efficiency "
          f"{speedup / 2:.0%}")
    print(f"weak scaling, 128 rows per rank: efficiency {weak_eff:.0%}")
    print(f"allreduce of the {samples[CONFIGS[1][0]][0]['params'] * 4 / 1e6:.2f} MB gradient "
          f"buffer, 2 ranks: {two['allreduce_ms']:.2f} ms (bus bandwidth "
          f"{bus * 8 / 1e9:.1f} Gbit/s)")
    print(f"2 ranks, batch 128: {two['in_allreduce_ms']:.2f} ms per step inside the gradient "
          f"allreduce (transfer plus waiting for the slower rank), "
          f"{two['step_ms'] - two['in_allreduce_ms']:.2f} ms outside it")
    print(f"model: t(1 rank, 64 rows) + t(allreduce) = {shard['step_ms']:.2f} + "
          f"{two['allreduce_ms']:.2f} = {model_ms:.2f} ms against {two['step_ms']:.2f} ms "
          f"measured ({two['step_ms'] / model_ms - 1:+.0%})")
    run.RESULTS.mkdir(exist_ok=True)
    out = run.RESULTS / "scaling_mpi.json"
    out.write_text(json.dumps({
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": run.machine(), "loadavg_start": load, "rounds": rounds, "steps": steps,
        "samples": samples, "medians": med, "speedup": speedup, "efficiency": speedup / 2,
        "weak_efficiency": weak_eff, "model_ms": model_ms}, indent=1))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
