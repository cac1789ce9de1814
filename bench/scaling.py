"""How a training step's cost grows: step time against layer width and against batch size.

    python bench/scaling.py [--quick] [--no-keras] [--out bench/scaling.png]

Model: 784-w-w-10 (relu, relu, softmax), sparse categorical cross-entropy, adam.
- width sweep: w = 32 ... 4096 at batch 128;
- batch sweep: batch = 1 ... 4096 at w = 512 (mlp-large).
Each point is measured for keraslite and, where its venv exists, Keras 3 + JAX, next to the
GEMM bound: the measured time of that step's nine float32 matrix products through NumPy
(bench/workloads/gemm.py). Each library runs in its own process, with the environment of
bench/run.py (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset). The numbers go to
bench/.results/scaling.json and the plot to bench/scaling.png (matplotlib, from the tools venv
of bench/setup_peers.sh when this interpreter lacks it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import run

BENCH = Path(__file__).resolve().parent
WIDTHS = [32, 64, 128, 256, 512, 1024, 2048, 4096]
BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
QUICK_WIDTHS = [32, 128, 512, 2048, 4096]
QUICK_BATCHES = [1, 8, 64, 512, 4096]
LABELS = {"keraslite": "keraslite", "keras-jax": "Keras 3 + JAX", "gemm": "GEMM bound (NumPy)"}


def sweeps(quick):
    widths, batches = (QUICK_WIDTHS, QUICK_BATCHES) if quick else (WIDTHS, BATCHES)
    return {
        "width": [{"batch": 128, "width": w} for w in widths],
        "batch": [{"batch": b, "width": 512} for b in batches],
    }


def layers(point):
    w = point["width"]
    return [[784, w], [w, w], [w, 10]]


def measure(peer, args, timeout, sweep):
    env = run.child_env(peer, False)
    res, wall, err = run.run_process([peer.python, *args], env, timeout)
    if res is None:
        print(f"{sweep} sweep, {peer.name}: failed: {err}", file=sys.stderr)
        return None
    print(f"{sweep} sweep, {peer.name}: {wall:.0f} s", file=sys.stderr, flush=True)
    return res["points"]


def collect(quick, with_keras):
    peers = {p.name: p for p in run.PEERS}
    kl = peers["keraslite"]
    kl.python = run.interpreter(kl)
    libs = [kl]
    kj = peers["keras-jax"]
    kj.python = run.interpreter(kj)
    if with_keras and kj.python:
        libs.append(kj)
    run.NUMPY.python = kl.python
    q = ["--quick"] if quick else []
    data = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": run.machine(), "loadavg_start": os.getloadavg()[0], "sweeps": {}}
    for name, points in sweeps(quick).items():
        result = {}
        spec = json.dumps([{"batch": p["batch"], "layers": layers(p)} for p in points])
        result["gemm"] = measure(run.NUMPY, ["gemm.py", "sweep", spec, *q], 900, name)
        for peer in libs:
            lib = "keraslite" if peer.name == "keraslite" else "keras"
            result[peer.name] = measure(
                peer, ["scaling_keras.py", json.dumps(points), "--lib", lib, *q], 1800, name)
        data["sweeps"][name] = {"points": points, "results": result}
    data["loadavg_end"] = os.getloadavg()[0]
    return data


def plot(data, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter

    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex="col",
                             gridspec_kw={"height_ratios": [3, 2]})
    for col, (name, xkey, title) in enumerate([
        ("width", "width", "784-w-w-10 at batch 128: step time vs width w"),
        ("batch", "batch", "784-512-512-10: step time vs batch size"),
    ]):
        sweep = data["sweeps"].get(name)
        if not sweep:
            continue
        top, bottom = axes[0][col], axes[1][col]
        gemm = {p[xkey]: p["gemm_ms"]
                for p in _with_x(sweep["results"].get("gemm"), sweep["points"])}
        for lib, style in (("gemm", "k--"), ("keraslite", "o-"), ("keras-jax", "s-")):
            pts = _with_x(sweep["results"].get(lib), sweep["points"])
            if not pts:
                continue
            key = "gemm_ms" if lib == "gemm" else "step_ms"
            xs = [p[xkey] for p in pts]
            top.plot(xs, [p[key] for p in pts], style, label=LABELS[lib])
            if lib != "gemm":
                ratio = [(p[xkey], p[key] / gemm[p[xkey]]) for p in pts if gemm.get(p[xkey])]
                bottom.plot([r[0] for r in ratio], [r[1] for r in ratio], style,
                            label=LABELS[lib])
        top.set_xscale("log", base=2)
        top.set_yscale("log")
        top.set_ylabel("ms per training step")
        top.set_title(title, fontsize=10)
        top.grid(True, which="both", alpha=0.3)
        top.legend(fontsize=8)
        bottom.axhline(1.25, color="grey", lw=0.8, ls=":", label="goal 1.25x")
        bottom.set_yscale("log")
        bottom.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
        bottom.yaxis.set_minor_formatter(FormatStrFormatter("%.3g"))
        bottom.set_xlabel(xkey)
        bottom.set_ylabel("step / GEMM bound")
        bottom.grid(True, which="both", alpha=0.3)
        bottom.legend(fontsize=8)
    m = data["machine"]
    fig.suptitle(f"keraslite scaling — {data['date']} — {m['cpu']}, {m['cores']} cores — "
                 f"load {data['loadavg_start']:.1f} → {data['loadavg_end']:.1f}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def _with_x(points, spec):
    """The measured points, each carrying its x value (the GEMM sweep records layers only)."""
    if not points:
        return []
    return [{**s, **p} for s, p in zip(spec, points)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer points, shorter timings")
    parser.add_argument("--no-keras", action="store_true", help="keraslite and GEMM only")
    parser.add_argument("--out", default=str(BENCH / "scaling.png"))
    parser.add_argument("--plot", metavar="JSON", help="only draw the plot from saved results")
    args = parser.parse_args()
    if args.plot:
        plot(json.loads(Path(args.plot).read_text()), args.out)
        return 0
    data = collect(args.quick, not args.no_keras)
    run.RESULTS.mkdir(exist_ok=True)
    saved = run.RESULTS / "scaling.json"
    saved.write_text(json.dumps(data, indent=1))
    print(f"saved {saved}")
    for name, sweep in data["sweeps"].items():
        print(f"\n{name} sweep (ms per step):")
        res = sweep["results"]
        libs = [k for k in ("gemm", "keraslite", "keras-jax") if res.get(k)]
        print(f"{name:>6} " + " ".join(f"{LABELS[k][:14]:>15}" for k in libs))
        for i, p in enumerate(sweep["points"]):
            vals = [res[k][i]["gemm_ms" if k == "gemm" else "step_ms"] for k in libs]
            print(f"{p[name]:>6} " + " ".join(f"{v:>15.3f}" for v in vals))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        tools = run.VENVS / "tools" / "bin" / "python"
        if not tools.exists():
            print("no matplotlib here and no bench/.venvs/tools: run bench/setup_peers.sh tools",
                  file=sys.stderr)
            return 1
        return subprocess.run([str(tools), __file__, "--plot", str(saved), "--out", args.out]
                              ).returncode
    plot(data, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
