"""Where data-parallel training stops scaling: the model of docs/distributed.md, as tables.

    python bench/mpi_model.py [--results bench/.results/scaling_mpi.json]

A step on N ranks costs the compute of the largest shard plus a ring allreduce of the
gradient buffer (S bytes), with no overlap between them (keraslite reduces after backward):

    t(N) = t_fixed + ⌈B / N⌉ · t_row + 2 (N - 1) · α + 2 (N - 1) / N · S / β

t_fixed is the per-step cost that does not shrink with the batch (Python, the optimizer
update over all weights), t_row the cost of one row (the GEMMs), α the latency of one message
and β the link bandwidth. Strong scaling keeps the global batch B (efficiency t(1) / (N t(N)));
weak scaling gives each rank B rows (efficiency t(1) / t(N)). t_fixed and t_row come from the
fastest single-process, one-thread runs of mlp-large on this machine (5.0 ms at batch 128,
9.1 ms at 256; overridable, or read from bench/scaling_mpi.py's 1-rank runs with --results).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

MLP_PARAMS = 669_706
TITANIC_PARAMS = 9 * 20 + 20 + 20 * 10 + 10 + 10 * 1 + 1  # 421
LINKS = [("1 Gbit/s Ethernet", 1e9 / 8, 50e-6), ("10 Gbit/s Ethernet", 10e9 / 8, 20e-6),
         ("100 Gbit/s InfiniBand-class", 100e9 / 8, 2e-6)]
RANKS = [2, 4, 8, 16, 32, 64, 128, 256]


def allreduce_s(n: int, nbytes: float, bandwidth: float, latency: float) -> float:
    """Ring allreduce: reduce-scatter then allgather, 2 (N-1) messages of S / N bytes each."""
    return 2 * (n - 1) * latency + 2 * (n - 1) / n * nbytes / bandwidth


def step_s(n: int, rows: int, fixed: float, per_row: float, nbytes: float, bandwidth: float,
           latency: float) -> float:
    comm = allreduce_s(n, nbytes, bandwidth, latency) if n > 1 else 0.0
    return fixed + rows * per_row + comm


def tables(name: str, fixed: float, per_row: float, nbytes: float, batch: int) -> str:
    lines = [f"**{name}**: t_fixed = {fixed * 1e3:.2f} ms, t_row = {per_row * 1e6:.1f} µs, "
             f"S = {nbytes / 1e6:.3g} MB, B = {batch}", ""]
    t1 = step_s(1, batch, fixed, per_row, nbytes, 1, 0)
    head = "| link | " + " | ".join(f"N={n}" for n in RANKS) + " |"
    rule = "|---|" + "---|" * len(RANKS)
    for title, weak in ((f"Strong scaling (global batch {batch}): efficiency", False),
                        (f"Weak scaling ({batch} rows per rank): efficiency", True)):
        lines += [f"{title}", "", head, rule]
        for name, bandwidth, latency in LINKS:
            cells = []
            for n in RANKS:
                if not weak and n > batch:
                    cells.append("—")
                    continue
                rows = batch if weak else math.ceil(batch / n)
                tn = step_s(n, rows, fixed, per_row, nbytes, bandwidth, latency)
                cells.append(f"{t1 / tn if weak else t1 / (n * tn):.0%}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def measured(path: Path) -> tuple[float, float] | None:
    """``(t_fixed, t_row)`` from the 1-rank runs at batch 128 and 64, if they exist."""
    if not path.exists():
        return None
    med = json.loads(path.read_text())["medians"]
    t128 = med["1 rank, batch 128"]["step_ms"] / 1e3
    t64 = med["1 rank, batch 64 (compute of one shard)"]["step_ms"] / 1e3
    per_row = (t128 - t64) / 64
    if per_row <= 0:
        return None  # a noisy run: fall back to the defaults
    return max(t64 - 64 * per_row, 0.0), per_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=None,
                        help="take mlp-large's t_fixed and t_row from bench/scaling_mpi.py's "
                        "1-rank runs (bench/.results/scaling_mpi.json)")
    parser.add_argument("--fixed-ms", type=float, default=1.0)
    parser.add_argument("--row-us", type=float, default=32.0)
    args = parser.parse_args()
    params = (measured(args.results) if args.results else None) or (
        args.fixed_ms / 1e3, args.row_us / 1e6)
    print(tables("mlp-large, 784-512-512-10, adam", params[0], params[1], MLP_PARAMS * 4, 128))
    # the Titanic network: a step is ~80 µs of fixed per-step work (bench/README, batch 1)
    print(tables("titanic, 9-20-10-1, sgd", 80e-6, 0.1e-6, TITANIC_PARAMS * 4, 25))


if __name__ == "__main__":
    main()
